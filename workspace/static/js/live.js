/*
 * One client for every live stream of a page (docs/realtime.md).
 *
 * WorkspaceLive.socket(path) gives the one socket for a path (the page's /ws/pages/<id>/, or the
 * bell's /ws/me/), shared by every part of the page that needs it. Parts subscribe to streams
 * with the last sequence they have seen; the client keeps one cursor per stream and sends them
 * again on every reconnect, so the server replays exactly what was missed.
 *
 * Reconnects with exponential backoff and full jitter (1 s doubling, capped at 30 s), at once when
 * the browser says it is back online, and replaces a socket silent for more than two heartbeats
 * (a connection that died without a close). Stops for good on 4401 (signed out), 4403 (no access)
 * and 4404 (no such page), and tells its listeners why.
 */
(function () {
  "use strict";

  if (window.WorkspaceLive) {
    return;
  }

  var STOP_CODES = [4401, 4403, 4404];
  var BACKOFF_BASE_MS = 1000;
  var BACKOFF_CAP_MS = 30000;
  var SILENT_SOCKET_MS = 60000;
  var STREAMS_PER_MESSAGE = 40; // keeps each subscribe frame well under the server's 4 KB

  function LiveSocket(path) {
    this.path = path;
    this.streams = {}; // name → {cursor, handlers}
    this.listeners = {};
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
    this.open = false;
    this.retryTimer = null;
    this.silenceTimer = null;
    window.addEventListener("online", this.reconnectNow.bind(this));
    var self = this;
    // Connect once the page's parts have subscribed (they do on DOMContentLoaded).
    window.setTimeout(function () { self.connect(); }, 0);
  }

  LiveSocket.prototype.on = function (type, listener) {
    (this.listeners[type] = this.listeners[type] || []).push(listener);
    return this;
  };

  LiveSocket.prototype.emit = function (type, data) {
    (this.listeners[type] || []).forEach(function (listener) { listener(data); });
  };

  // handlers: {event(message), state(message), refused(message), typing(message)}
  LiveSocket.prototype.subscribe = function (name, after, handlers) {
    var known = this.streams[name];
    if (known) {
      known.handlers.push(handlers);
      return;
    }
    this.streams[name] = { cursor: after, handlers: [handlers] };
    if (this.open) {
      var request = {};
      request[name] = after;
      this.send({ type: "subscribe", streams: request });
    }
  };

  LiveSocket.prototype.send = function (message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  };

  LiveSocket.prototype.subscribeAll = function () {
    var names = Object.keys(this.streams);
    for (var start = 0; start < names.length; start += STREAMS_PER_MESSAGE) {
      var request = {};
      names.slice(start, start + STREAMS_PER_MESSAGE).forEach(function (name) {
        request[name] = this.streams[name].cursor;
      }, this);
      this.send({ type: "subscribe", streams: request });
    }
  };

  LiveSocket.prototype.connect = function () {
    if (this.stopped || this.socket) {
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + this.path);
    this.socket = socket;
    var self = this;
    socket.onopen = function () {
      self.watch(socket);
    };
    socket.onmessage = function (message) {
      self.watch(socket);
      var data;
      try {
        data = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      self.receive(data);
    };
    socket.onclose = function (event) {
      self.closed(socket, event.code);
    };
  };

  LiveSocket.prototype.receive = function (data) {
    if (data.type === "hello") {
      this.attempt = 0;
      this.open = true;
      this.emit("status", { paused: false });
      this.subscribeAll();
    }
    var stream = data.stream && this.streams[data.stream];
    if (stream) {
      if (data.type === "subscribed" && stream.cursor === null && typeof data.sequence === "number") {
        stream.cursor = data.sequence;
      }
      if (data.type === "event") {
        if (data.sequence <= stream.cursor) {
          return; // seen already (a replay overlapping what was live)
        }
        stream.cursor = data.sequence;
      }
      if (data.type === "refused") {
        delete this.streams[data.stream];
      }
      stream.handlers.forEach(function (handlers) {
        var handler = handlers[data.type];
        if (handler) {
          handler(data);
        }
      });
      return;
    }
    this.emit(data.type, data);
  };

  LiveSocket.prototype.closed = function (socket, code) {
    if (this.socket !== socket) {
      return; // a socket given up on already
    }
    window.clearTimeout(this.silenceTimer);
    this.socket = null;
    this.open = false;
    if (STOP_CODES.indexOf(code) !== -1) {
      this.stopped = true;
      this.emit("stopped", { code: code });
      return;
    }
    this.emit("status", { paused: true });
    var ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, this.attempt));
    this.attempt += 1;
    this.retryTimer = window.setTimeout(this.connect.bind(this), Math.random() * ceiling);
  };

  LiveSocket.prototype.watch = function (socket) {
    var self = this;
    window.clearTimeout(this.silenceTimer);
    this.silenceTimer = window.setTimeout(function () {
      self.closed(socket, 1006); // at once: closing a dead socket may wait for an answer that never comes
      socket.close();
    }, SILENT_SOCKET_MS);
  };

  LiveSocket.prototype.reconnectNow = function () {
    if (!this.socket && !this.stopped) {
      window.clearTimeout(this.retryTimer);
      this.attempt = 0;
      this.connect();
    }
  };

  var sockets = {};

  window.WorkspaceLive = {
    socket: function (path) {
      if (!sockets[path]) {
        sockets[path] = new LiveSocket(path);
      }
      return sockets[path];
    },
  };
})();
