"""A work plan's objectives and activities are discussed in place: each part's discussion sits
behind its disclosure with its comment count, and its panel is fetched when it is opened (or
rendered open when the address asks for it: a notice's link, a post without JavaScript)."""

import pytest

from tests.factories import make_plan, plan_objective
from workspace.discussions.services import post_comment_on_page
from workspace.notifications.models import Notification
from workspace.notifications.services import target_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(focal_point_gt):
    return make_plan("GT", author=focal_point_gt, pillars={1: [plan_objective(activities=2, prefix="Capacitación")]})


def panel_url(page, anchor):
    return f"/discussions/pages/{page.pk}/panel/?anchor={anchor}"


def test_an_opened_part_fetches_its_panel_with_its_comments(client_for, plan, participant, focal_point_gt):
    activity = plan.activities()[0]
    post_comment_on_page(page=plan, anchor=activity.anchor, author=focal_point_gt, body="¿Quién coordina?")
    response = client_for(participant).get(panel_url(plan, activity.anchor))
    body = response.content.decode()
    assert response.status_code == 200
    assert "¿Quién coordina?" in body
    assert f'data-stream="discussion:{activity.anchor}"' in body
    assert 'name="csrfmiddlewaretoken"' in body and f'name="anchor" value="{activity.anchor}"' in body


def test_the_plan_page_carries_counts_not_panels(client_for, plan, participant, focal_point_gt):
    first, second = plan.activities()
    post_comment_on_page(page=plan, anchor=first.anchor, author=focal_point_gt, body="¿Quién coordina?")
    body = client_for(participant).get(plan.url).content.decode()
    assert "¿Quién coordina?" not in body and "data-discussion\n" not in body
    assert f'id="discussion-part-{first.anchor}"' in body and "(1 comentario)" in body
    assert f'href="?discuss={second.anchor}#discussion-part-{second.anchor}"' in body  # without JavaScript


def test_the_address_can_open_one_part_with_its_panel(client_for, plan, participant, focal_point_gt):
    first, second = plan.activities()
    post_comment_on_page(page=plan, anchor=first.anchor, author=focal_point_gt, body="¿Quién coordina?")
    body = client_for(participant).get(f"{plan.url}?discuss={first.anchor}").content.decode()
    assert "¿Quién coordina?" in body
    assert body.count(" open>") == 1
    assert f'data-stream="discussion:{first.anchor}"' in body
    assert f'data-stream="discussion:{second.anchor}"' not in body


def test_a_draft_plans_parts_and_unknown_parts_are_not_found(client_for, focal_point_gt, focal_point_hn, participant):
    draft = make_plan("GT", author=focal_point_gt, live=False, pillars={1: [plan_objective(activities=1)]})
    activity = draft.activities()[0]
    assert client_for(focal_point_hn).get(panel_url(draft, activity.anchor)).status_code == 404
    live = make_plan("HN", author=focal_point_hn, pillars={2: [plan_objective(activities=1)]})
    assert client_for(participant).get(panel_url(live, "activity-not-in-this-plan")).status_code == 404
    assert client_for(participant).get(panel_url(live, live.activities()[0].anchor)).status_code == 200


def test_a_post_without_javascript_and_a_notice_lead_back_to_the_open_part(
    client_for, plan, participant, focal_point_gt, settings
):
    settings.DISCUSSIONS_RATE_LIMITS = ()
    activity = plan.activities()[1]
    response = client_for(participant).post(
        f"/discussions/pages/{plan.pk}/comments/",
        {"anchor": activity.anchor, "body": f"@{focal_point_gt.email} ¿hay fechas?", "idempotency_key": "a" * 32},
    )
    assert response.status_code == 302
    assert f"?discuss={activity.anchor}#comment-" in response["Location"]
    mention = Notification.objects.get(recipient=focal_point_gt, part=activity.anchor)
    assert f"?discuss={activity.anchor}#comment-{mention.target_id}" in target_url(mention)
