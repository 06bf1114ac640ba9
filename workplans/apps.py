from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplansConfig(AppConfig):
    name = "workplans"
    verbose_name = _("Work plans")

    def ready(self):
        from workspace.live import streams

        from .notices import register_kinds
        from .streams import ProgressStreamKind

        register_kinds()
        streams.register(ProgressStreamKind())

    def setup_workspace(self):
        """The section page in three languages, in the main navigation (called by `setup_workspace`)."""
        from workspace.site.setup import ensure_section

        from .models import WorkPlanIndexPage

        ensure_section(
            WorkPlanIndexPage, "workplans", {"es": "Planes de trabajo", "en": "Work plans", "fr": "Plans de travail"}
        )

    def seed_demo(self):
        """Demo work plans for the current programme year (called by `seed_demo`, after site's)."""
        from .demo import seed_workplans

        seed_workplans()
