"""Progress reported on an activity rings the bell of the government's other focal points and of
the activity discussion's followers (never the author, one notice per update, the digest carries
it); the plan's review decisions reach its focal points (the review workflow's notices)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import make_member, make_plan, plan_objective
from workplans.notices import PROGRESS_RECORDED
from workplans.services import record_progress
from workspace.discussions.services import post_comment_on_page
from workspace.notifications.models import Notification, NotificationPreferences
from workspace.notifications.tasks import email_daily_digests
from workspace.notifications.workflow import APPROVED, CHANGES_REQUESTED
from workspace.site.demo import approve, submit_for_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(focal_point_gt):
    return make_plan("GT", author=focal_point_gt, pillars={1: [plan_objective(activities=2, indicators=1)]})


def kinds(member):
    return list(Notification.objects.filter(recipient=member).order_by("pk").values_list("kind", flat=True))


def report(plan, activity, by, percent=40, note="Primer taller realizado."):
    return record_progress(
        plan=plan, activity_uuid=activity.uuid, by=by, status="in_progress", percent_complete=percent, note=note
    )


def test_progress_rings_the_other_focal_points_and_the_followers_never_the_author(
    plan, focal_point_gt, focal_point_hn, participant, coordinator, django_capture_on_commit_callbacks
):
    colleague = make_member("focal_point", government_code="GT")
    activity = plan.activities()[0]
    post_comment_on_page(page=plan, anchor=activity.anchor, author=participant, body="¿Cuándo es el taller?")
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        update = report(plan, activity, focal_point_gt)

    assert kinds(colleague) == [PROGRESS_RECORDED]
    assert kinds(participant) == [PROGRESS_RECORDED]  # follows the activity's discussion
    assert kinds(focal_point_gt) == []  # the author
    assert kinds(focal_point_hn) == kinds(coordinator) == []  # another government; not following
    notice = Notification.objects.get(recipient=colleague)
    assert (notice.page_id, notice.part, notice.target, notice.actor) == (
        plan.pk,
        activity.anchor,
        update,
        focal_point_gt,
    )
    assert notice.data == {
        "activity": activity.title,
        "status": "in_progress",
        "percent_complete": 40,
        "note": "Primer taller realizado.",
    }


def test_one_notice_per_update_and_none_for_another_activitys_followers(plan, focal_point_gt, participant):
    colleague = make_member("focal_point", government_code="GT")
    first, second = plan.activities()
    post_comment_on_page(page=plan, anchor=second.anchor, author=participant, body="Seguimos esta actividad.")
    Notification.objects.all().delete()
    report(plan, first, focal_point_gt, percent=10)
    report(plan, first, focal_point_gt, percent=20)
    assert kinds(colleague) == [PROGRESS_RECORDED, PROGRESS_RECORDED]
    assert kinds(participant) == []


def test_a_refused_update_notifies_nobody(plan, focal_point_gt):
    colleague = make_member("focal_point", government_code="GT")
    with pytest.raises(ValidationError):
        report(plan, plan.activities()[0], focal_point_gt, percent=140)
    assert kinds(colleague) == []


def test_the_bell_lists_the_progress_and_opens_the_activity(plan, focal_point_gt, client_for):
    colleague = make_member("focal_point", government_code="GT", language="es")
    activity = plan.activities()[0]
    report(plan, activity, focal_point_gt)
    client = client_for(colleague)
    body = client.get(reverse("notifications:list")).content.decode()
    assert "Primer taller realizado." in body and "40" in body
    notice = Notification.objects.get(recipient=colleague)
    response = client.post(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"{plan.url}#{activity.anchor}")


def test_the_digest_carries_progress_and_respects_the_preference(plan, focal_point_gt):
    wants = make_member("focal_point", government_code="GT", language="es")
    declines = make_member("focal_point", government_code="GT", language="es")
    NotificationPreferences.objects.create(member=declines, daily_digest=False)
    report(plan, plan.activities()[0], focal_point_gt)
    mail.outbox.clear()
    assert email_daily_digests() == 1
    (digest,) = mail.outbox
    assert digest.to == [wants.email]
    assert "Primer taller realizado." in digest.body and plan.title in digest.body
    assert not [message for message in mail.outbox if declines.email in message.to]


def test_review_decisions_on_a_plan_reach_its_focal_points(
    focal_point_gt, focal_point_hn, coordinator, django_capture_on_commit_callbacks
):
    colleague = make_member("focal_point", government_code="GT")
    draft = make_plan("GT", author=focal_point_gt, live=False, year=2027)
    submit_for_review(draft, by=focal_point_gt)
    task_state = draft.current_workflow_task_state
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        task_state.task.specific.on_action(task_state, coordinator, "reject", comment="Falta el presupuesto.")
    assert kinds(focal_point_gt) == kinds(colleague) == [CHANGES_REQUESTED]
    assert Notification.objects.get(recipient=colleague).data["comment"] == "Falta el presupuesto."
    draft.save_revision(user=focal_point_gt)  # amended, then resubmitted
    draft.current_workflow_state.resume(focal_point_gt)
    with django_capture_on_commit_callbacks(execute=True):
        approve(draft, by=coordinator)
    assert kinds(focal_point_gt) == kinds(colleague) == [CHANGES_REQUESTED, APPROVED]
    assert kinds(focal_point_hn) == []
    emailed = {address for message in mail.outbox for address in message.to}
    assert {focal_point_gt.email, colleague.email} <= emailed and focal_point_hn.email not in emailed
