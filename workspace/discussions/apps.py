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
