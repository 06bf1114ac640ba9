"""What the home page shows a member: their government and the tasks waiting for them."""

from wagtail.models import Page, TaskState


def member_home_context(user, *, locale):
    from .models import GovernmentPage

    if not user.is_authenticated:
        return {}
    government = None
    if user.government_code:
        government = GovernmentPage.objects.live().filter(code=user.government_code, locale=locale).first()
    reviews = TaskState.objects.reviewable_by(user).select_related("workflow_state").order_by("-started_at")[:10]
    drafts = (
        Page.objects.filter(owner=user, has_unpublished_changes=True)
        .select_related("locale")
        .order_by("-latest_revision_created_at")[:10]
    )
    return {"member_government": government, "reviews": reviews, "drafts": drafts}
