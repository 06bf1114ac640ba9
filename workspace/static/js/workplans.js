/*
 * A work plan's progress, live: each update another member reports replaces the activity's
 * progress fragment (server-rendered) on the page's one socket (live.js), replayed after a
 * reconnect from the last sequence seen. Without this script the page shows what it was rendered with.
 */
(function () {
  "use strict";

  function start() {
    var plan = document.querySelector("[data-progress-stream]");
    if (!plan || !window.WorkspaceLive || !window.WebSocket || !plan.dataset.progressStream) {
      return;
    }
    var live = window.WorkspaceLive.socket(plan.dataset.liveSocket);
    var after = parseInt(plan.dataset.progressSequence || "0", 10);
    live.subscribe(plan.dataset.progressStream, after, {
      event: function (event) {
        var target = plan.querySelector('[data-progress-activity="' + event.activity + '"]');
        if (target && event.html) {
          var holder = document.createElement("div");
          holder.innerHTML = event.html;
          var fresh = holder.querySelector("[data-progress-activity]");
          if (fresh) {
            target.replaceWith(fresh);
          } else {
            target.innerHTML = event.html;
          }
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
