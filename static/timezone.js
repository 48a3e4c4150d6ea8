// Sign-up: the browser's time zone into the hidden field, so times are shown in it from the first page.
// The server keeps only a zone it knows; without JavaScript (or with an unknown zone) the account is in UTC.
(function () {
  "use strict";
  function detect() {
    var zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      zone = "";
    }
    document.querySelectorAll("input[data-detect-time-zone]").forEach(function (input) {
      input.value = zone;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", detect);
  } else {
    detect();
  }
})();
