"""The plan page model: structure and stable ids, one plan per government and year, the admin form."""

import pytest

from tests.factories import government_page, make_plan, plan_objective
from workplans.models import WorkPlanPage


@pytest.fixture
def plan(focal_point_gt):
    return make_plan(
        "GT", author=focal_point_gt, pillars={1: [plan_objective(activities=2)], 3: [plan_objective("Contingencia")]}
    )


def test_structure_reads_pillars_objectives_activities_indicators(plan):
    pillars = plan.structure()
    assert [pillar.number for pillar in pillars] == [1, 2, 3, 4]
    assert [len(pillar.activities()) for pillar in pillars] == [2, 0, 1, 0]
    activity = pillars[0].activities()[0]
    assert activity.title == "Actividad 1"
    assert activity.indicators[0].target == 100
    assert len(activity.uuid) == 36


def test_ids_survive_a_new_draft_and_publishing(plan, focal_point_gt):
    before = [activity.uuid for activity in plan.activities()]
    draft = plan.get_latest_revision_as_object()
    draft.title = "Plan de trabajo 2026 (enmienda)"
    draft.save_revision(user=focal_point_gt).publish()
    after = WorkPlanPage.objects.get(pk=plan.pk)
    assert [activity.uuid for activity in after.activities()] == before
    assert after.title.endswith("(enmienda)")


def test_discussion_anchors_name_every_objective_and_activity(plan, participant, focal_point_hn):
    anchors = plan.discussion_anchors()
    activity = plan.activities()[0]
    assert anchors[activity.anchor] == f"Activity: {activity.title}" or activity.title in anchors[activity.anchor]
    assert sum(key.startswith("objective-") for key in anchors) == 2
    assert sum(key.startswith("activity-") for key in anchors) == 3
    assert plan.can_discuss(participant, activity.anchor)
    assert not plan.can_discuss(participant, "activity-not-there")


def test_draft_parts_are_not_discussable_by_other_governments(focal_point_gt, focal_point_hn, coordinator):
    draft = make_plan("GT", author=focal_point_gt, live=False)
    anchor = draft.activities()[0].anchor
    assert draft.can_discuss(focal_point_gt, anchor)
    assert draft.can_discuss(coordinator, anchor)
    assert not draft.can_discuss(focal_point_hn, anchor)


def test_government_page_accepts_work_plans(db):
    assert WorkPlanPage in government_page("GT").specific_class.allowed_subpage_models()
