"""Grow a seeded demo database to N× its data (bench/pages.py only; never imported by the product).

After `seed_demo`: N× the practices (copies of the demo's, published, in their government and
language), N× the comments of every thread (posted through the discussion services, replies
included), N× the meetings (copies moved back in time by whole weeks), N× the work plans (copies
of each government's plan for earlier years) and one plan grown to `plan_activities` activities
(the busiest plan at 1× is the demo's; at N× the biggest is this one).

    manage.py shell -c "from bench.scale import scale; scale(10)"
"""

import itertools
import uuid
from datetime import timedelta
from unittest import mock

from django.core.management import call_command
from django.db import transaction


def _quiet_indexing():
    # Saving indexes every page one by one; the index is rebuilt in one pass at the end instead.
    return (
        mock.patch("modelsearch.signal_handlers.insert_or_update_object_task"),
        mock.patch("workspace.site.models.insert_or_update_object_task"),
        mock.patch("wagtail.signal_handlers.update_reference_index_task"),
    )


def scale_practices(factor):
    from workspace.site.models import BestPracticePage

    originals = list(BestPracticePage.objects.live().order_by("pk"))
    made = 0
    for copy_number in range(1, factor):
        for page in originals:
            page.copy(
                to=page.get_parent(),
                update_attrs={
                    "title": f"{page.title} ({copy_number + 1})",
                    "slug": f"{page.slug}-x{copy_number + 1}",
                },
                keep_live=True,
                copy_revisions=False,
                log_action=None,
                reset_translation_key=True,
            )
            made += 1
    return made


def scale_comments(factor):
    from workspace.discussions.models import Comment, Thread
    from workspace.discussions.services import post_comment

    made = 0
    for thread in Thread.objects.order_by("pk"):
        comments = list(Comment.objects.filter(thread=thread, deleted=False, hidden=False).order_by("sequence"))
        tops = [comment for comment in comments if comment.parent_id is None]
        if not comments:
            continue
        for copy_number, comment in itertools.product(range(1, factor), comments):
            parent = None
            if comment.parent_id is not None:
                parent = tops[(copy_number + made) % len(tops)] if tops else None
            post_comment(
                thread=thread,
                author=comment.author,
                body=comment.body,
                parent=parent,
                idempotency_key=f"bench-{comment.pk}-{copy_number}",
            )
            made += 1
    return made


def scale_meetings(factor):
    from meetings.models import MeetingPage

    originals = list(MeetingPage.objects.live().order_by("pk"))
    made = 0
    for copy_number in range(1, factor):
        shift = timedelta(weeks=6 * copy_number)
        for meeting in originals:
            meeting.copy(
                to=meeting.get_parent(),
                update_attrs={
                    "title": f"{meeting.title} ({copy_number + 1})",
                    "slug": f"{meeting.slug}-x{copy_number + 1}",
                    "starts_at": meeting.starts_at - shift,
                    "ends_at": meeting.ends_at - shift,
                },
                keep_live=True,
                copy_revisions=False,
                log_action=None,
                reset_translation_key=True,
            )
            made += 1
    return made


def scale_plans(factor):
    from workplans.models import WorkPlanPage

    originals = list(WorkPlanPage.objects.live().order_by("pk"))
    made = 0
    for copy_number in range(1, factor):
        for plan in originals:
            year = plan.year - copy_number
            plan.copy(
                to=plan.get_parent(),
                update_attrs={"title": plan.title.replace(str(plan.year), str(year)), "slug": str(year), "year": year},
                keep_live=True,
                copy_revisions=False,
                log_action=None,
                reset_translation_key=True,
            )
            made += 1
    return made


def grow_plan(activities):
    """The biggest live plan gets `activities` activities (copies of its own), republished."""
    from workplans.models import PILLAR_FIELDS, WorkPlanPage

    plans = list(WorkPlanPage.objects.live().filter(locale__language_code="es"))
    plan = max(plans, key=lambda item: (len(item.activities()), item.year))
    fields = list(PILLAR_FIELDS.values())
    blocks = {name: list(getattr(plan, name).raw_data) for name in fields}
    existing = [
        (name, block, activity)
        for name in fields
        for block in blocks[name]
        for activity in block["value"]["activities"]
    ]
    count = len(existing)
    for _name, block, activity in itertools.islice(itertools.cycle(existing), max(0, activities - count)):
        copy = {**activity, "id": str(uuid.uuid4())}
        copy["value"] = {
            **activity["value"],
            "title": f"{activity['value']['title']} · {count + 1}",
            "indicators": [{**indicator, "id": str(uuid.uuid4())} for indicator in activity["value"]["indicators"]],
        }
        block["value"]["activities"].append(copy)
        count += 1
    for name in fields:
        setattr(plan, name, blocks[name])
    plan.save_revision().publish()
    return plan


def scale(factor=10, *, plan_activities=200):
    from workspace.site.demo import emails_discarded

    patches = _quiet_indexing()
    with emails_discarded(), patches[0], patches[1], patches[2], transaction.atomic():
        counts = {
            "practices": scale_practices(factor),
            "comments": scale_comments(factor),
            "meetings": scale_meetings(factor),
            "plans": scale_plans(factor),
        }
        grow_plan(plan_activities)
    call_command("update_index", verbosity=0)
    return counts
