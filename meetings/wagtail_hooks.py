"""Admin hooks: announce changes after publishing, warn coordinators about overlaps and over-time agendas;
the backlog of agenda proposals across meetings (read-only: decisions are taken on the meeting's page)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from workspace.accounts.models import COORDINATORS_GROUP

from . import services
from .access import is_coordinator
from .forms import DecisionForm
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
        return action in ("view", "decide") and is_coordinator(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        members = get_user_model().objects.filter(is_active=True)
        if not {"view", "decide"} & set(actions):
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
        buttons = []
        if instance.status == AgendaProposal.Status.PROPOSED:
            url = reverse("agenda_proposals:decide", args=[instance.pk])
            buttons.append(ListingButton(gettext_lazy("Accept or decline"), url=url, icon_name="tasks", priority=10))
        url = instance.meeting.url
        if url:
            buttons.append(
                ListingButton(gettext_lazy("View the meeting"), url=f"{url}#proposals", icon_name="link", priority=20)
            )
        return buttons


class DecideProposalView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Accept (into a new draft revision of the agenda) or decline (reason required) through the services."""

    model = AgendaProposal
    permission_required = "decide"
    form_class = DecisionForm
    template_name = "meetings/admin/decide_proposal.html"
    page_title = gettext_lazy("Decide on an agenda proposal")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(AgendaProposal.objects.select_related("meeting", "proposer"), pk=kwargs["pk"])

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": gettext_lazy("Home")},
            {"url": reverse("agenda_proposals:index"), "label": gettext_lazy("Agenda proposals")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            proposal=self.object,
            header_title=self.page_title,
            breadcrumbs_items=self.get_breadcrumbs_items(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            if form.cleaned_data["decision"] == "accept":
                services.accept_agenda_proposal(proposal=self.object, by=self.request.user)
                message = _(
                    "Accepted: the item was added to a new draft of the agenda. Publish the meeting to show it."
                )
            else:
                services.decline_agenda_proposal(
                    proposal=self.object, by=self.request.user, reason=form.cleaned_data["reason"]
                )
                message = _("Declined: the proposer was told why.")
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect("agenda_proposals:index")


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

    def get_urlpatterns(self):
        decide = DecideProposalView.as_view(permission_policy=self.permission_policy)
        return [*super().get_urlpatterns(), path("decide/<int:pk>/", decide, name="decide")]

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
