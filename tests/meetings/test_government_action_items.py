"""Each government page lists its open action items from meetings whose outcomes the reader may read
(the site room offers the place; meetings fills it through its template tag)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import ActionItem
from tests.factories import government_page, make_meeting, make_member

pytestmark = pytest.mark.django_db


def held(title, phase, governments=("GT",)):
    return make_meeting(
        title=title,
        starts_at=timezone.now() - timedelta(days=30),
        status="held",
        outcomes_phase=phase,
        governments=governments,
    )


def item(meeting, title, owner="GT", status="open"):
    return ActionItem.objects.create(page=meeting, title=title, owner_government=owner, status=status)


@pytest.fixture
def outcomes():
    published = held("Reunión publicada", "published", governments=("HN",))
    item(published, "Informe de retorno")
    item(published, "Tarea cerrada", status="done")
    item(published, "Tarea de Honduras", owner="HN")
    circulated = held("Reunión en corrección", "circulated")
    item(circulated, "Tarea en acta circulada", status="in_progress")
    item(held("Reunión en borrador", "draft"), "Tarea en borrador")


def test_the_government_page_lists_its_open_action_items_the_reader_may_read(client_for, outcomes):
    participant = make_member("participant")
    html = client_for(participant).get(government_page("GT").url).content.decode()
    assert "Informe de retorno" in html and "Reunión publicada" in html
    for hidden in ("Tarea cerrada", "Tarea de Honduras", "Tarea en acta circulada", "Tarea en borrador"):
        assert hidden not in html


def test_invitees_also_see_circulated_outcomes_and_coordinators_everything(client_for, outcomes, coordinator):
    focal_point = make_member("focal_point", government_code="GT")
    html = client_for(focal_point).get(government_page("GT").url).content.decode()
    assert "Informe de retorno" in html and "Tarea en acta circulada" in html and "Tarea en borrador" not in html
    html = client_for(coordinator).get(government_page("GT").url).content.decode()
    assert "Tarea en borrador" in html and "Tarea cerrada" not in html


def test_empty_state(client_for, participant):
    html = client_for(participant).get(government_page("PA").url).content.decode()
    assert "No hay acciones abiertas." in html


def test_query_count_is_constant(client_for, participant, django_assert_max_num_queries):
    client = client_for(participant)
    url = government_page("GT").url
    meeting = held("Primera", "published")
    item(meeting, "Tarea 0")

    def queries():
        with django_assert_max_num_queries(80) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    queries()
    few = queries()
    for number in range(10):
        meeting = held(f"Reunión {number}", "published")
        item(meeting, f"Tarea {number}")
    queries()  # publishing refreshes what the pages share (navigation…): read it once
    assert queries() == few
