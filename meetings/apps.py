from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def setup_workspace(self):
        """The section page in three languages, in the main navigation (called by `setup_workspace`)."""
        from workspace.site.setup import ensure_section

        from .models import MeetingIndexPage

        ensure_section(MeetingIndexPage, "meetings", {"es": "Reuniones", "en": "Meetings", "fr": "Réunions"})
