from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "workspace.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)

    def seed_demo(self):
        """Demo members and best practices; returns the demo sign-ins (called by `seed_demo`)."""
        from .demo import seed_demo

        return seed_demo()
