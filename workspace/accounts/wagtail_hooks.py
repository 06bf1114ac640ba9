from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from .models import FocalPointDesignation
from .viewsets import FocalPointDesignationViewSet, MemberAssignRoleBulkAction, MemberSetActiveStateBulkAction


def designation_data(log_entry):
    data = log_entry.data
    return {
        "designation": FocalPointDesignation.Designation(data["designation"]).label,
        "government": data["government"],
    }


@hooks.register("register_log_actions")
def register_membership_log_actions(actions):
    actions.register_action(
        "workspace.invitation.send", gettext_lazy("Send invitation"), gettext_lazy("Invitation sent")
    )
    actions.register_action(
        "workspace.invitation.resend", gettext_lazy("Resend invitation"), gettext_lazy("Invitation resent")
    )
    actions.register_action(
        "workspace.invitation.revoke", gettext_lazy("Revoke invitation"), gettext_lazy("Invitation revoked")
    )
    actions.register_action(
        "workspace.invitation.accept", gettext_lazy("Accept invitation"), gettext_lazy("Invitation accepted")
    )

    @actions.register_action("workspace.member.deactivate")
    class DeactivateMember(LogFormatter):
        label = gettext_lazy("Deactivate member")

        def format_message(self, log_entry):
            return _("Deactivated: %(reason)s") % {"reason": log_entry.data.get("reason", "")}

    @actions.register_action("workspace.member.reactivate")
    class ReactivateMember(LogFormatter):
        label = gettext_lazy("Reactivate member")
        message = gettext_lazy("Reactivated")

    @actions.register_action("workspace.member.reset_mfa")
    class ResetMFA(LogFormatter):
        label = gettext_lazy("Reset two-factor authentication")

        def format_message(self, log_entry):
            return _("Two-factor authentication removed: %(reason)s") % {"reason": log_entry.data.get("reason", "")}

    @actions.register_action("workspace.member.groups")
    class ChangeGroups(LogFormatter):
        label = gettext_lazy("Change role or government")

        def format_message(self, log_entry):
            return _("Groups added: %(added)s; removed: %(removed)s") % {
                "added": ", ".join(log_entry.data.get("added", [])) or "—",
                "removed": ", ".join(log_entry.data.get("removed", [])) or "—",
            }

    @actions.register_action("workspace.focal_point.designate")
    class Designate(LogFormatter):
        label = gettext_lazy("Designate focal point")

        def format_message(self, log_entry):
            return _("Designated: %(designation)s · %(government)s") % designation_data(log_entry)

    @actions.register_action("workspace.focal_point.undesignate")
    class Undesignate(LogFormatter):
        label = gettext_lazy("Remove focal-point designation")

        def format_message(self, log_entry):
            return _("Designation removed: %(designation)s · %(government)s") % designation_data(log_entry)


class InvitationsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("accounts.add_invitation")


@hooks.register("register_admin_menu_item")
def register_invitations_menu_item():
    # Invitations are a site page (the invitee's link and emails are the site's); coordinators
    # reach it from the admin too.
    return InvitationsMenuItem(
        gettext_lazy("Invitations"), reverse("accounts:invitations"), icon_name="mail", order=580, name="invitations"
    )


@hooks.register("register_admin_viewset")
def register_focal_point_designations():
    return FocalPointDesignationViewSet("focal_point_designations", url_prefix="focal-points")


# After Wagtail's own (order 0), so these replace its "set active state" and "assign role".
hooks.register("register_bulk_action", MemberSetActiveStateBulkAction, order=1)
hooks.register("register_bulk_action", MemberAssignRoleBulkAction, order=1)
