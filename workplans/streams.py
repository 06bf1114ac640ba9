"""A work plan's progress as a live stream of the page socket (`progress:<plan translation key>`)."""

from workspace.live.streams import REPLAY_BATCH, StreamKind

from .access import can_view_progress
from .models import ProgressStream, WorkPlanPage
from .services import progress_events_after


def _plan(page):
    specific = page.specific
    return specific if isinstance(specific, WorkPlanPage) else None


class ProgressBatch:
    """The plan's progress after a cursor, rendered per viewer (each sees the activity as their rights allow)."""

    def __init__(self, *, plan, after, latest):
        self.plan, self.after, self.latest = plan, after, latest

    def render_for(self, viewer, page):
        if not can_view_progress(viewer, self.plan):
            return None
        events, latest = progress_events_after(plan=self.plan, viewer=viewer, after=self.after)
        return [{"kind": "progress", **event} for event in events], max(latest, self.latest)


class ProgressStreamKind(StreamKind):
    name = "progress"
    history = True

    def may_follow(self, *, user, page, key):
        plan = _plan(page)
        if plan is None or key != str(plan.translation_key):
            return None
        return can_view_progress(user, plan)

    def latest(self, *, page, key):
        value = ProgressStream.objects.filter(plan_key=page.translation_key).values_list("last_sequence", flat=True)
        return value.first() or 0

    def read(self, *, page, key, after, limit=REPLAY_BATCH):
        plan = _plan(page)
        if plan is None:
            return None
        return ProgressBatch(plan=plan, after=after, latest=self.latest(page=page, key=key))
