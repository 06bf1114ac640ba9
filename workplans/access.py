"""Who may see a work plan and who may report progress on it: one rule, asked of Wagtail.

- A live (approved) plan is read by every active member; a plan never approved is read only by
  those Wagtail lets edit it (that government's focal points, the coordinators).
- Progress is reported on an approved plan by those Wagtail lets edit the plan: the page
  permissions of the government's subtree answer it, never a comparison of countries here.
"""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies.pages import PagePermissionPolicy

from workspace.core.middleware import ForeignObjectNotFound
from workspace.core.pages import is_member, may_edit_any_page

from .models import WorkPlanPage


def may_edit_plan(user, plan):
    """Wagtail's answer, asked once per member and plan object; not at all for a member in no
    group with page permissions (`core.pages.may_edit_any_page`)."""
    if not is_member(user) or not may_edit_any_page(user):
        return False
    answers = plan.__dict__.setdefault("_may_edit", {})
    if user.pk not in answers:
        answers[user.pk] = plan.permissions_for_user(user).can_edit()
    return answers[user.pk]


def can_view_plan(user, plan):
    """May this member read the plan (its approved version, or its draft if it has none)?"""
    return is_member(user) and (plan.live or may_edit_plan(user, plan))


def can_view_progress(user, plan):
    """May this member read the plan's progress log (and follow it live)?"""
    return can_view_plan(user, plan)


def can_report_progress(user, plan):
    """May this member post a progress update on the plan? Only on an approved plan."""
    return plan.live and may_edit_plan(user, plan)


def members_who_may_report(plan):
    """Which members may report progress on the plan: the same rule, as a queryset."""
    if not plan.live:
        return get_user_model().objects.none()
    policy = PagePermissionPolicy()
    return policy.users_with_permission_for_instance("change", plan).filter(is_active=True)


def access_plan_by_id(user, plan_id):
    """The plan the member may read; 404 when missing or another government's draft."""
    plan = WorkPlanPage.objects.filter(pk=plan_id).first()
    if plan is None:
        raise Http404(_("No such work plan."))
    if not can_view_plan(user, plan):
        raise ForeignObjectNotFound(_("No such work plan."), kind="workplan", object_id=plan.pk)
    return plan


def access_plan_for_report(user, plan_id):
    """The plan the member may report on; 404 otherwise (a plan that is not theirs stays unnamed)."""
    plan = access_plan_by_id(user, plan_id)
    if not can_report_progress(user, plan):
        raise ForeignObjectNotFound(_("No such work plan."), kind="workplan", object_id=plan.pk)
    return plan
