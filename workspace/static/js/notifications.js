/*
 * The notification bell (templates/notifications/bell.html): keeps the unread count live.
 *
 * The member's own socket (/ws/me/, through live.js, which reconnects with backoff, replaces a
 * silent socket and stops when the member is signed out); the server sends
 * {"type": "notifications", "unread": n} on connect, whenever the count changes and with every
 * heartbeat (docs/realtime.md). Without this script the bell shows the count of the page load.
 */
(function () {
  "use strict";

  var bell = document.querySelector("[data-notification-bell]");
  if (!bell || !window.WebSocket || !window.WorkspaceLive) {
    return;
  }
  var count = bell.querySelector("[data-unread-count]");
  var label = bell.querySelector("[data-bell-label]");

  function show(unread) {
    count.textContent = String(unread);
    count.hidden = unread === 0;
    bell.classList.toggle("notification-bell--unread", unread > 0);
    var text = unread === 0 ? bell.dataset.textNone : unread === 1 ? bell.dataset.textOne : bell.dataset.textMany;
    label.textContent = text.replace("%(count)s", String(unread));
  }

  window.WorkspaceLive.socket(bell.dataset.socketPath).on("notifications", function (message) {
    if (typeof message.unread === "number") {
      show(message.unread);
    }
  });
})();
