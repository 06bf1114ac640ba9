"""Progress reporting on an approved plan: the service, the HTTP form (with and without JS), bad
input refused with nothing written, immutable history, the push after commit, replay for the socket."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_member, make_plan, plan_objective
from workplans.access import can_report_progress, members_who_may_report
from workplans.models import ActivityProgress, ProgressUpdate
from workplans.services import progress_events_after, record_progress
from workspace.live.groups import page_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(focal_point_gt):
    return make_plan("GT", author=focal_point_gt, pillars={1: [plan_objective(activities=2, indicators=2)]})


def url(plan):
    return f"/work-plans/{plan.pk}/progress/"


def form(activity_part, **overrides):
    activity = activity_part
    data = {"activity": activity.uuid, "status": "in_progress", "percent_complete": "40", "note": "Primer taller."}
    data[f"indicator-{activity.indicators[0].uuid}"] = "25"
    data.update(overrides)
    return data


def test_record_progress_writes_an_update_and_the_current_state(
    plan, focal_point_gt, django_capture_on_commit_callbacks, captured_pushes
):
    activity = plan.activities()[0]
    with django_capture_on_commit_callbacks(execute=True):
        update = record_progress(
            plan=plan,
            activity_uuid=activity.uuid,
            by=focal_point_gt,
            status="in_progress",
            percent_complete=40,
            indicator_values={activity.indicators[0].uuid: "25"},
            note="Primer taller.",
        )
    assert update.sequence == 1
    assert update.previous_status == "" and update.previous_percent_complete == 0
    state = ActivityProgress.objects.get(plan_key=plan.translation_key, activity_uuid=activity.uuid)
    assert (state.status, state.percent_complete, state.indicator_values) == (
        "in_progress",
        40,
        {activity.indicators[0].uuid: "25"},
    )
    second = record_progress(
        plan=plan, activity_uuid=activity.uuid, by=focal_point_gt, status="done", percent_complete=100
    )
    assert second.sequence == 2 and second.previous_status == "in_progress" and second.previous_percent_complete == 40
    state.refresh_from_db()
    assert state.indicator_values == {activity.indicators[0].uuid: "25"}  # kept when not reported again
    assert captured_pushes[0] == (
        page_group(plan.translation_key),
        {"type": "stream.event", "stream": f"progress:{plan.translation_key}", "sequence": 1},
    )


def test_updates_are_immutable(plan, focal_point_gt):
    activity = plan.activities()[0]
    update = record_progress(
        plan=plan, activity_uuid=activity.uuid, by=focal_point_gt, status="done", percent_complete=100
    )
    update.note = "Cambiado"
    with pytest.raises(ValidationError):
        update.save()
    with pytest.raises(ValidationError):
        update.delete()
    assert ProgressUpdate.objects.get(pk=update.pk).note == ""


@pytest.mark.parametrize(
    "overrides",
    [
        {"percent_complete": "140"},
        {"percent_complete": "mucho"},
        {"status": "finished"},
        {"indicator-X": "1"},
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_written(client_for, plan, focal_point_gt, overrides):
    activity = plan.activities()[0]
    data = form(activity, **overrides)
    response = client_for(focal_point_gt).post(url(plan), data)
    if "indicator-X" in overrides:  # an unknown field is ignored, the rest is recorded
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode() or "No se guardó" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_value_that_is_not_a_number_is_refused(client_for, plan, focal_point_gt):
    activity = plan.activities()[0]
    response = client_for(focal_point_gt).post(
        url(plan),
        form(activity, **{f"indicator-{activity.indicators[1].uuid}": "doce"}),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not ProgressUpdate.objects.exists()


def test_an_unknown_activity_is_404(client_for, plan, focal_point_gt):
    response = client_for(focal_point_gt).post(
        url(plan), form(plan.activities()[0], **{"activity": "00000000-0000-0000-0000-000000000000"})
    )
    assert response.status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_another_governments_plan_by_url_is_404(client_for, plan, focal_point_hn, participant):
    for member in (focal_point_hn, participant):
        response = client_for(member).post(url(plan), form(plan.activities()[0]))
        assert response.status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_a_draft_plan_takes_no_progress(client_for, focal_point_gt):
    draft = make_plan("GT", author=focal_point_gt, live=False)
    response = client_for(focal_point_gt).post(url(draft), form(draft.activities()[0]))
    assert response.status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_without_javascript_a_post_redirects_to_the_activity(client_for, plan, focal_point_gt):
    activity = plan.activities()[0]
    response = client_for(focal_point_gt).post(url(plan), form(activity))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#activity-{activity.uuid}")
    assert ProgressUpdate.objects.get().percent_complete == 40


def test_with_javascript_the_answer_is_the_fragment(client_for, plan, coordinator):
    activity = plan.activities()[0]
    response = client_for(coordinator).post(url(plan), form(activity), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    payload = response.json()
    assert payload["sequence"] == 1 and payload["activity"] == activity.uuid
    assert "40" in payload["html"]
    history = f"/work-plans/{plan.pk}/activities/{activity.uuid}/history/?fragment=1"
    assert history in payload["html"]  # the history itself is read when it is opened
    assert "Primer taller." in client_for(coordinator).get(history).content.decode()


def test_evidence_is_stored_as_a_document_of_the_government(client_for, plan, focal_point_gt, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    activity = plan.activities()[0]
    upload = SimpleUploadedFile("lista.pdf", b"%PDF-1.4 lista", content_type="application/pdf")
    response = client_for(focal_point_gt).post(url(plan), form(activity, evidence=upload))
    assert response.status_code == 302
    evidence = ProgressUpdate.objects.get().evidence
    assert evidence.collection.name == plan.get_parent().title
    assert evidence.uploaded_by_user == focal_point_gt


def test_the_policy_asks_wagtail(plan, focal_point_gt, focal_point_hn, coordinator, participant):
    assert can_report_progress(focal_point_gt, plan)
    assert can_report_progress(coordinator, plan)
    assert not can_report_progress(focal_point_hn, plan)
    assert not can_report_progress(participant, plan)
    who = set(members_who_may_report(plan))
    assert {focal_point_gt, coordinator} <= who
    assert focal_point_hn not in who and participant not in who


def test_the_page_shows_history_and_replay_returns_events(
    client_for, plan, focal_point_gt, participant, focal_point_hn
):
    activity = plan.activities()[0]
    for percent in (10, 20, 30):
        record_progress(
            plan=plan,
            activity_uuid=activity.uuid,
            by=focal_point_gt,
            status="in_progress",
            percent_complete=percent,
            note=f"Nota {percent}",
        )
    page = client_for(participant).get(plan.url)
    body = page.content.decode()
    assert page.status_code == 200
    history = f"/work-plans/{plan.pk}/activities/{activity.uuid}/history/"
    assert f'data-progress-history="{history}?fragment=1"' in body and "(3 actualizaciones)" in body
    assert "Nota 30" not in body  # read on demand
    assert 'action="/work-plans/' not in body  # a participant may not report
    opened = client_for(participant).get(f"{history}?fragment=1").content.decode()
    assert opened.index("Nota 30") < opened.index("Nota 20") < opened.index("Nota 10")
    events, latest = progress_events_after(plan=plan, viewer=participant, after=1)
    assert latest == 3
    assert [event["sequence"] for event in events] == [2, 3]
    assert events[0]["activity"] == activity.uuid and "(3 actualizaciones)" in events[0]["html"]
    draft = make_plan("GT", author=focal_point_gt, live=False, year=2027)
    assert progress_events_after(plan=draft, viewer=focal_point_hn, after=0) == ([], 0)


def test_a_removed_activity_keeps_its_history_as_archived(client_for, plan, focal_point_gt):
    removed, kept = plan.activities()
    record_progress(
        plan=plan,
        activity_uuid=removed.uuid,
        by=focal_point_gt,
        status="cancelled",
        percent_complete=0,
        note="Sin fondos",
    )
    amended = plan.get_latest_revision_as_object()
    amended.pillar_1[0].value["activities"] = [amended.pillar_1[0].value["activities"][1]]
    amended.save_revision(user=focal_point_gt).publish()
    response = client_for(focal_point_gt).get(plan.url)
    body = response.content.decode()
    assert "Archived activities" in body or "Actividades archivadas" in body
    assert "Sin fondos" in body
    assert ProgressUpdate.objects.filter(activity_uuid=removed.uuid).count() == 1


def test_plan_page_queries_do_not_grow_with_history(client_for, plan, focal_point_gt, django_assert_max_num_queries):
    client = client_for(focal_point_gt)
    activity = plan.activities()[0]
    record_progress(plan=plan, activity_uuid=activity.uuid, by=focal_point_gt, status="in_progress", percent_complete=1)
    client.get(plan.url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(plan.url)
    for percent in range(2, 32):
        record_progress(
            plan=plan, activity_uuid=activity.uuid, by=focal_point_gt, status="in_progress", percent_complete=percent
        )
    with django_assert_max_num_queries(len(few)):
        response = client.get(plan.url)
    assert response.status_code == 200


def test_a_member_of_no_government_is_refused(client_for, plan):
    outsider = make_member("participant")
    assert client_for(outsider).post(url(plan), form(plan.activities()[0])).status_code == 404
