"""Admin registrations of the site app: the target-population list, draft privacy in choosers and downloads,
workflow names in the page history."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from workspace.core.middleware import ForeignObjectNotFound

from .documents import can_download_document
from .middleware import may_publish
from .models import BestPracticePage, TargetPopulation
from .translation import translate_logged_names


class TargetPopulationViewSet(SnippetViewSet):
    """The managed list of target populations (coordinators add, rename and order them)."""

    model = TargetPopulation
    icon = "group"
    menu_label = _("Target populations")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name_es", "name_en", "name_fr", "slug", "sort_order"]
    search_fields = ["name_es", "name_en", "name_fr"]
    ordering = ["sort_order", "name_es"]


register_snippet(TargetPopulationViewSet)


@hooks.register("construct_page_chooser_queryset")
def hide_other_governments_drafts(pages, request):
    """A page chooser (e.g. "related practices") lists drafts only to those who may edit them.

    Wagtail's chooser lists every page; a practice that was never approved is visible only
    to its government's focal points and the coordinators, here as everywhere else.
    """
    user = request.user
    if user.is_superuser:
        return pages
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    drafts = Q(live=False) & Q(pk__in=BestPracticePage.objects.values("pk"))
    return pages.exclude(drafts & ~Q(pk__in=editable.values("pk")))


# After Wagtail's own collection check (order 0), which sends anonymous visitors to sign in.
@hooks.register("before_serve_document", order=10)
def keep_draft_attachments_private(document, request):
    """A draft's attachment answers 404 to members who may not edit the draft (site/documents.py)."""
    if not can_download_document(request, document):
        raise ForeignObjectNotFound(_("No such document."), kind="document", object_id=document.pk)


@hooks.register("before_move_page")
def only_who_may_move_sees_the_move_confirmation(request, page, destination):
    """Wagtail checks the permission when the move is POSTed, but its confirmation page (a GET)
    names the page to anyone with admin access who knows its id: another government's draft too."""
    if not page.permissions_for_user(request.user).can_move():
        return permission_denied(request)


@hooks.register("construct_reports_menu")
def page_types_report_for_publishers(request, menu_items):
    """The page types report is for those who may publish (see AdminDraftPrivacyMiddleware)."""
    if not may_publish(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


@hooks.register("construct_help_menu")
def keep_the_workspace_help_only(request, menu_items):
    """No link to Wagtail's own editor guide or release notes: members use the workspace's guides."""
    menu_items[:] = [
        item for item in menu_items if item.name != "editor-guide" and not item.name.startswith("whats-new")
    ]


# After Wagtail's own (order 0), which registers the workflow lines this wraps.
@hooks.register("register_log_actions", order=10)
def show_logged_workflow_names_translated(actions):
    translate_logged_names(actions)
