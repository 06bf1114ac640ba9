"""ASGI entry point: HTTP through Django, websockets through Channels (same process)."""

import os
from urllib.parse import urlparse

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspace.settings.dev")

# Django must be set up before the consumers (and their models) are imported.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator  # noqa: E402

from workspace.core.security import websocket_denied  # noqa: E402
from workspace.routing import websocket_urlpatterns  # noqa: E402


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


def logged_origin_validator(application):
    """AllowedHostsOriginValidator (settings.ALLOWED_HOSTS, DEBUG defaults) with logged refusals."""
    validator = AllowedHostsOriginValidator(application)
    return LoggedOriginValidator(validator.application, validator.allowed_origins)


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": logged_origin_validator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
