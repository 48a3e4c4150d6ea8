// JobHive client glue. No inline scripts anywhere: data travels in
// <script type="application/json" data-chart="DIV-ID"> blocks that this file reads.
(function () {
  "use strict";

  function draw(target, figure) {
    window.Plotly.react(target, figure.data || [], figure.layout || {}, Object.assign({ responsive: true, displaylogo: false }, figure.config || {}));
  }

  // A live poll sends only the points the page does not have yet (data-chart-append); the drawn
  // chart was kept across the swap (hx-preserve), so they are appended to its traces, by name.
  function append(target, figure) {
    if (!target.data) { draw(target, figure); return; }
    var data = target.data.map(function (trace) { return Object.assign({}, trace); });
    (figure.data || []).forEach(function (incoming) {
      var trace = data.find(function (t) { return t.name === incoming.name; });
      if (!trace) { data.push(incoming); return; }
      ["x", "y", "customdata", "text"].forEach(function (key) {
        if (incoming[key]) trace[key] = (trace[key] || []).concat(incoming[key]);
      });
      trace.type = incoming.type;
      trace.mode = incoming.mode;
    });
    draw(target, { data: data, layout: figure.layout, config: figure.config });
  }

  function drawCharts(root) {
    if (!window.Plotly) return;
    root.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (node) {
      var target = document.getElementById(node.dataset.chart);
      if (target) draw(target, JSON.parse(node.textContent));
    });
    root.querySelectorAll('script[type="application/json"][data-chart-append]').forEach(function (node) {
      var target = document.getElementById(node.dataset.chartAppend);
      if (target) append(target, JSON.parse(node.textContent));
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

// Learning paths: drag a resource to a new place. It posts the same move endpoint as the
// keyboard-accessible up/down buttons (which stay the way to reorder without a mouse).
(function () {
  "use strict";
  var dragged = null;

  function entryOf(node) {
    return node && node.closest ? node.closest(".lp-entries > li.lp-entry") : null;
  }

  function enableDragging() {
    document.querySelectorAll(".lp-entries > li.lp-entry").forEach(function (li) { li.draggable = true; });
  }

  function clearMarks() {
    document.querySelectorAll(".lp-entry.is-drop-target, .lp-entry.is-dragging").forEach(function (li) {
      li.classList.remove("is-drop-target", "is-dragging");
    });
  }

  // htmx:load fires for the page and for every swapped-in element (a replaced list included).
  document.addEventListener("htmx:load", enableDragging);

  document.addEventListener("dragstart", function (event) {
    dragged = entryOf(event.target);
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.entryId);
    dragged.classList.add("is-dragging");
  });

  document.addEventListener("dragover", function (event) {
    var over = entryOf(event.target);
    if (!dragged || !over || over === dragged || over.parentNode !== dragged.parentNode) return;
    event.preventDefault();
    document.querySelectorAll(".lp-entry.is-drop-target").forEach(function (li) {
      if (li !== over) li.classList.remove("is-drop-target");
    });
    over.classList.add("is-drop-target");
  });

  document.addEventListener("drop", function (event) {
    var over = entryOf(event.target);
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    var position = Array.prototype.indexOf.call(over.parentNode.children, over) + 1;
    window.htmx.ajax("POST", dragged.dataset.moveUrl, {
      source: dragged, target: "#entry-list", swap: "outerHTML", values: { position: position }
    });
  });

  document.addEventListener("dragend", function () {
    clearMarks();
    dragged = null;
  });
})();
