"""Notices of the "Coordinator review" workflow, for every page type under it (practices, plans…).

Wagtail's workflow signals are its only hook for these moments, so the receivers below stay one
line each and call the service `notify_workflow_change`.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupApprovalTask
from wagtail.permissions import page_permission_policy
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected

from workspace.core.tasks import enqueue_with_transaction

from .kinds import register_kind
from .services import notify

SUBMITTED = "workflow.submitted"
APPROVED = "workflow.approved"
CHANGES_REQUESTED = "workflow.changes_requested"

register_kind(SUBMITTED, label=_("Awaiting your review"))
register_kind(APPROVED, label=_("Approved and published"))
register_kind(CHANGES_REQUESTED, label=_("Changes requested"))


def reviewers_of(task):
    task = task.specific
    if not isinstance(task, GroupApprovalTask):
        return get_user_model().objects.none()
    return get_user_model().objects.filter(is_active=True, groups__in=task.groups.all()).distinct()


def authors_of(state):
    """Who drafts the page: whoever submitted it and the members Wagtail lets edit it, minus its reviewers."""
    page = state.content_object
    User = get_user_model()
    editors = page_permission_policy.users_with_permission_for_instance("change", page)
    reviewers = set()
    for task in state.workflow.tasks.all():
        reviewers |= set(reviewers_of(task).values_list("pk", flat=True))
    members = User.objects.filter(Q(pk__in=editors.values("pk")) | Q(pk=state.requested_by_id), is_active=True)
    return [member for member in members.exclude(pk__in=reviewers).distinct() if not member.is_superuser]


def notify_workflow_change(*, state, kind, by, comment="", task=None):
    """Tell the reviewers a page awaits them, or its authors what was decided (bell + email at once).

    Called inside Wagtail's workflow transaction; emails are queued with it (they exist if it commits).
    """
    from .tasks import send_notification_email

    page = state.content_object
    if page is None:
        return []
    if kind != SUBMITTED:
        recipients = authors_of(state)
    elif task is not None:
        recipients = reviewers_of(task)
    else:
        recipients = []
    data = {"comment": comment[:1000]} if comment else {}
    sent = notify(recipients=recipients, kind=kind, target=page, actor=by, data=data)
    for notification in sent:
        enqueue_with_transaction(send_notification_email, notification.pk)
    return sent


@receiver(task_submitted)
def on_task_submitted(sender, instance, user=None, **kwargs):
    notify_workflow_change(state=instance.workflow_state, kind=SUBMITTED, by=user, task=instance.task)


@receiver(workflow_approved)
def on_workflow_approved(sender, instance, user=None, **kwargs):
    notify_workflow_change(state=instance, kind=APPROVED, by=user)


@receiver(workflow_rejected)
def on_workflow_rejected(sender, instance, user=None, **kwargs):
    task_state = instance.current_task_state
    comment = task_state.get_comment() if task_state is not None else ""
    notify_workflow_change(state=instance, kind=CHANGES_REQUESTED, by=user, comment=comment)
