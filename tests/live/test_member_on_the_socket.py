"""What a socket holds of its member: read at connect and on each heartbeat, never on the event path."""

import pytest

from tests.factories import make_member
from workspace.discussions.models import is_moderator
from workspace.live.consumers import reload_member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["coordinator", "focal_point", "participant"])
def test_the_reloaded_member_answers_what_a_push_renders_with_without_a_query(role, django_assert_num_queries):
    member = make_member(role, government_code="GT" if role == "focal_point" else None)

    with django_assert_num_queries(4):  # the member with their profile, their groups, two permission reads
        reloaded = reload_member(member)
    with django_assert_num_queries(0):
        answers = (is_moderator(reloaded), reloaded.is_coordinator, reloaded.time_zone, reloaded.preferred_language)
    assert answers[0] is answers[1] is (role == "coordinator")
    if role == "focal_point":
        assert answers[2] == "America/Guatemala"  # their government's zone


def test_a_member_deactivated_or_gone_is_none(participant):
    participant.is_active = False
    participant.save(update_fields=["is_active"])
    assert reload_member(participant) is None
