from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "workspace.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)

    def setup_workspace(self):
        from .translation import setup_translation

        setup_translation()
