"""The demo discussions read like the programme: no comment twice, years that fit today, spam in the queue."""

import re
from collections import Counter
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tests.factories import enrol_totp
from workspace.discussions.filters import pending_moderation
from workspace.discussions.models import Comment
from workspace.site.demo import COORDINATORS, seed_demo
from workspace.site.demo_discussions import FLAGGED_TEXT, conversations, seed_discussions

YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def test_each_practice_has_its_own_conversation_dated_from_today():
    scripts = conversations(today=date(2026, 12, 3))
    bodies = [body for language in scripts.values() for script in language for body, _parent in script]
    assert len(bodies) == len(set(bodies))
    years = {int(year) for body in bodies for year in YEAR.findall(body)}
    assert years and years <= {2025, 2026, 2027}
    assert "replicarlo en 2027" in " ".join(bodies)  # next year's plans, not a year already past


@pytest.mark.django_db
def test_seeded_discussions_repeat_nothing_fit_the_date_and_put_the_spam_in_the_queue(client):
    seed_demo()
    assert seed_discussions() >= 2

    comments = list(Comment.objects.select_related("thread"))
    repeated = [body for body, count in Counter(comment.body for comment in comments).items() if count > 1]
    assert not repeated
    assert len({comment.thread_id for comment in comments}) >= 2
    this_year = timezone.localdate().year
    for comment in comments:
        for year in YEAR.findall(comment.body):
            assert abs(int(year) - this_year) <= 1, comment.body

    # The spam comment waits in the moderation queue, flagged, as a coordinator opens it.
    spam = Comment.objects.get(body__contains=FLAGGED_TEXT[:30])
    assert spam in pending_moderation(Comment.objects.all())
    coordinator = get_user_model().objects.get(email=COORDINATORS[0][0])
    enrol_totp(coordinator)  # coordinators reach the admin with a second factor
    client.force_login(coordinator)
    response = client.get(reverse("discussion_moderation:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert FLAGGED_TEXT[:30] in html and "×1" in html
