"""The outcomes listing across meetings: published outcomes only, filtered by kind, year, pillar and
government, paginated, with an empty state and a constant number of queries."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from meetings.models import ActionItem, Decision, MeetingPillar
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db

URL = reverse("meetings:outcomes")


def held(title, *, year=2018, phase="published", kind="annual_coordination", pillars=(), owner="GT", **fields):
    meeting = make_meeting(
        title=title,
        starts_at=datetime(year, 10, 22, 15, tzinfo=UTC),
        status="held",
        kind=kind,
        outcomes_phase=phase,
        **fields,
    )
    Decision.objects.create(page=meeting, text=f"Decisión de {title}")
    ActionItem.objects.create(page=meeting, title=f"Tarea de {title}", owner_government=owner)
    for number in pillars:
        MeetingPillar.objects.create(page=meeting, pillar=number)
    return meeting


def titles(response):
    assert response.status_code == 200
    return [meeting.title for meeting in response.context["page_obj"].object_list]


def test_members_read_published_outcomes_only(client_for, participant):
    held("Reunión anual 2018")
    held("Acta en borrador", phase="draft")
    held("Acta circulada", phase="circulated")
    client = client_for(participant)
    response = client.get(URL)
    assert titles(response) == ["Reunión anual 2018"]
    html = response.content.decode()
    assert "Decisión de Reunión anual 2018" in html and "Tarea de Reunión anual 2018" in html
    assert "Acta en borrador" not in html and "Acta circulada" not in html


def test_filters_by_kind_year_pillar_government_and_what_to_show(client_for, participant):
    held("Anual 2018", pillars=[1], governments=("GT",))
    held("Alto nivel 2019", year=2019, kind="high_level", pillars=[3], governments=("HN",), owner="HN")
    held("Sesión 2019", year=2019, kind="working_session", governments=("PA",), owner="MX")
    client = client_for(participant)
    assert titles(client.get(URL, {"kind": "high_level"})) == ["Alto nivel 2019"]
    assert titles(client.get(URL, {"year": "2018"})) == ["Anual 2018"]
    assert titles(client.get(URL, {"pillar": "3"})) == ["Alto nivel 2019"]
    assert titles(client.get(URL, {"government": "MX"})) == ["Sesión 2019"], "an action item's owner counts"
    assert titles(client.get(URL, {"government": "HN", "year": "2019"})) == ["Alto nivel 2019"]
    html = client.get(URL, {"show": "decisions"}).content.decode()
    assert "Decisión de Anual 2018" in html and "Tarea de Anual 2018" not in html


def test_empty_state_and_invalid_filters(client_for, participant):
    client = client_for(participant)
    response = client.get(URL)
    assert titles(response) == [] and "No hay resultados publicados" in response.content.decode()
    assert titles(client.get(URL, {"year": "1999"})) == []


def test_pagination_keeps_the_filters(client_for, participant):
    for number in range(12):
        held(f"Reunión {number:02d}", year=2018)
    client = client_for(participant)
    first = client.get(URL, {"year": "2018"})
    assert len(titles(first)) == 10
    assert "year=2018&amp;page=2" in first.content.decode()
    assert len(titles(client.get(URL, {"year": "2018", "page": "2"}))) == 2


def test_query_count_is_constant_as_outcomes_grow(client_for, participant, django_assert_max_num_queries):
    client = client_for(participant)
    held("Primera", pillars=[1, 2])

    def queries():
        with django_assert_max_num_queries(40) as captured:
            client.get(URL)
        return len(captured)

    queries()
    few = queries()
    for number in range(10):
        meeting = held(f"Reunión {number}", pillars=[1, 2])
        for extra in range(3):
            Decision.objects.create(page=meeting, text=f"Otra decisión {extra}")
            ActionItem.objects.create(page=meeting, title=f"Otra tarea {extra}", owner_government="HN")
    queries()  # publishing refreshes what the pages share (navigation…): read it once
    assert queries() == few
