"""Who may see a page: one rule, for one member and as a queryset of members, built on Wagtail's.

- only active, signed-in members;
- a live page is open to every member who passes its view restrictions (Wagtail's group
  restrictions; a password restriction is for no member);
- otherwise (a draft, or a restriction the member does not pass) only those Wagtail lets edit
  it — for a government's subtree, its focal points — and coordinators, who may edit every page,
  plus the group of the workflow task the page awaits.

Every room asks this rule (discussions, notifications, the live page socket, work plans,
meetings) and adds its own on top; none compares governments by hand.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, PageViewRestriction
from wagtail.permissions import page_permission_policy

from workspace.core import memo


def is_member(user):
    return user is not None and user.is_authenticated and user.is_active


def is_coordinator(user):
    return is_member(user) and (user.is_superuser or user.is_coordinator)


def view_restrictions_of(page):
    """The page's view restrictions (with their groups): once per page object, from the cache
    (keyed by the page and its path; namespaces "pages" and "restrictions", new when a page or a
    restriction changes: `site.caching`)."""
    cached = getattr(page, "_workspace_view_restrictions", None)
    if cached is None:
        cached = memo.get_or_build(
            "restrictions",
            page.pk,
            page.path,
            namespaces=("pages", "restrictions"),
            build=lambda: list(Page.get_view_restrictions(page).prefetch_related("groups")),
        )
        page._workspace_view_restrictions = cached
    return cached


class CachedViewRestrictions:
    """For the workspace's page types: Wagtail asks a page's view restrictions before serving it
    (`check_view_restrictions`, two queries on every page view); answered from the cache
    (`view_restrictions_of`) as an evaluated queryset, so that a caller may still filter it."""

    def get_view_restrictions(self):
        restrictions = view_restrictions_of(self)
        queryset = PageViewRestriction.objects.filter(pk__in=[restriction.pk for restriction in restrictions])
        queryset._result_cache = list(restrictions)
        queryset._prefetch_done = True
        return queryset


def may_edit_any_page(user):
    """False when the member's groups hold no page permission at all (so Wagtail's page permission
    check, a query or three, need not be asked): from the cache (namespace "page-permissions",
    new when a group's page permissions change: `site.caching`)."""
    if user.is_superuser:
        return True
    names = memo.get_or_build(
        "page-permission-groups",
        namespaces=("page-permissions", "groups"),
        build=lambda: set(GroupPagePermission.objects.values_list("group__name", flat=True)),
    )
    return bool(names & user.group_names)


def passes_view_restrictions(user, page, restrictions=None):
    for restriction in view_restrictions_of(page) if restrictions is None else restrictions:
        if restriction.restriction_type == PageViewRestriction.PASSWORD:
            return False
        if restriction.restriction_type == PageViewRestriction.GROUPS and not (
            {group.name for group in restriction.groups.all()} & user.group_names
        ):
            return False
    return True


def can_view_page(user, page, *, restrictions=None):
    """The rule for one member. `restrictions`: the page's view restrictions when already read."""
    if not is_member(user):
        return False
    if user.is_superuser:
        return True
    if page.live and passes_view_restrictions(user, page, restrictions):
        return True
    return page.permissions_for_user(user).can_edit() or _awaits_review_by(user, page)


def _awaits_review_by(user, page):
    task = page.current_workflow_task
    if not isinstance(task, GroupApprovalTask):
        return False
    return task.groups.filter(pk__in=user.groups.values("pk")).exists()


def members_who_can_view_page(page):
    """The same rule as a queryset of active members (for notices, mention candidates, exports)."""
    User = get_user_model()
    editors = page_permission_policy.users_with_permission_for_instance("change", page).values("pk")
    allowed = Q(is_superuser=True) | Q(pk__in=editors)
    task = page.current_workflow_task
    if isinstance(task, GroupApprovalTask):
        allowed |= Q(groups__in=task.groups.all())
    if page.live:
        restrictions = view_restrictions_of(page)
        if not restrictions:
            return User.objects.filter(is_active=True)
        if not any(r.restriction_type == PageViewRestriction.PASSWORD for r in restrictions):
            passes = Q(pk__isnull=False)
            for restriction in restrictions:
                if restriction.restriction_type == PageViewRestriction.GROUPS:
                    groups = [group.pk for group in restriction.groups.all()]
                    passes &= Q(pk__in=User.objects.filter(groups__in=groups).values("pk"))
            allowed |= passes
    return User.objects.filter(is_active=True).filter(pk__in=User.objects.filter(allowed).values("pk"))
