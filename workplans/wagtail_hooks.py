"""Admin registrations of work plans: "Start next year's plan", and drafts private in choosers."""

from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import admin_views
from .models import WorkPlanPage


@hooks.register("register_admin_urls")
def register_work_plan_admin_urls():
    return [
        path("workplans/<int:page_id>/next-year/", admin_views.start_next_year, name="workplans_next_year"),
    ]


class StartNextYearButton(PageMenuItem):
    label = _("Start next year's plan")
    icon_name = "copy"
    url_name = "workplans_next_year"
    priority = 35

    def is_shown(self, user):
        parent = self.page.get_parent()
        return parent is not None and parent.permissions_for_user(user).can_add_subpage()


def _next_year_buttons(page, user):
    if isinstance(page.specific_deferred, WorkPlanPage):
        yield StartNextYearButton(page=page)


@hooks.register("register_page_header_buttons")
def next_year_header_button(page, user, view_name=None, next_url=None):
    yield from _next_year_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def next_year_listing_button(page, user, next_url=None):
    yield from _next_year_buttons(page, user)


@hooks.register("construct_page_chooser_queryset")
def hide_other_governments_plan_drafts(pages, request):
    """A page chooser lists a plan that was never approved only to those who may edit it."""
    user = request.user
    if user.is_superuser:
        return pages
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    drafts = Q(live=False) & Q(pk__in=WorkPlanPage.objects.values("pk"))
    return pages.exclude(drafts & ~Q(pk__in=editable.values("pk")))
