import pytest

from meetings.demo import seed_meetings
from meetings.models import AgendaProposal, MeetingPage, Participation
from workspace.discussions.models import Comment

pytestmark = pytest.mark.django_db


def test_seed_meetings_is_idempotent_and_realistic():
    from tests.factories import make_member

    for code in ("GT", "HN", "CR", "HT", "MX"):
        make_member("focal_point", government_code=code)
    make_member("coordinator")
    assert seed_meetings() == 5
    assert seed_meetings() == 0
    annual = MeetingPage.objects.get(slug="reunion-anual-de-coordinacion-2018")
    assert annual.status == "held" and annual.outcomes_phase == "published"
    assert annual.local_starts_at.date().isoformat() == "2018-10-22"
    assert annual.local_ends_at.date().isoformat() == "2018-10-24"
    assert annual.agenda_days == 3 and {item.pillar for item in annual.agenda_items.all()} >= {1, 2, 3, 4}
    assert annual.decisions.count() == 3 and annual.action_items.count() == 5
    session = MeetingPage.objects.get(slug="sesion-virtual-seguimiento-planes")
    assert Participation.objects.filter(meeting_key=session.translation_key).count() == 5
    assert Comment.objects.filter(thread__anchor__startswith="agenda-").count() == 2
    [proposal] = AgendaProposal.objects.all()
    assert (proposal.meeting_id, proposal.government, proposal.status) == (session.pk, "HN", "proposed")
