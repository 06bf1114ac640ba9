"""The plan page runs the same number of queries with 10 and with 100 activities, each with its
discussion (counted; its panel on demand), its progress and its links: every part is read in bulk."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import ActionItem
from tests.factories import make_meeting, make_plan, plan_objective
from workplans.services import record_progress
from workspace.discussions.services import post_comment_on_page

pytestmark = pytest.mark.django_db


def plan_with(activities, *, year, author, commenter):
    plan = make_plan(
        "GT",
        author=author,
        year=year,
        pillars={1: [plan_objective(activities=activities // 2)], 3: [plan_objective(activities=activities // 2)]},
    )
    for number, activity in enumerate(plan.activities()):
        if number % 2:
            continue
        comment = post_comment_on_page(page=plan, anchor=activity.anchor, author=commenter, body="¿Avances?")
        post_comment_on_page(page=plan, anchor=activity.anchor, author=author, body="Sí.", parent_id=comment.pk)
        record_progress(plan=plan, activity_uuid=activity.uuid, by=author, status="in_progress", percent_complete=30)
    meeting = make_meeting(status="held", outcomes_phase="published")
    meeting.action_items = [
        ActionItem(title=f"Acción {number}", owner_government="GT", activity_uuid=activity.uuid)
        for number, activity in enumerate(plan.activities()[::3])
    ]
    meeting.save_revision().publish()
    return plan


def queries_for(client, url):
    client.get(url)  # warm the caches (content types, locales) as a running server has them
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("viewer", ["participant", "focal_point_gt", "coordinator"])
def test_plan_page_queries_do_not_grow_with_activities(
    request, viewer, settings, client_for, focal_point_gt, participant, django_assert_max_num_queries
):
    settings.DISCUSSIONS_RATE_LIMITS = ()
    small = plan_with(10, year=2026, author=focal_point_gt, commenter=participant)
    large = plan_with(100, year=2027, author=focal_point_gt, commenter=participant)
    client = client_for(request.getfixturevalue(viewer))
    few, small_body = queries_for(client, small.url)
    many, large_body = queries_for(client, large.url)
    assert few == many, f"{few} queries for 10 activities, {many} for 100"
    # Each part's discussion is behind its disclosure, with its count; its panel comes on demand.
    assert "¿Avances?" not in large_body
    assert large_body.count("(2 comentarios)") == 10 * small_body.count("(2 comentarios)") == 50
    assert large_body.count("data-part-discussion=") == 100 + 2
    assert large_body.count('class="activity"') == 100
    assert large_body.count('class="plain-list activity__links"') == 34
    with django_assert_max_num_queries(45):  # a ceiling, so that a regression in any part shows
        client.get(large.url)
