from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "workspace.core"
    label = "core"
    verbose_name = _("Workspace core")

    def ready(self):
        from . import security  # noqa: F401  (connects the failed-sign-in log)
