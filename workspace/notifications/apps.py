from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "workspace.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The workspace's notices replace Wagtail's workflow emails (English-only links to the
        # admin, not in the bell): one notice per decision, in the member's language.
        from wagtail.models import TaskState, WorkflowState
        from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

        from . import workflow  # noqa: F401  (workflow notices: Wagtail's signals are its only hook)

        task_submitted.disconnect(sender=TaskState, dispatch_uid="group_approval_task_submitted_email_notification")
        workflow_submitted.disconnect(sender=WorkflowState, dispatch_uid="workflow_state_submitted_email_notification")
        workflow_rejected.disconnect(sender=WorkflowState, dispatch_uid="workflow_state_rejected_email_notification")
        workflow_approved.disconnect(sender=WorkflowState, dispatch_uid="workflow_state_approved_email_notification")
