"""Every front-end page asks at most MAX_QUERIES queries, for every kind of member, and the same
number with ten times the data (issue #14).

The page chrome (member, groups, permissions, site, locale, navigation, view restrictions) comes
from the cache after the first request; what is counted is a warm request, as members see it.
allauth's per-request session tracking (a write on every GET) is switched off here: it is the
session-write fix's business (bench/, perfhttp), not a page's.
"""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.discussions.helpers import committed
from tests.factories import government_page, make_meeting, make_member, make_plan, plan_objective
from tests.site.test_practice_support import library_url, make_practice
from workspace.discussions.services import post_comment_on_page
from workspace.site.models import PillarPage

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15
GOVERNMENTS = ("BZ", "CR", "DO", "SV", "GT", "HT", "HN", "MX", "PA")


@pytest.fixture(autouse=True)
def quiet(settings):
    settings.USERSESSIONS_TRACK_ACTIVITY = False
    cache.clear()
    # The search and reference indexes are rebuilt on every save: not what is measured here.
    with (
        mock.patch("modelsearch.signal_handlers.insert_or_update_object_task"),
        mock.patch("workspace.site.models.insert_or_update_object_task"),
        mock.patch("wagtail.signal_handlers.update_reference_index_task"),
    ):
        yield
    cache.clear()


def add_practices(count):
    practices = []
    for number in range(count):
        practices.append(
            make_practice(
                GOVERNMENTS[number % 9],
                title=f"Protocolo de migración y retorno {number}",
                pillars=[number % 4 + 1],
                tags=[f"etiqueta-{number % 5}", "retorno"],
                start_year=2010 + number % 10,
            )
        )
    return practices


def add_comments(page, count, *, authors, anchor=""):
    for number in range(count):
        committed(
            post_comment_on_page,
            page=page,
            anchor=anchor,
            author=authors[number % len(authors)],
            body=f"Comentario {number}",
        )


def plan_with(activities, *, author, year):
    plan = make_plan("GT", author=author, year=year, pillars={1: [plan_objective(activities=activities)]})
    return plan


def build(scale, members):
    """The pages of the table with `scale` times the base data; returns {page name: url}."""
    focal_point = members["focal point"]
    writers = [members["participant"], focal_point]
    add_practices(3 * scale)
    practice = make_practice("GT", title=f"Práctica comentada {scale}")
    with mock.patch("workspace.discussions.services.check_rate_limit"):
        add_comments(practice, 3 * scale, authors=writers)
        plan = plan_with(2 * scale, author=focal_point, year=2000 + scale)
        activities = [anchor for anchor in plan.discussion_anchors() if anchor.startswith("activity-")]
        for anchor in activities:
            add_comments(plan, 1, authors=writers, anchor=anchor)
    meeting = make_meeting(governments=("GT",), agenda=[f"Punto {number}" for number in range(2 * scale)])
    for _ in range(scale):
        make_meeting(governments=("GT", "HN"))
    pillar = PillarPage.objects.get(locale__language_code="es", number=1)
    return {
        "home": "/es/",
        "library": library_url(),
        "library, filtered": library_url(pillar=["1", "3"], government=["GT", "MX"], sort="title"),
        "library, searched": library_url(q="migracion retorno"),
        "practice page": practice.url,
        "government page": government_page("GT").url,
        "pillar page": pillar.url,
        "work plan": plan.url,
        "work-plan dashboard": "/es/workplans/",
        "meeting page": meeting.url,
        "meetings index": "/es/meetings/",
        "meeting .ics": f"/meetings/{meeting.pk}/calendar.ics",
        "notification centre": "/notifications/",
        "profile": "/accounts/profile/",
    }


def count_queries(client, url):
    first = client.get(url)  # warms the caches, as the first member's request does
    assert first.status_code == 200, (url, first.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def test_every_page_asks_at_most_15_queries_and_the_same_with_ten_times_the_data(client):
    members = {
        "participant": make_member("participant"),
        "focal point": make_member("focal_point", government_code="GT"),
        "coordinator": make_member("coordinator"),
    }
    counts = {}
    for scale in (1, 10):
        urls = build(scale, members)
        for role, member in members.items():
            client.force_login(member)
            for page, url in urls.items():
                counts[(page, role, scale)] = count_queries(client, url)
    over = {key: count for key, count in counts.items() if count > MAX_QUERIES}
    grew = {
        (page, role): (counts[(page, role, 1)], counts[(page, role, 10)])
        for (page, role, scale) in counts
        if scale == 1 and counts[(page, role, 1)] != counts[(page, role, 10)]
    }
    table = "\n".join(
        f"{page:22} {role:12} {counts[(page, role, 1)]:3} {counts[(page, role, 10)]:3}"
        for (page, role, scale) in counts
        if scale == 1
    )
    assert not over, table
    assert not grew, table
