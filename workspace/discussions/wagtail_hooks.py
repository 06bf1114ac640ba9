"""The moderation queue in the Wagtail admin, and the discussion actions in the audit log.

The queue opens on the flagged comments not yet handled, oldest flag first, with each one's flag
count and reasons (filters: all comments, flagged, hidden, government, page, date);
"Hide" and "Restore" call the same services as the page's moderation buttons. It is read-only
otherwise: nobody, superusers included, adds, edits or deletes comments here. Permissions:
`discussions.view_comment` to see the queue, `discussions.moderate_comment` to hide/restore.
"""

from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Min, OuterRef, Subquery
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from workspace.site.models import GovernmentPage

from . import services
from .filters import CommentModerationFilterSet
from .forms import ModerationForm
from .models import Comment


@hooks.register("register_log_actions")
def register_discussion_log_actions(actions):
    actions.register_action(services.HIDE_ACTION, _("Hide comment"), _("Comment hidden by a moderator"))
    actions.register_action(services.RESTORE_ACTION, _("Restore comment"), _("Comment restored by a moderator"))
    actions.register_action(services.LOCK_ACTION, _("Lock discussion"), _("Discussion locked"))
    actions.register_action(services.UNLOCK_ACTION, _("Unlock discussion"), _("Discussion unlocked"))


class CommentModerationPolicy(ModelPermissionPolicy):
    """Django model permissions, except that comments change only through the moderation actions."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


moderation_policy = CommentModerationPolicy(Comment)
register_permission_policy(Comment, moderation_policy)


def comment_excerpt(comment):
    return Truncator(strip_tags(comment.body)).chars(160)


def comment_status(comment):
    if comment.deleted:
        return _("Deleted")
    if comment.hidden:
        return _("Hidden: %(reason)s") % {"reason": comment.hidden_reason}
    return _("Visible")


def flag_summary(comment):
    """“Spam ×2, Offensive ×1”, from the prefetched flags."""
    labels = Counter(flag.get_reason_display() for flag in comment.flags.all())
    return ", ".join(f"{label} ×{count}" for label, count in labels.most_common())


class ModerationIndexView(generic.IndexView):
    # Oldest flag first: what has waited longest is handled first; comments never flagged last.
    default_ordering = "first_flagged"

    def get_base_queryset(self):
        government_page = GovernmentPage.objects.only("depth").first()
        queryset = (
            Comment.objects.select_related("thread__page", "author")
            .prefetch_related("flags")
            .annotate(flag_count=Count("flags", distinct=True), first_flagged=Min("flags__created"))
        )
        if government_page is not None:
            prefix_length = Page.steplen * government_page.depth
            queryset = queryset.annotate(
                government_code=Subquery(
                    GovernmentPage.objects.filter(path=Substr(OuterRef("thread__page__path"), 1, prefix_length)).values(
                        "code"
                    )[:1]
                )
            )
        return queryset

    def order_queryset(self, queryset):
        if self.ordering == "first_flagged":
            return queryset.order_by(F("first_flagged").asc(nulls_last=True), "created", "pk")
        if self.ordering == "-first_flagged":
            return queryset.order_by(F("first_flagged").desc(nulls_last=True), "-created", "-pk")
        return super().order_queryset(queryset)

    @cached_property
    def columns(self):
        # The first column carries the row's buttons (hide/restore, view on the page).
        title_column = self._get_title_column_class(TitleColumn)(
            "excerpt", label=_("Comment"), accessor=comment_excerpt, get_url=lambda comment: None
        )
        return [title_column, *super().columns[1:]]

    def get_list_more_buttons(self, instance):
        buttons = []
        url_name = "restore" if instance.hidden else "hide"
        if not instance.deleted and self.permission_policy.user_has_permission(self.request.user, "moderate"):
            buttons.append(
                ListingButton(
                    _("Restore") if instance.hidden else _("Hide"),
                    url=reverse(f"discussion_moderation:{url_name}", args=[instance.pk]),
                    icon_name="view" if instance.hidden else "no-view",
                    priority=10,
                )
            )
        page_url = instance.thread.page.url
        if page_url:
            buttons.append(
                ListingButton(
                    _("View on the page"), url=f"{page_url}#{instance.anchor_id}", icon_name="link", priority=20
                )
            )
        return buttons


class ModerateCommentView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Hide (reason required) or restore (reason optional) one comment through the services."""

    model = Comment
    permission_required = "moderate"
    form_class = ModerationForm
    template_name = "discussions/admin/moderate.html"
    hide = True

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Comment.objects.select_related("thread__page", "author"), pk=kwargs["pk"])

    def get_page_title(self):
        return _("Hide comment") if self.hide else _("Restore comment")

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("discussion_moderation:index"), "label": _("Moderation queue")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            comment=self.object,
            flags=flag_summary(self.object),
            hide=self.hide,
            header_title=self.get_page_title(),
            breadcrumbs_items=self.get_breadcrumbs_items(),
            **kwargs,
        )

    def form_valid(self, form):
        action = services.hide_comment if self.hide else services.restore_comment
        try:
            action(comment=self.object, moderator=self.request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            messages.error(self.request, str(error))
            return redirect("discussion_moderation:index")
        messages.success(self.request, _("The comment is hidden.") if self.hide else _("The comment is visible again."))
        return redirect("discussion_moderation:index")


class CommentModerationViewSet(ModelViewSet):
    model = Comment
    icon = "warning"
    menu_label = _("Moderation queue")
    menu_order = 250
    add_to_admin_menu = True
    name = "discussion_moderation"
    index_view_class = ModerationIndexView
    filterset_class = CommentModerationFilterSet
    permission_policy = moderation_policy
    # The add/edit views exist but the policy refuses them to everyone.
    form_fields = ["hidden_reason"]
    list_per_page = 30
    inspect_view_enabled = False
    copy_view_enabled = False

    list_display = [
        Column("excerpt", label=_("Comment"), accessor=comment_excerpt),
        Column("author", label=_("Author")),
        Column("page", label=_("Page"), accessor=lambda comment: comment.thread.page.title),
        Column("government_code", label=_("Government")),
        Column("flag_count", label=_("Flags")),
        Column("flag_reasons", label=_("Flag reasons"), accessor=flag_summary),
        DateColumn("first_flagged", label=_("First flagged"), sort_key="first_flagged"),
        Column("status", label=_("Status"), accessor=comment_status),
        DateColumn("created", label=_("Posted")),
    ]

    def get_urlpatterns(self):
        hide = ModerateCommentView.as_view(permission_policy=self.permission_policy, hide=True)
        restore = ModerateCommentView.as_view(permission_policy=self.permission_policy, hide=False)
        return [
            *super().get_urlpatterns(),
            path("hide/<int:pk>/", hide, name="hide"),
            path("restore/<int:pk>/", restore, name="restore"),
        ]


@hooks.register("register_admin_viewset")
def register_moderation_queue():
    return CommentModerationViewSet()
