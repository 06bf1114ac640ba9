"""Admin hooks: announce changes after publishing, warn coordinators about overlaps and over-time agendas;
the backlog of agenda proposals across meetings (read-only: decisions are taken on the meeting's page)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from workspace.accounts.models import COORDINATORS_GROUP

from . import services
from .access import is_coordinator
from .models import AgendaProposal, MeetingPage


def _warn(request, page):
    page = page.specific
    if not isinstance(page, MeetingPage):
        return
    for other in services.overlapping_meetings(page):
        messages.warning(
            request,
            _("“%(other)s” overlaps this meeting and shares an invited government.") % {"other": other.title},
        )
    if page.is_over_time:
        messages.warning(
            request,
            _("The agenda lasts %(agenda)d minutes, longer than the meeting (%(meeting)d minutes).")
            % {"agenda": page.agenda_minutes, "meeting": page.meeting_minutes},
        )


@hooks.register("after_create_page")
def warn_after_create(request, page):
    _warn(request, page)


@hooks.register("after_edit_page")
def warn_after_edit(request, page):
    _warn(request, page)


@hooks.register("after_publish_page")
def announce_after_publish(request, page):
    page = page.specific
    if isinstance(page, MeetingPage):
        services.announce_meeting_changes(meeting=page)


# --- The backlog of agenda proposals across meetings (coordinators) -----------------------------------


class ProposalBacklogPolicy(BasePermissionPolicy):
    """Coordinators view the backlog; proposals change only through the services (decided on the meeting's page)."""

    def user_has_permission(self, user, action):
        return action == "view" and is_coordinator(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        members = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return members.none()
        return members.filter(Q(is_superuser=True) | Q(groups__name=COORDINATORS_GROUP)).distinct()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


backlog_policy = ProposalBacklogPolicy(AgendaProposal)
register_permission_policy(AgendaProposal, backlog_policy)


class ProposalBacklogIndexView(generic.IndexView):
    default_ordering = "-created_at"

    def get_base_queryset(self):
        return AgendaProposal.objects.select_related("meeting", "proposer")

    @cached_property
    def columns(self):
        # The first column carries the row's button (decide on the meeting's page); rows link nowhere else.
        title_column = self._get_title_column_class(TitleColumn)(
            "title", label=gettext_lazy("Title"), get_url=lambda proposal: None
        )
        return [title_column, *super().columns[1:]]

    def get_list_more_buttons(self, instance):
        url = instance.meeting.url
        if not url:
            return []
        return [
            ListingButton(
                gettext_lazy("Decide on the meeting's page"), url=f"{url}#proposals", icon_name="link", priority=10
            )
        ]


class AgendaProposalViewSet(ModelViewSet):
    model = AgendaProposal
    icon = "list-ul"
    menu_label = gettext_lazy("Agenda proposals")
    menu_order = 260
    add_to_admin_menu = True
    name = "agenda_proposals"
    index_view_class = ProposalBacklogIndexView
    permission_policy = backlog_policy
    # The add/edit views exist but the policy refuses them to everyone.
    form_fields = ["title"]
    list_filter = ["status", "government"]
    list_per_page = 30
    inspect_view_enabled = False
    copy_view_enabled = False
    list_display = [
        Column("title", label=gettext_lazy("Title")),
        Column("meeting", label=gettext_lazy("Meeting"), accessor=lambda proposal: proposal.meeting.title),
        Column("government", label=gettext_lazy("Government"), accessor="get_government_display"),
        Column("proposer", label=gettext_lazy("Proposed by")),
        Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        DateColumn("created_at", label=gettext_lazy("Proposed")),
    ]


@hooks.register("register_admin_viewset")
def register_proposal_backlog():
    return AgendaProposalViewSet()
