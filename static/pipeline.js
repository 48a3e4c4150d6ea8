// The pipeline board (templates/pipeline/board.html): drag a card onto another column to move the candidate.
// The drop fills the card's own "Move to" form (the one keyboard users submit) and submits it, so htmx posts
// the same request with the version the page showed. A 409 (someone moved the candidate meanwhile) and a 422
// redraw the board with the server's message, like a success.
(function () {
  "use strict";
  var dragged = null;

  function board() { return document.querySelector("[data-pipeline-board]"); }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".pipeline-card");
    if (!card || !board()) return;
    dragged = card;
    card.classList.add("pipeline-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-candidate"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("pipeline-dragging");
    document.querySelectorAll(".pipeline-drop-target").forEach(function (column) {
      column.classList.remove("pipeline-drop-target");
    });
    dragged = null;
  });

  function columnOf(event) {
    return event.target.closest ? event.target.closest(".pipeline-column") : null;
  }

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event);
    if (!dragged || !column || column.contains(dragged)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("pipeline-drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    var column = columnOf(event);
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("pipeline-drop-target");
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event);
    if (!dragged || !column || column.contains(dragged)) return;
    event.preventDefault();
    var form = dragged.querySelector("form.pipeline-move");
    var select = form && form.querySelector('select[name="stage"]');
    if (!select) return;
    select.value = column.getAttribute("data-stage");
    if (select.value !== column.getAttribute("data-stage")) return;
    form.requestSubmit();
  });

  // The board answers a conflict (409) with itself redrawn: swap it like any answer.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 409 && event.detail.target && event.detail.target.id === "pipeline-board") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
