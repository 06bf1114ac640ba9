/*
 * Meetings: the RSVP counters follow the page socket's `rsvp:` state stream (docs/realtime.md).
 * The form itself is a plain POST and works without this script.
 */
(function () {
  "use strict";

  function start() {
    var box = document.querySelector("[data-rsvp-counters]");
    if (!box || !window.WorkspaceLive) {
      return;
    }
    window.WorkspaceLive.socket(box.getAttribute("data-live-socket")).subscribe("rsvp:", null, {
      state: function (message) {
        if (typeof message.html === "string") {
          box.innerHTML = message.html;
        }
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
