"""Demo discussions: comments in both languages, a flagged one for the queue, and idempotent."""

from tests.factories import make_member
from workspace.discussions.models import Comment, Flag, Thread
from workspace.site.demo_discussions import FLAGGED_TEXT, seed_discussions


def test_seed_discussions_is_idempotent_and_fills_the_moderation_queue(db):
    make_member("coordinator")
    make_member("participant")
    make_member("focal_point", government_code="GT")

    assert seed_discussions() > 0
    counts = (Thread.objects.count(), Comment.objects.count(), Flag.objects.count())
    assert Comment.objects.filter(parent__isnull=False).exists()  # replies
    assert Flag.objects.filter(comment__body__contains=FLAGGED_TEXT[:20]).exists()

    assert seed_discussions() == 0
    assert (Thread.objects.count(), Comment.objects.count(), Flag.objects.count()) == counts
