"""Security events as one JSON line each, never with passwords, session ids or tokens.

Logged to the "workspace.security" logger; ship it to the log store of the deployment.
JSON escapes CR and LF, so a crafted path cannot forge a second log line.
"""

import json
import logging

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("workspace.security")

FORBIDDEN_FIELDS = {
    "password",
    "password1",
    "password2",
    "token",
    "key",
    "sessionid",
    "session_key",
    "code",
    "cookie",
    "headers",
}


def client_ip(request):
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def security_event(event, *, request=None, user=None, **fields):
    record = {"event": event}
    if request is not None:
        record["ip"] = client_ip(request)
        record["method"] = request.method
        record["path"] = request.path
    if user is not None and getattr(user, "is_authenticated", False):
        record["user_id"] = user.pk
    record.update({key: value for key, value in fields.items() if key not in FORBIDDEN_FIELDS})
    logger.warning(json.dumps(record, ensure_ascii=False, default=str, sort_keys=True))


def websocket_denied(scope, *, close_code, **fields):
    """A refused websocket: from the scope only the path, client address and user id (never headers,
    so neither the session cookie nor the session id)."""
    client = scope.get("client") or ("",)
    user = scope.get("user")
    security_event(
        "websocket_denied",
        user=user,
        ip=client[0],
        path=scope.get("path", ""),
        close_code=close_code,
        **fields,
    )


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; log only the login name.
    login = credentials.get("email") or credentials.get("username") or ""
    security_event("login_failed", request=request, login=str(login).lower()[:254])
