/*
 * The notification bell (templates/discussions/bell.html): keeps the unread count live.
 *
 * One websocket to the member's channel (/ws/me/); the server sends
 * {"type": "notifications", "unread": n} on connect and whenever the count changes
 * and again with every heartbeat (docs/realtime.md). Reconnects with exponential backoff and
 * full jitter; replaces a socket that has said nothing for two heartbeats and more (a dead link
 * on a slow network often closes nothing), and reconnects at once when the browser is back
 * online; stops when the member is signed out (4401). Without this script the bell shows the
 * count of the page load.
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
  var SILENT_SOCKET_MS = 60000;
  var attempt = 0;
  var socket = null;
  var silence = null;
  var retry = null;

  function show(unread) {
    count.textContent = String(unread);
    count.hidden = unread === 0;
    bell.classList.toggle("notification-bell--unread", unread > 0);
    var text = unread === 0 ? bell.dataset.textNone : unread === 1 ? bell.dataset.textOne : bell.dataset.textMany;
    label.textContent = text.replace("%(count)s", String(unread));
  }

  function listenForSilence() {
    window.clearTimeout(silence);
    silence = window.setTimeout(function () {
      if (socket) {
        socket.close();
      }
    }, SILENT_SOCKET_MS);
  }

  function scheduleReconnect() {
    var delay = Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, attempt));
    attempt += 1;
    window.clearTimeout(retry);
    retry = window.setTimeout(connect, delay);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var current = new WebSocket(scheme + window.location.host + bell.dataset.socketPath);
    socket = current;
    current.addEventListener("open", function () {
      attempt = 0;
      listenForSilence();
    });
    current.addEventListener("message", function (event) {
      listenForSilence();
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
    current.addEventListener("close", function (event) {
      if (current !== socket) {
        return;
      }
      socket = null;
      window.clearTimeout(silence);
      if (event.code === 4401) {
        return;
      }
      scheduleReconnect();
    });
  }

  window.addEventListener("online", function () {
    if (socket === null) {
      attempt = 0;
      window.clearTimeout(retry);
      connect();
    }
  });

  connect();
})();
