"""The review workflow tells people, in the bell and by email, for every page type under it:
coordinators when something awaits them, the authors when it is approved or sent back."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories import make_member
from tests.site.test_practice_support import make_practice
from workspace.notifications.models import Notification
from workspace.notifications.workflow import APPROVED, CHANGES_REQUESTED, SUBMITTED
from workspace.site.demo import approve, submit_for_review

pytestmark = pytest.mark.django_db


def reject(page, *, by, comment):
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, by, "reject", comment=comment)


def notices(member):
    return list(Notification.objects.filter(recipient=member).order_by("pk").values_list("kind", flat=True))


def test_a_submission_reaches_the_coordinators_and_not_the_other_governments(
    django_capture_on_commit_callbacks, focal_point_gt, focal_point_hn, coordinator, participant
):
    draft = make_practice("GT", author=focal_point_gt, live=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit_for_review(draft, by=focal_point_gt)
    assert notices(coordinator) == [SUBMITTED]
    assert notices(focal_point_gt) == notices(focal_point_hn) == notices(participant) == []
    notice = Notification.objects.get(recipient=coordinator)
    assert notice.page_id == draft.pk and notice.actor == focal_point_gt
    assert [message.to for message in mail.outbox if coordinator.email in message.to]


def test_approval_tells_the_authors_in_the_bell_and_by_email_in_their_language(
    django_capture_on_commit_callbacks, coordinator, client_for
):
    author = make_member("focal_point", government_code="GT", language="fr")
    colleague = make_member("focal_point", government_code="GT", language="es")
    stranger = make_member("focal_point", government_code="HN")
    draft = make_practice("GT", author=author, live=False, title="Protocole d’accueil")
    submit_for_review(draft, by=author)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve(draft, by=coordinator)
    assert notices(author) == [APPROVED]
    assert notices(colleague) == [APPROVED]  # the government's other focal point drafts it too
    assert notices(stranger) == []
    assert APPROVED not in notices(coordinator)  # the reviewer is not told of their own decision
    to_author = [message for message in mail.outbox if message.to == [author.email]]
    assert len(to_author) == 1 and "Approuvé et publié" in to_author[0].subject
    # The bell lists it, and opening it leads to the page.
    client = client_for(author)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Approuvé et publié" in client.get(reverse("notifications:list")).content.decode()
    notice = Notification.objects.get(recipient=author)
    response = client.post(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"].endswith(draft.url)


def test_changes_requested_carry_the_reviewers_comment_and_are_emailed_once(
    django_capture_on_commit_callbacks, focal_point_gt, coordinator
):
    draft = make_practice("GT", author=focal_point_gt, live=False)
    submit_for_review(draft, by=focal_point_gt)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reject(draft, by=coordinator, comment="Añadan el presupuesto y la fuente de los datos.")
    notice = Notification.objects.get(recipient=focal_point_gt)
    assert (notice.kind, notice.data["comment"]) == (
        CHANGES_REQUESTED,
        "Añadan el presupuesto y la fuente de los datos.",
    )
    emails = [message for message in mail.outbox if message.to == [focal_point_gt.email]]
    assert len(emails) == 1 and "Añadan el presupuesto" in emails[0].body

    from workspace.notifications.tasks import send_notification_email

    assert send_notification_email.call(notice.pk) is False  # run again: nothing sent twice
    assert len([message for message in mail.outbox if message.to == [focal_point_gt.email]]) == 1
