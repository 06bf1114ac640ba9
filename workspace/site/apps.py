from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "workspace.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self):
        from . import caching, checks  # noqa: F401  (checks registers the deploy checks)
        from .translation import translate_stored_names

        translate_stored_names()
        caching.connect()

    def setup_workspace(self):
        """Translation permissions and the site's address (called by `setup_workspace`, after the tree)."""
        from .translation import setup_translation

        setup_translation()

    def seed_demo(self):
        """Demo members, best practices and their discussions; returns the demo sign-ins (called by `seed_demo`)."""
        from .demo import seed_demo
        from .demo_discussions import seed_discussions

        sign_ins = seed_demo()
        seed_discussions()
        return sign_ins
