"""Reading a page writes nothing (issue 14): no INSERT, UPDATE or DELETE on a plain GET.

Every main page, as a participant, a focal point and a coordinator, once the member's session
is under way (its first request of a few minutes records the activity: SessionLifetimeMiddleware).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings import services as meeting_services
from meetings.models import MeetingIndexPage
from tests.factories import make_meeting, make_member, make_plan, plan_objective
from tests.site.test_practice_support import library_url, make_practice
from workplans.models import WorkPlanIndexPage
from workspace.site.models import GovernmentPage, HomePage, PillarPage

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@pytest.fixture
def pages(coordinator):
    practice = make_practice("GT", title="Protocolo de retorno", pillars=[1, 3])
    plan = make_plan("GT", author=coordinator, pillars={1: [plan_objective(activities=3)]})
    meeting = make_meeting(governments=("GT", "HN"))
    return {
        "home": HomePage.objects.get(locale__language_code="es").url,
        "library": library_url(),
        "library, filtered": library_url(pillar=["1", "3"], government=["GT"], sort="title"),
        "library, searched": library_url(q="retorno"),
        "practice page": practice.url,
        "government page": GovernmentPage.objects.get(code="GT", locale__language_code="es").url,
        "pillar page": PillarPage.objects.filter(locale__language_code="es").first().url,
        "work plan": plan.url,
        "work-plan dashboard": WorkPlanIndexPage.objects.get(locale__language_code="es").url,
        "meeting page": meeting.url,
        "meetings index": MeetingIndexPage.objects.get(locale__language_code="es").url,
    }


def writes_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in queries if WRITE.match(query["sql"])]


@pytest.mark.parametrize("role", ["participant", "focal_point", "coordinator"])
def test_reading_every_main_page_writes_nothing(client, pages, role):
    member = make_member(role, government_code="GT" if role == "focal_point" else None)
    client.force_login(member)
    client.get(pages["home"])  # the session's first request records its activity, once

    writes = {name: writes_of(client, url) for name, url in pages.items()}

    assert writes == {name: [] for name in pages}


@pytest.mark.parametrize("role", ["participant", "focal_point", "coordinator"])
def test_reading_the_calendar_feed_writes_nothing(client, role):
    member = make_member(role, government_code="GT" if role == "focal_point" else None)
    make_meeting(governments=("GT",), members=[member])
    token = meeting_services.issue_feed_token(member=member)

    assert writes_of(client, f"/meetings/calendar/{token}.ics") == []
    assert writes_of(client, f"/meetings/calendar/{token}.ics") == []


def test_activity_is_still_recorded_once_per_interval(client, participant, settings):
    """The session's last-seen time and allauth's user-session row move on after the interval."""
    from allauth.usersessions.models import UserSession

    client.force_login(participant)
    home = HomePage.objects.get(locale__language_code="es").url
    client.get(home)
    session = client.session
    session["workspace_seen_at"] -= 10 * 60
    session.save()
    before = UserSession.objects.filter(user=participant).values_list("last_seen_at", flat=True).first()

    assert writes_of(client, home) != []
    assert client.session["workspace_seen_at"] > session["workspace_seen_at"]
    assert UserSession.objects.get(user=participant).last_seen_at != before
    assert writes_of(client, home) == []
