// JobHive client glue. No inline scripts anywhere: data travels in
// <script type="application/json" data-chart="DIV-ID"> blocks that this file reads.
(function () {
  "use strict";

  function drawCharts(root) {
    if (!window.Plotly) return;
    root.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (node) {
      var target = document.getElementById(node.dataset.chart);
      if (!target) return;
      var figure = JSON.parse(node.textContent);
      window.Plotly.react(target, figure.data || [], figure.layout || {}, Object.assign({ responsive: true, displaylogo: false }, figure.config || {}));
    });
  }

  // Move keyboard focus to the main landmark after a full-page htmx navigation.
  function focusMain(event) {
    if (event.detail && event.detail.boosted) {
      var main = document.getElementById("main");
      if (main) main.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); focusMain(event); });
})();
