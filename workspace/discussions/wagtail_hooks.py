from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import services


@hooks.register("register_log_actions")
def register_discussion_log_actions(actions):
    actions.register_action(services.HIDE_ACTION, _("Hide comment"), _("Comment hidden by a moderator"))
    actions.register_action(services.RESTORE_ACTION, _("Restore comment"), _("Comment restored by a moderator"))
    actions.register_action(services.LOCK_ACTION, _("Lock discussion"), _("Discussion locked"))
    actions.register_action(services.UNLOCK_ACTION, _("Unlock discussion"), _("Discussion unlocked"))
