"""The live protocol as a load client speaks it: ALL of the websocket protocol of bench/soak.py.

One socket per page, `/ws/pages/<page_id>/` (docs/realtime.md): after `hello` the client sends
`{"type": "subscribe", "streams": {"discussion:": <last sequence>}}`; the server answers
`subscribed` (the latest sequence), replays, then sends live `event`s and `heartbeat`s naming
their stream. Protocol changes touch only `socket_path`, `on_open` and `parse` below.

A client keeps every event of its stream it received, in order, reconnects with exponential
backoff and jitter (through the proxy) and subscribes again from the last sequence it saw.
"""

import asyncio
import json
import random
import time
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

BACKOFF_BASE, BACKOFF_CAP = 1.0, 30.0  # seconds, as static/js/live.js
# Close codes after which a browser stops instead of reconnecting (docs/realtime.md).
FINAL_CLOSE_CODES = {4400, 4401, 4403, 4404, 4426}


@dataclass
class Received:
    sequence: int
    kind: str
    comment_id: int | None
    at: float  # time.monotonic() of receipt
    replayed: bool  # arrived while catching up after (re)connecting, or over HTTP


@dataclass
class LiveClient:
    """One member's socket on one page, subscribed to the page's discussion (`discussion:`)."""

    ws_origin: str  # wss://host:port
    origin: str  # https://host:port (the Origin header)
    thread_id: int  # the discussion's thread (what the database's events are keyed by)
    page_id: int
    cookie: str  # "name=value" of the session cookie
    start: int = 0  # the sequence to start after (a thread's events before the run aside)
    stream: str = "discussion:"
    ssl: object = None
    events: list = field(default_factory=list)
    seen: set = field(default_factory=set)
    duplicates: int = 0
    out_of_order: int = 0
    connects: int = 0
    closes: dict = field(default_factory=dict)  # close code -> count
    final_close: int | None = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    latest_known: int = 0  # the latest sequence the server announced (hello/heartbeat)

    @property
    def last(self):
        return self.events[-1].sequence if self.events else self.start

    # --- The protocol: the only lines to change for /ws/pages/<page_id>/ ---------------------------

    def socket_path(self):
        return f"/ws/pages/{self.page_id}/"

    async def on_open(self, websocket):
        """Subscribe to the discussion from the last sequence seen."""
        await websocket.send(json.dumps({"type": "subscribe", "streams": {self.stream: self.last}}))

    def parse(self, message):
        """A server message as (kind, payload): ("event", {sequence, kind, comment_id}),
        ("latest", sequence) for subscribed/heartbeat, or (None, None) for anything else."""
        kind = message.get("type")
        if kind == "event" and message.get("stream") == self.stream:
            return "event", message
        if kind == "subscribed" and message.get("stream") == self.stream:
            return "latest", int(message.get("sequence") or 0)
        if kind == "heartbeat" and self.stream in (message.get("streams") or {}):
            return "latest", int(message["streams"][self.stream] or 0)
        if kind == "refused":
            return "refused", int(message.get("code") or 0)
        return None, None

    # --- Bookkeeping ---------------------------------------------------------------------------

    def record(self, payload, *, replayed):
        sequence = int(payload["sequence"])
        if (
            any(event.sequence == sequence for event in self.events[-50:])
            or sequence <= self.last
            and any(event.sequence == sequence for event in self.events)
        ):
            self.duplicates += 1
            return
        if sequence < self.last:
            self.out_of_order += 1
        self.events.append(Received(sequence, payload["kind"], payload.get("comment_id"), time.monotonic(), replayed))

    # --- The connection loop ----------------------------------------------------------------------

    async def run(self, stop):
        """Stay connected (reconnecting with backoff) until `stop` is set or a final close code.

        The backoff is the browser client's (static/js/live.js): full jitter under a ceiling of
        1 s doubling to 30 s, reset once a socket opens. A faster one (0.25 s, half jitter) made
        200 clients come back within a few hundred milliseconds of a Redis restart, a storm the
        browsers never make.
        """
        attempt = 0
        while not stop.is_set():
            replaying_until = None
            try:
                async with connect(
                    self.ws_origin + self.socket_path(),
                    ssl=self.ssl,
                    origin=self.origin,
                    additional_headers={"Cookie": self.cookie},
                    open_timeout=30,
                    ping_interval=None,
                    max_size=2**20,
                ) as websocket:
                    self.connects += 1
                    await self.on_open(websocket)
                    self.connected.set()
                    attempt = 0
                    receiving = asyncio.ensure_future(websocket.recv())
                    stopping = asyncio.ensure_future(stop.wait())
                    try:
                        while True:
                            done, _ = await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
                            if stopping in done:
                                return
                            kind, payload = self.parse(json.loads(receiving.result()))
                            receiving = asyncio.ensure_future(websocket.recv())
                            if kind == "latest":
                                self.latest_known = max(self.latest_known, payload)
                                if replaying_until is None:
                                    replaying_until = payload  # `subscribed`: the replay ends here
                            elif kind == "refused":
                                self.final_close = payload
                                return
                            elif kind == "event":
                                self.record(
                                    payload,
                                    replayed=replaying_until is not None and payload["sequence"] <= replaying_until,
                                )
                    finally:
                        receiving.cancel()
                        stopping.cancel()
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else 1006
                self.closes[code] = self.closes.get(code, 0) + 1
                if code in FINAL_CLOSE_CODES:
                    self.final_close = code
                    return
            except (TimeoutError, OSError, InvalidStatus, EOFError) as error:
                name = getattr(getattr(error, "response", None), "status_code", None) or type(error).__name__
                self.closes[name] = self.closes.get(name, 0) + 1
            self.connected.clear()
            if stop.is_set():
                return
            await asyncio.sleep(random.random() * min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))
            attempt += 1
