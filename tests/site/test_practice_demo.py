"""seed_demo's practices: realistic, spread over governments and pillars, approved through the workflow."""

from collections import Counter

import pytest
from wagtail.models import WorkflowState

from workspace.core.reference import GOVERNMENT_CODES
from workspace.site.demo import seed_demo
from workspace.site.models import BestPracticePage, BestPracticePillar

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_approved_practices_for_every_government_and_is_idempotent():
    seed_demo()
    spanish = BestPracticePage.objects.live().filter(locale__language_code="es").with_government()
    per_government = Counter(practice.government_code for practice in spanish)
    assert set(per_government) == set(GOVERNMENT_CODES)
    assert min(per_government.values()) >= 3
    pillars = Counter(BestPracticePillar.objects.filter(page__in=spanish).values_list("pillar", flat=True))
    assert set(pillars) == {1, 2, 3, 4}
    assert BestPracticePage.objects.live().filter(locale__language_code="en").exists()
    assert BestPracticePage.objects.live().filter(locale__language_code="fr").exists()
    assert not BestPracticePage.objects.filter(has_unpublished_changes=True).exists()

    # Published like an approved review: a workflow approved by the coordinator.
    practice = spanish.first()
    state = WorkflowState.objects.filter(object_id=str(practice.pk)).latest("created_at")
    assert state.status == "approved"
    assert practice.live_revision.user.government_code == practice.government_code

    before = BestPracticePage.objects.count()
    seed_demo()
    assert BestPracticePage.objects.count() == before
