from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "workspace.discussions"
    label = "discussions"
    verbose_name = _("Discussions")

    def ready(self):
        from workspace.live import streams

        from .notifications import register_notice_kinds
        from .rendering import DiscussionStream

        register_notice_kinds()
        streams.register(DiscussionStream())

    def seed_demo(self):
        """Demo comments on the demo practices (called by `seed_demo`, after the site's)."""
        from .demo import seed_discussions

        seed_discussions()
