"""The RSVP counters of a meeting as a live *state* stream (`rsvp:`) on the page socket."""

from django.template.loader import render_to_string

from workspace.live.streams import StreamKind

from .access import can_view_meeting


class RsvpStream(StreamKind):
    name = "rsvp"
    history = False

    def _meeting(self, page):
        from .models import MeetingPage

        specific = page.specific_deferred
        return specific if isinstance(specific, MeetingPage) else None

    def may_follow(self, *, user, page, key):
        meeting = self._meeting(page)
        if meeting is None or key:
            return None
        return can_view_meeting(user, meeting)

    def latest(self, *, page, key):
        return 0

    def read(self, *, page, key, after, limit=0):
        return None

    def state_for(self, *, user, page, key):
        from .services import rsvp_counters

        meeting = self._meeting(page)
        if meeting is None or key or not can_view_meeting(user, meeting):
            return None
        counters = rsvp_counters(meeting)
        html = render_to_string("meetings/includes/rsvp_counters.html", {"counters": counters})
        return {"counters": counters, "html": html}
