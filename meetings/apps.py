from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from workplans.links import register_activity_links
        from workspace.live import streams

        from . import caching
        from .notices import register_kinds
        from .plan_links import action_item_links
        from .streams import RsvpStream

        register_kinds()
        caching.connect()
        streams.register(RsvpStream())
        register_activity_links("meetings.action_items", action_item_links)

    def seed_demo(self):
        from .demo import seed_meetings

        seed_meetings()
        return []  # no sign-ins of its own

    def setup_workspace(self):
        """The section page in three languages, in the main navigation (called by `setup_workspace`)."""
        from workspace.site.setup import ensure_section

        from .models import MeetingIndexPage

        ensure_section(MeetingIndexPage, "meetings", {"es": "Reuniones", "en": "Meetings", "fr": "Réunions"})
