"""Admin hooks: announce changes after publishing, warn coordinators about overlaps and over-time agendas."""

from django.contrib import messages
from django.utils.translation import gettext as _
from wagtail import hooks

from . import services
from .models import MeetingPage


def _warn(request, page):
    page = page.specific
    if not isinstance(page, MeetingPage):
        return
    for other in services.overlapping_meetings(page):
        messages.warning(
            request,
            _("“%(other)s” overlaps this meeting and shares an invited government.") % {"other": other.title},
        )
    if page.is_over_time:
        messages.warning(
            request,
            _("The agenda lasts %(agenda)d minutes, longer than the meeting (%(meeting)d minutes).")
            % {"agenda": page.agenda_minutes, "meeting": page.meeting_minutes},
        )


@hooks.register("after_create_page")
def warn_after_create(request, page):
    _warn(request, page)


@hooks.register("after_edit_page")
def warn_after_edit(request, page):
    _warn(request, page)


@hooks.register("after_publish_page")
def announce_after_publish(request, page):
    page = page.specific
    if isinstance(page, MeetingPage):
        services.announce_meeting_changes(meeting=page)
