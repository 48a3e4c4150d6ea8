// The header's notification bell (templates/notifications/_bell.html): its 30 s poll is skipped while the
// tab is hidden, and the count is asked for again as soon as the tab shows.
(function () {
  "use strict";
  var BELL = "notification-bell";

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (document.hidden && event.detail.elt && event.detail.elt.id === BELL) event.preventDefault();
  });

  document.addEventListener("visibilitychange", function () {
    var bell = document.getElementById(BELL);
    if (!document.hidden && bell && window.htmx) window.htmx.trigger(bell, "notifications:refresh");
  });
})();
