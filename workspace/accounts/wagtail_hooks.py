from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_membership_log_actions(actions):
    actions.register_action("workspace.invitation.send", _("Send invitation"), _("Invitation sent"))
    actions.register_action("workspace.invitation.resend", _("Resend invitation"), _("Invitation resent"))
    actions.register_action("workspace.invitation.revoke", _("Revoke invitation"), _("Invitation revoked"))
    actions.register_action("workspace.invitation.accept", _("Accept invitation"), _("Invitation accepted"))
