/*
 * The notification bell (templates/discussions/bell.html): keeps the unread count live.
 *
 * One websocket to the member's channel (/ws/me/); the server sends
 * {"type": "notifications", "unread": n} on connect and whenever the count changes
 * (docs/realtime.md). Reconnects with exponential backoff and full jitter; stops when the
 * member is signed out (4401). Without this script the bell shows the count of the page load.
 */
(function () {
  "use strict";

  var bell = document.querySelector("[data-notification-bell]");
  if (!bell || !window.WebSocket) {
    return;
  }
  var count = bell.querySelector("[data-unread-count]");
  var label = bell.querySelector("[data-bell-label]");
  var BACKOFF_BASE_MS = 1000;
  var BACKOFF_CAP_MS = 30000;
  var attempt = 0;

  function show(unread) {
    count.textContent = String(unread);
    count.hidden = unread === 0;
    bell.classList.toggle("notification-bell--unread", unread > 0);
    var text = unread === 0 ? bell.dataset.textNone : unread === 1 ? bell.dataset.textOne : bell.dataset.textMany;
    label.textContent = text.replace("%(count)s", String(unread));
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + bell.dataset.socketPath);
    socket.addEventListener("open", function () { attempt = 0; });
    socket.addEventListener("message", function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message.type === "notifications" && typeof message.unread === "number") {
        show(message.unread);
      }
    });
    socket.addEventListener("close", function (event) {
      if (event.code === 4401) {
        return;
      }
      var delay = Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, attempt));
      attempt += 1;
      window.setTimeout(connect, delay);
    });
  }

  connect();
})();
