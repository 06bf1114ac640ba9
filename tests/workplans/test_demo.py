"""seed_workplans: a plan per government, approved through the workflow, some in draft, one in review; idempotent."""

import pytest
from wagtail.models import WorkflowState

from workplans.demo import APPROVED, IN_REVIEW, seed_workplans
from workplans.models import ProgressUpdate, WorkPlanPage, current_programme_year
from workspace.site.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_seed_workplans_is_realistic_and_idempotent():
    seed_demo()
    assert seed_workplans() == 9
    assert seed_workplans() == 0
    plans = WorkPlanPage.objects.of_year(current_programme_year()).with_government()
    assert plans.count() == 9
    assert {plan.government_code for plan in plans if plan.live} == set(APPROVED)
    in_review = WorkflowState.objects.filter(status="in_progress", object_id__in=[str(plan.pk) for plan in plans])
    assert {
        WorkPlanPage.objects.with_government().get(pk=state.object_id).government_code for state in in_review
    } == set(IN_REVIEW)
    assert ProgressUpdate.objects.filter(status="delayed").count() == 2
    plan = plans.get(government_code="GT")
    assert [len(pillar.activities()) for pillar in plan.structure()] == [2, 1, 1, 1]
    assert "Formación de oficiales de migración" in plan.activities()[0].title
