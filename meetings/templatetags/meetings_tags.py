from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from meetings import caching
from meetings.access import is_coordinator
from meetings.models import MeetingIndexPage, MeetingPage
from workspace.core import memo
from workspace.site.caching import live_section

register = template.Library()

UPCOMING_ON_HOME = 5


def _upcoming_for(member, *, language, limit):
    """`MeetingPage.objects.upcoming_for`, from the cache: the list depends only on the language and
    on being a coordinator (who also sees drafts), and changes with a page saved or published
    (namespace "pages") or when a listed meeting ends (checked on every read)."""
    key = memo.key("upcoming-meetings", is_coordinator(member), language, limit, namespaces=("pages",))
    meetings = cache.get(key)
    now = timezone.now()
    if meetings is None or any(meeting.ends_at <= now for meeting in meetings):
        meetings = list(MeetingPage.objects.upcoming_for(member, now=now, language=language)[:limit])
        cache.set(key, meetings, memo.TIMEOUT)
    return meetings


@register.inclusion_tag("meetings/includes/upcoming.html", takes_context=True)
def upcoming_meetings(context, limit=UPCOMING_ON_HOME):
    """The home page's “upcoming meetings” box: what the member may see, in the page's language."""
    request = context.get("request")
    member = getattr(request, "user", None)
    language = (get_language() or "es")[:2]
    meetings = _upcoming_for(member, language=language, limit=limit) if member else []
    return {
        "meetings": meetings,
        "index": live_section(MeetingIndexPage, language=language),
        "request": request,
    }


@register.simple_tag(takes_context=True)
def open_action_items(context, government_code):
    """A government page's open action items (owned by that government), from meetings whose outcomes
    the member may read, in the page's language: rendered once per government, language and kind of
    reader (`caching.outcomes_reader_class`), again when a meeting or its rows change."""
    request = context.get("request")
    member = getattr(request, "user", None)
    language = (get_language() or "es")[:2]
    if not member:
        return render_to_string("meetings/includes/open_action_items.html", {"items": []}, request)
    return memo.get_or_build(
        "government-action-items",
        government_code,
        language,
        caching.outcomes_reader_class(member),
        namespaces=caching.SHARED,
        build=lambda: render_to_string(
            "meetings/includes/open_action_items.html",
            {"items": _open_action_items(member, government_code, language=language)},
            request,
        ),
    )


def _open_action_items(member, government_code, *, language):
    from meetings.models import ActionItem

    meetings = MeetingPage.objects.with_readable_outcomes(member).for_language(language)
    return list(
        ActionItem.objects.filter(page__in=meetings.values("pk"), owner_government=government_code)
        .open()
        .select_related("page")
        .order_by("due_date", "page__starts_at", "pk")
    )


@register.inclusion_tag("meetings/includes/rsvp_counters.html")
def rsvp_counters(meeting):
    from meetings.services import rsvp_counters as counters

    return {"counters": counters(meeting)}
