from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplansConfig(AppConfig):
    name = "workplans"
    verbose_name = _("Work plans")

    def seed_demo(self):
        """Demo work plans for the current programme year (called by `seed_demo`, after site's)."""
        from .demo import seed_workplans

        seed_workplans()
