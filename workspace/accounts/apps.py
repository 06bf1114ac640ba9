from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "workspace.accounts"
    label = "accounts"
    verbose_name = _("Members")

    def ready(self):
        from . import security  # noqa: F401  (connects the failed-login logger)
