"""What the home page shows a member: their government and the tasks waiting for them."""

from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, Page, Task, TaskState

from workspace.core import memo


def reviewer_group_names():
    """The groups of the active approval tasks (from the cache, namespace "workflows"): a member in
    none of them has nothing to review, and Wagtail's question (four queries) is not asked."""
    return memo.get_or_build("reviewer-groups", namespaces=("workflows",), build=_read_reviewer_group_names)


def _read_reviewer_group_names():
    tasks = Task.objects.filter(active=True)
    if tasks.exclude(pk__in=GroupApprovalTask.objects.values("pk")).exists():
        # A task of another kind decides for itself who reviews: every member is asked Wagtail.
        return {"groups": {group.name for group in Group.objects.all()}, "group_tasks_only": False}
    groups = set(Group.objects.filter(groupapprovaltask__in=tasks).values_list("name", flat=True))
    return {"groups": groups, "group_tasks_only": True}


def member_home_context(user, *, locale):
    from .models import GovernmentPage

    if not user.is_authenticated:
        return {}
    government = None
    if user.government_code:
        government = GovernmentPage.objects.live().filter(code=user.government_code, locale=locale).first()
    reviews = TaskState.objects.none()
    reviewers = reviewer_group_names()
    if user.is_superuser or user.group_names & reviewers["groups"]:
        if reviewers["group_tasks_only"]:
            # Wagtail's `reviewable_by` for group approval tasks, in one query instead of one per task.
            reviews = TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS, task__active=True)
            if not user.is_superuser:
                reviews = reviews.filter(task__groupapprovaltask__groups__name__in=user.group_names).distinct()
        else:
            reviews = TaskState.objects.reviewable_by(user)
        reviews = (
            reviews.select_related("workflow_state")
            .prefetch_related("workflow_state__content_object")
            .order_by("-started_at")[:10]
        )
    drafts = (
        Page.objects.filter(owner=user, has_unpublished_changes=True)
        .select_related("locale")
        .order_by("-latest_revision_created_at")[:10]
    )
    return {"member_government": government, "reviews": reviews, "drafts": drafts}
