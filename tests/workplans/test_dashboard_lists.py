"""The dashboard's lists keep a fixed length as plans grow (issue 14), and its cached part shows
every publish and progress update on the next request, never a draft."""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_member, make_plan, plan_objective
from workplans.dashboard import ACTIVITIES_PER_PAGE, DELAYED_SHOWN
from workplans.models import WorkPlanPage, current_programme_year
from workplans.services import record_progress

pytestmark = pytest.mark.django_db

DASHBOARD = "/es/workplans/"


def table_rows(body):
    return re.findall(r'<td><a href="[^"]+">([^<]+)</a><br>', body)


def delayed_items(body):
    section = body[body.index('id="delayed-title"') : body.index('id="activities-title"')]
    return re.findall(r"<li><a ", section)


@pytest.fixture
def busy_plan(focal_point_gt):
    count = ACTIVITIES_PER_PAGE + 5
    plan = make_plan(
        "GT", author=focal_point_gt, year=current_programme_year(), pillars={1: [plan_objective(activities=count)]}
    )
    for activity in plan.activities()[: DELAYED_SHOWN + 2]:
        record_progress(
            plan=plan, activity_uuid=activity.uuid, by=focal_point_gt, status="delayed", percent_complete=10
        )
    return plan


def test_the_activity_list_shows_one_page_at_a_time(client_for, participant, busy_plan):
    client = client_for(participant)
    first = client.get(DASHBOARD).content.decode()
    assert len(table_rows(first)) == ACTIVITIES_PER_PAGE
    assert f"{ACTIVITIES_PER_PAGE + 5} actividades" in first  # the heading counts them all
    assert "Página 1 de 2" in first and 'href="?page=2#activities-title">Siguiente</a>' in first

    second = client.get(DASHBOARD, {"page": "2"}).content.decode()
    assert len(table_rows(second)) == 5
    assert "Página 2 de 2" in second and 'rel="prev"' in second
    assert len(set(table_rows(first)) | set(table_rows(second))) == ACTIVITIES_PER_PAGE + 5


def test_the_delayed_list_is_short_and_links_to_all_of_them(client_for, participant, busy_plan):
    body = client_for(participant).get(DASHBOARD).content.decode()
    assert len(delayed_items(body)) == DELAYED_SHOWN
    link = f'href="?status=delayed#activities-title">Ver las {DELAYED_SHOWN + 2} actividades retrasadas en la lista'
    assert link in body

    listed = client_for(participant).get(DASHBOARD, {"status": "delayed"}).content.decode()
    assert len(table_rows(listed)) == DELAYED_SHOWN + 2
    assert listed.count("status-badge--delayed") == DELAYED_SHOWN + 2


def test_the_export_still_holds_every_activity(client_for, participant, busy_plan):
    response = client_for(participant).get(reverse("workplans:export_dashboard", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + ACTIVITIES_PER_PAGE + 5


def viewers(focal_point_gt):
    members = [
        make_member("participant"),
        focal_point_gt,
        make_member("coordinator"),
        make_member("focal_point", government_code="HN"),
    ]
    clients = []
    for member in members:
        client = Client()
        client.force_login(member)
        clients.append(client)
    return clients


def test_progress_and_publishes_show_on_the_next_request_and_drafts_never(focal_point_gt):
    plan = make_plan("GT", author=focal_point_gt, year=current_programme_year(), pillars={1: [plan_objective()]})
    clients = viewers(focal_point_gt)
    assert all("0 %" in client.get(DASHBOARD).content.decode() for client in clients)  # fills the cache

    activity = plan.activities()[0]
    record_progress(plan=plan, activity_uuid=activity.uuid, by=focal_point_gt, status="delayed", percent_complete=40)
    for client in clients:
        body = client.get(DASHBOARD).content.decode()
        assert "· Pilar 1 · 40 %" in body  # listed as delayed

    # The plan's editor saves a draft: nobody's dashboard shows it, not even the editor's.
    draft = WorkPlanPage.objects.get(pk=plan.pk).get_latest_revision_as_object()
    draft.pillar_1[0].value["activities"][0]["title"] = "Actividad aún en borrador"
    draft.save_revision(user=focal_point_gt)
    for client in clients:
        body = client.get(DASHBOARD).content.decode()
        assert "Actividad aún en borrador" not in body and "Actividad 1" in body

    WorkPlanPage.objects.get(pk=plan.pk).get_latest_revision().publish()
    for client in clients:
        assert "Actividad aún en borrador" in client.get(DASHBOARD).content.decode()
