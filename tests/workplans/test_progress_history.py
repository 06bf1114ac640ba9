"""An activity's progress history, read on demand: the plan page carries counts, not updates; the
history opened on the page (a fragment) and its own page (paginated), for whoever may read the plan."""

import pytest

from tests.factories import make_plan, plan_objective
from workplans.services import HISTORY_PER_PAGE, HISTORY_SHOWN, record_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(focal_point_gt):
    return make_plan("GT", author=focal_point_gt, pillars={1: [plan_objective(activities=2, indicators=1)]})


def history_url(plan, activity_uuid):
    return f"/work-plans/{plan.pk}/activities/{activity_uuid}/history/"


def report(plan, activity, by, count):
    for number in range(1, count + 1):
        record_progress(
            plan=plan,
            activity_uuid=activity.uuid,
            by=by,
            status="in_progress",
            percent_complete=number,
            note=f"Informe número {number:03d}",
        )


def test_the_plan_page_weighs_the_same_however_long_the_history(client_for, plan, focal_point_gt, participant):
    first, second = plan.activities()
    report(plan, first, focal_point_gt, 1)
    client = client_for(participant)
    light = client.get(plan.url).content
    report(plan, first, focal_point_gt, 40)
    heavy = client.get(plan.url).content.decode()
    assert "Informe número" not in heavy
    assert "Historial de avances (41 actualizaciones)" in heavy
    assert f'data-progress-history="{history_url(plan, first.uuid)}?fragment=1"' in heavy
    assert f'<a href="{history_url(plan, first.uuid)}">' in heavy  # without JavaScript
    assert abs(len(heavy.encode()) - len(light)) < 200
    assert history_url(plan, second.uuid) not in heavy  # nothing reported: no history to open


def test_the_opened_history_shows_the_latest_and_links_to_the_rest(client_for, plan, focal_point_gt, participant):
    activity = plan.activities()[0]
    report(plan, activity, focal_point_gt, HISTORY_SHOWN + 2)
    response = client_for(participant).get(history_url(plan, activity.uuid) + "?fragment=1")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    shown = [f"Informe número {number:03d}" for number in range(HISTORY_SHOWN + 2, 2, -1)]
    assert [body.index(note) for note in shown] == sorted(body.index(note) for note in shown)
    assert "Informe número 002" not in body
    assert f'href="{history_url(plan, activity.uuid)}"' in body and "Ver las 7 actualizaciones" in body


def test_the_history_page_is_paginated_newest_first(client_for, plan, focal_point_gt, participant):
    activity = plan.activities()[0]
    report(plan, activity, focal_point_gt, HISTORY_PER_PAGE + 3)
    client = client_for(participant)
    first = client.get(history_url(plan, activity.uuid)).content.decode()
    assert f"Historial de avances: {activity.title}" in first
    assert f"Informe número {HISTORY_PER_PAGE + 3:03d}" in first and "Informe número 003" not in first
    assert "Página 1 de 2" in first
    second = client.get(history_url(plan, activity.uuid) + "?page=2").content.decode()
    assert "Informe número 003" in second and "Informe número 001" in second
    assert f"Informe número {HISTORY_PER_PAGE + 3:03d}" not in second


def test_the_history_page_reads_the_same_number_of_queries_however_long(
    client_for, plan, focal_point_gt, participant, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    activity = plan.activities()[0]
    report(plan, activity, focal_point_gt, 2)
    client = client_for(participant)
    client.get(history_url(plan, activity.uuid))
    with CaptureQueriesContext(connection) as few:
        client.get(history_url(plan, activity.uuid))
    report(plan, activity, focal_point_gt, 20)
    with django_assert_max_num_queries(len(few)):
        assert client.get(history_url(plan, activity.uuid)).status_code == 200
    assert len(few) <= 15


def test_a_removed_activity_keeps_a_history_page(client_for, plan, focal_point_gt, participant):
    removed = plan.activities()[0]
    report(plan, removed, focal_point_gt, 2)
    amended = plan.get_latest_revision_as_object()
    amended.pillar_1[0].value["activities"] = [amended.pillar_1[0].value["activities"][1]]
    amended.save_revision(user=focal_point_gt).publish()
    page = client_for(participant).get(plan.url).content.decode()
    assert "Informe número 002" in page  # archived activities keep their latest updates inline
    assert f'href="{history_url(plan, removed.uuid)}"' in page
    response = client_for(participant).get(history_url(plan, removed.uuid))
    assert response.status_code == 200
    assert removed.title in response.content.decode()


def test_an_activity_the_plan_never_had_is_not_found(client_for, plan, participant):
    response = client_for(participant).get(history_url(plan, "6f1c0d1e-0000-4000-8000-00000000dead"))
    assert response.status_code == 404
    malformed = f"/work-plans/{plan.pk}/activities/not-a-uuid/history/"
    assert client_for(participant).get(malformed, follow=True).status_code == 404


def test_another_governments_draft_plan_stays_unnamed(client_for, focal_point_gt, focal_point_hn):
    draft = make_plan("GT", author=focal_point_gt, live=False, year=2027)
    activity = draft.activities()[0]
    assert client_for(focal_point_hn).get(history_url(draft, activity.uuid)).status_code == 404
    assert client_for(focal_point_gt).get(history_url(draft, activity.uuid)).status_code == 200


def test_the_history_speaks_the_language_of_the_plan_it_is_opened_from(client_for, plan, focal_point_gt):
    from wagtail.models import Locale

    from tests.factories import make_member

    activity = plan.activities()[0]
    report(plan, activity, focal_point_gt, 1)
    french = plan.copy_for_translation(Locale.objects.get(language_code="fr"))
    french.save_revision().publish()
    client = client_for(make_member("participant", language="fr"))
    assert "Historique des avancées (1 mise à jour)" in client.get(french.url).content.decode()
    body = client.get(history_url(french, activity.uuid)).content.decode()
    assert '<html lang="fr">' in body and "Historique des avancées" in body and "Informe número 001" in body
