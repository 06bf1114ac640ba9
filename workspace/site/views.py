import asyncio
import logging
import sys

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language

logger = logging.getLogger(__name__)

IN_MEMORY_LAYER = "channels.layers.InMemoryChannelLayer"


def _database_answers():
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:
        logger.exception("healthz: database check failed")
        return False


async def _ping_channel_layer():
    layer = get_channel_layer()
    await asyncio.wait_for(layer.group_send("healthz", {"type": "healthz.ping"}), timeout=3)


def _channel_layer_answers():
    try:
        async_to_sync(_ping_channel_layer)()
        return True
    except Exception:
        logger.exception("healthz: channel layer check failed")
        return False


@never_cache
@require_GET
def healthz(request):
    """200 when the database (and a shared channel layer, if configured) answer; 503 naming what fails."""
    checks = {"database": _database_answers()}
    if settings.CHANNEL_LAYERS["default"]["BACKEND"] != IN_MEMORY_LAYER:
        checks["channel_layer"] = _channel_layer_answers()
    failing = [name for name, ok in checks.items() if not ok]
    body = {
        "status": "ok" if not failing else "unavailable",
        "checks": {name: "ok" if ok else "unavailable" for name, ok in checks.items()},
    }
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


def switch_language(request):
    """Django's set_language, remembering the choice as the member's preference."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        from wagtail.users.models import UserProfile

        profile = UserProfile.get_for_user(request.user)
        if profile.preferred_language != language:
            profile.preferred_language = language
            profile.save(update_fields=["preferred_language"])
    return response


# Errors that mean "the database cannot be reached right now" (a restart, a failover, a network
# blip), as opposed to a bug: the request is answered 503 with Retry-After and nothing is written
# (a view's transaction rolled back with the connection).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def server_error(request, *args, **kwargs):
    """handler500: a readable page (or JSON) without a traceback and without the database.

    A database that cannot be reached answers 503 with Retry-After (the service resumes by itself:
    each request opens a new connection); anything else 500. Rendered without context processors
    (they may need the database) from a template that extends nothing.
    """
    error = sys.exc_info()[1]
    unavailable = isinstance(error, DATABASE_UNAVAILABLE)
    if unavailable:
        status, title = 503, _("Temporarily unavailable")
        message = _(
            "The workspace cannot reach its database for a moment. Nothing was saved: try again in a few seconds."
        )
    else:
        status, title = 500, _("Something went wrong")
        message = _("The workspace could not answer this request. The team has been told; try again later.")
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"message": str(message), "errors": {}}, status=status)
    else:
        html = render_to_string("server_error.html", {"title": title, "message": message})
        response = HttpResponse(html, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
