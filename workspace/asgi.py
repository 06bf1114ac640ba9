"""ASGI entry point: HTTP through Django, websockets through Channels (same process)."""

import logging
import os
from urllib.parse import urlparse

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspace.settings.dev")

# Django must be set up before the consumers (and their models) are imported.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import DatabaseError  # noqa: E402

from workspace.core.security import websocket_denied  # noqa: E402
from workspace.routing import websocket_urlpatterns  # noqa: E402

logger = logging.getLogger(__name__)


class LoggedOriginValidator(OriginValidator):
    """Channels' origin check, unchanged, plus a security-log line for each refusal."""

    async def __call__(self, scope, receive, send):
        origin = origin_header(scope)
        if scope["type"] == "websocket" and not self.valid_origin(urlparse(origin) if origin is not None else None):
            # Refused before any consumer runs: the server answers the handshake with HTTP 403.
            websocket_denied(scope, close_code=403, reason="origin", origin=(origin or "")[:200])
        return await super().__call__(scope, receive, send)


def origin_header(scope):
    """The Origin header as OriginValidator reads it (the last one wins), or None."""
    origin = None
    for name, value in scope.get("headers", []):
        if name == b"origin":
            origin = value.decode("latin1")
    return origin


# A ws:// upgrade where only wss:// is allowed (docs/realtime.md, "Limits and close codes").
CLOSE_TLS_REQUIRED = 4426


def websocket_is_secure(scope):
    """wss:// directly, or through a proxy that says so the way Django trusts for HTTP
    (SECURE_PROXY_SSL_HEADER, e.g. X-Forwarded-Proto: https; the last value wins)."""
    if scope.get("scheme") == "wss":
        return True
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not header:
        return False
    name, expected = header
    wanted = name.removeprefix("HTTP_").lower().replace("_", "-").encode("latin1")
    value = None
    for key, raw in scope.get("headers", []):
        if key == wanted:
            value = raw.decode("latin1")
    return value is not None and value.split(",")[0].strip() == expected


class SecureWebsocketOnly:
    """With settings.WEBSOCKETS_REQUIRE_TLS (production), refuse a websocket not over TLS.

    Accept-then-close with 4426 so the browser's `close` event carries the reason (a refused
    handshake is only an anonymous 403), and one security-log line; nothing else runs.
    """

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if (
            scope["type"] != "websocket"
            or not getattr(settings, "WEBSOCKETS_REQUIRE_TLS", False)
            or websocket_is_secure(scope)
        ):
            return await self.application(scope, receive, send)
        websocket_denied(scope, close_code=CLOSE_TLS_REQUIRED, reason="insecure_transport")
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": CLOSE_TLS_REQUIRED})


# The database (or the channel layer) could not answer while the socket was opening.
CLOSE_UNAVAILABLE = 1011


class CloseWhenUnavailable:
    """A websocket whose opening fails on the database (the session or member read of the auth
    middleware, the consumer's access check) is accepted and closed with 1011, so the browser
    reconnects with backoff; without this the server answers the handshake with HTTP 500 and a
    traceback in the log. An error after the socket opened is the consumer's own business.
    """

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)
        state = {"connect_read": False, "answered": False}

        async def reading():
            message = await receive()
            if message["type"] == "websocket.connect":
                state["connect_read"] = True
            return message

        async def sending(message):
            if message["type"] in ("websocket.accept", "websocket.close", "websocket.http.response.start"):
                state["answered"] = True
            await send(message)

        try:
            return await self.application(scope, reading, sending)
        except DatabaseError:
            if state["answered"]:
                raise
            logger.warning("Websocket %s closed with 1011: the database is unavailable", scope.get("path"))
        if not state["connect_read"] and (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": CLOSE_UNAVAILABLE})


def logged_origin_validator(application):
    """AllowedHostsOriginValidator (settings.ALLOWED_HOSTS, DEBUG defaults) with logged refusals."""
    validator = AllowedHostsOriginValidator(application)
    return LoggedOriginValidator(validator.application, validator.allowed_origins)


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SecureWebsocketOnly(
            logged_origin_validator(CloseWhenUnavailable(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))))
        ),
    }
)
