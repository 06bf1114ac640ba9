from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "workspace.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import workflow  # noqa: F401  (workflow notices: Wagtail's signals are its only hook)
