"""A work plan's body (pillars, objectives, activities with their progress, links and discussion
counts) is rendered once for every member who only reads it, and every change shows on the next
request; those who may report on the plan (forms with their CSRF token) and coordinators (meeting
items not yet published) always get it rendered for them (docs/architecture.md, "Caching")."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import ActionItem
from tests.factories import make_meeting, make_member, make_plan, plan_objective
from workplans.services import record_progress
from workspace.discussions.services import post_comment_on_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(focal_point_gt):
    return make_plan("GT", author=focal_point_gt, pillars={1: [plan_objective(activities=3, prefix="Taller")]})


def body_of(client, plan):
    response = client.get(plan.url)
    assert response.status_code == 200
    return response.content.decode()


def test_readers_share_one_rendering_and_the_second_reads_no_structure(client_for, plan, participant):
    other = make_member("focal_point", government_code="HN")
    first = body_of(client_for(participant), plan)
    client = client_for(other)
    body_of(client, plan)  # the chrome of this member (groups, permissions) read once
    with CaptureQueriesContext(connection) as captured:
        second = body_of(client, plan)
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "workplans_activityprogress" not in sql and "workplans_progressupdate" not in sql
    assert "Taller 1" in first and "Taller 1" in second and "Informar avance" not in second


def test_progress_comments_and_a_published_meeting_show_on_the_next_request(
    client_for, plan, participant, focal_point_gt
):
    client = client_for(participant)
    body_of(client, plan)
    first = plan.activities()[0]
    record_progress(plan=plan, activity_uuid=first.uuid, by=focal_point_gt, status="in_progress", percent_complete=40)
    assert "40 % completado" in body_of(client, plan)
    post_comment_on_page(page=plan, anchor=first.anchor, author=participant, body="¿Fechas?")
    assert "(1 comentario)" in body_of(client, plan)
    meeting = make_meeting(starts_at=timezone.now() - timedelta(days=3), status="held", outcomes_phase="published")
    meeting.action_items = [ActionItem(title="Enviar el calendario", owner_government="GT", activity_uuid=first.uuid)]
    meeting.save_revision().publish()
    assert "Enviar el calendario" in body_of(client, plan)


def test_a_new_version_of_the_plan_shows_on_the_next_request(client_for, plan, participant):
    client = client_for(participant)
    assert "Taller nuevo" not in body_of(client, plan)
    plan.pillar_2 = [plan_objective(activities=1, prefix="Taller nuevo")]
    plan.save_revision().publish()
    assert "Taller nuevo 1" in body_of(client, plan)


def test_reporters_and_coordinators_never_get_or_leave_the_shared_body(
    client_for, plan, participant, focal_point_gt, coordinator
):
    meeting = make_meeting(starts_at=timezone.now() - timedelta(days=3), status="held", outcomes_phase="circulated")
    meeting.action_items = [
        ActionItem(title="Acción en circulación", owner_government="GT", activity_uuid=plan.activities()[0].uuid)
    ]
    meeting.save_revision().publish()
    for member in (focal_point_gt, coordinator):
        body = body_of(client_for(member), plan)
        assert "Informar avance" in body and 'class="activity__report' in body
    assert "Acción en circulación" in body  # the coordinator's
    reader = body_of(client_for(participant), plan)
    assert "Informar avance" not in reader and 'class="activity__report' not in reader
    assert "Acción en circulación" not in reader
    assert "Informar avance" in body_of(client_for(focal_point_gt), plan)


def test_a_draft_a_preview_and_an_opened_discussion_are_never_cached(rf, plan, participant, focal_point_gt):
    from workplans.services import plan_body_version

    def version(page, path="/", **flags):
        request = rf.get(path)
        request.user = participant
        for name, value in flags.items():
            setattr(request, name, value)
        return plan_body_version(plan=page, viewer=participant, request=request, may_report=False, progress_sequence=0)

    draft = make_plan("GT", author=focal_point_gt, year=2030, live=False)
    assert version(plan) is not None
    assert version(draft) is None
    assert version(plan, is_preview=True) is None
    assert version(plan, path=f"/?discuss={plan.activities()[0].anchor}") is None
