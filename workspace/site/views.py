import asyncio
import logging
import sys

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language
from wagtail import hooks
from wagtail.models import Page, Site
from wagtail.views import serve_chain

logger = logging.getLogger(__name__)

IN_MEMORY_LAYER = "channels.layers.InMemoryChannelLayer"


# A probe must answer before the proxy or load balancer gives up on it: with PostgreSQL's pool,
# a request waits up to DATABASE_POOL_TIMEOUT for a connection when the server refuses new ones.
HEALTHZ_DATABASE_WAIT = 3


def _database_answers():
    connection = connections["default"]
    try:
        pool = getattr(connection, "pool", None)
        if pool is not None:
            with pool.connection(timeout=HEALTHZ_DATABASE_WAIT) as raw:
                raw.execute("SELECT 1").fetchone()
            return True
        with connection.cursor() as cursor:
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
    """Django's set_language, remembering the choice as the member's preference.

    From a page, it goes to the page's translation in the chosen language when one is live,
    else to the source page read with the interface in that language: never a 404.
    """
    response = set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and language in dict(settings.LANGUAGES) and response.status_code == 302:
        target = translated_page_url(request, request.POST.get("next", ""), language)
        if target:
            response["Location"] = target
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


def _page_at(request, path):
    """The live page a site URL shows (`/es/governments/guatemala/`, `/fr/source/12/`), or None."""
    language = get_language_from_path(path)
    if not language:
        return None
    try:
        with translation.override(language):  # the language prefix resolves in its own language
            match = resolve(path)
    except Resolver404:
        return None
    if match.url_name == "source_page":
        return Page.objects.live().filter(pk=match.kwargs["page_id"]).first()
    if match.url_name != "wagtail_serve":
        return None
    site = Site.find_for_request(request)
    if site is None:
        return None
    with translation.override(language):
        try:
            route = match.kwargs.get("path", match.args[0] if match.args else "")
            components = [component for component in route.split("/") if component]
            page, _args, _kwargs = site.root_page.localized.specific.route(request, components)
        except Http404:
            return None
    return page


def translated_page_url(request, path, language):
    """Where the switcher goes from `path` in `language`: the page's translation, else its source."""
    if not url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
        return None
    page = _page_at(request, path.split("?")[0])
    if page is None:
        return None
    versions = {
        version.locale.language_code: version
        for version in Page.objects.live().filter(translation_key=page.translation_key).select_related("locale")
    }
    with translation.override(language):
        if language in versions:
            return versions[language].get_url(request=request)
        source = versions.get(settings.LANGUAGE_CODE, page)
        return reverse("source_page", args=[source.pk])


def source_page(request, page_id):
    """A live page read in its own (source) language, with the interface in the reader's language.

    Where the page has a live translation in the reader's language, or is in it, the reader goes
    there. Wagtail's serve hooks run as for the page itself, so its view restrictions hold.
    """
    page = get_object_or_404(Page.objects.live().select_related("locale"), pk=page_id).specific
    language = translation.get_language()
    if page.locale.language_code == language:
        return redirect(page.get_url(request=request))
    translated = Page.objects.live().filter(translation_key=page.translation_key, locale__language_code=language)
    translated = translated.first()
    if translated is not None:
        return redirect(translated.get_url(request=request))
    # The same chain as wagtail.views.serve: the view restrictions are an on_serve_page hook.
    chain = serve_chain
    for hook in reversed(hooks.get_hooks("on_serve_page")):
        chain = hook(chain)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, (), {})
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, (), {})
