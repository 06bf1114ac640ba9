"""The meeting page, the index with its filters and month view, the home page's box: rendering,
visibility and query counts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import ActionItem, MeetingIndexPage, MeetingPage
from tests.factories import make_meeting, make_member

pytestmark = pytest.mark.django_db


def index_url(language="es"):
    return MeetingIndexPage.objects.get(locale__language_code=language).url


def test_the_meeting_page_shows_both_zones_the_capitals_and_the_agenda(client_for, focal_point_hn):
    # 15:00 UTC: 09:00 in Tegucigalpa (the meeting's zone), 09:00 for the viewer too; 11:00 in Santo Domingo.
    meeting = make_meeting(
        starts_at=datetime(2030, 3, 4, 15, tzinfo=UTC),
        time_zone="America/Mexico_City",
        governments=("HN", "DO"),
        agenda=["Apertura", "Cierre"],
    )
    html = client_for(focal_point_hn).get(meeting.url).content.decode()
    assert "hora de Ciudad de México (America/Mexico_City)" in html
    assert "4 de marzo de 2030" in html
    assert "Apertura" in html and 'id="agenda-' in html
    assert "Santo Domingo" in html and "11:00" in html


def test_the_viewers_own_time_is_shown_beside_the_meetings(client_for):
    member = make_member("focal_point", government_code="DO")
    meeting = make_meeting(
        starts_at=datetime(2030, 3, 4, 15, tzinfo=UTC), time_zone="America/Guatemala", governments=("DO",)
    )
    html = client_for(member).get(meeting.url).content.decode()
    assert "Su hora:" in html and "(hora de República Dominicana)" in html, "the viewer's own zone by its name"
    assert "11:00" in html and "09:00" in html


@pytest.mark.parametrize(("language", "month"), [("es", "marzo"), ("en", "March"), ("fr", "mars")])
def test_dates_follow_the_ui_language(client_for, focal_point_gt, language, month):
    meeting = make_meeting(starts_at=datetime(2030, 3, 4, 15, tzinfo=UTC), language=language)
    html = client_for(focal_point_gt).get(meeting.url).content.decode()
    assert month in html


def test_outcomes_visibility_follows_the_phase(client_for, focal_point_gt, focal_point_hn, participant, coordinator):
    meeting = make_meeting(
        starts_at=timezone.now() - timedelta(days=3),
        status="held",
        minutes="<p>Acta confidencial de la sesión</p>",
        outcomes_phase="draft",
    )

    def sees(member):
        return "Acta confidencial" in client_for(member).get(meeting.url).content.decode()

    assert [sees(m) for m in (coordinator, focal_point_gt, focal_point_hn, participant)] == [True, False, False, False]
    MeetingPage.objects.filter(pk=meeting.pk).update(outcomes_phase="circulated")
    assert [sees(m) for m in (coordinator, focal_point_gt, focal_point_hn, participant)] == [True, True, False, False]
    MeetingPage.objects.filter(pk=meeting.pk).update(outcomes_phase="published")
    assert [sees(m) for m in (coordinator, focal_point_gt, focal_point_hn, participant)] == [True, True, True, True]


def test_discussions_close_for_invitees_when_outcomes_are_published(focal_point_gt, focal_point_hn, coordinator):
    meeting = make_meeting(agenda=["Tema"])
    anchor = meeting.agenda_items.get().anchor
    assert set(meeting.discussion_anchors()) == {anchor}
    assert meeting.can_discuss(focal_point_gt, anchor) and not meeting.can_discuss(focal_point_hn, anchor)
    MeetingPage.objects.filter(pk=meeting.pk).update(outcomes_phase="published")
    meeting = MeetingPage.objects.get(pk=meeting.pk)
    assert not meeting.can_discuss(focal_point_gt, anchor) and meeting.can_discuss(coordinator, anchor)


def test_agenda_anchors_survive_a_new_revision(coordinator):
    meeting = make_meeting(agenda=["Uno", "Dos"])
    before = [item.uuid for item in meeting.agenda_items.all()]
    meeting.title = "Otro título"
    meeting.save_revision(user=coordinator).publish()
    meeting = MeetingPage.objects.get(pk=meeting.pk)
    assert [item.uuid for item in meeting.agenda_items.all()] == before


def test_open_action_items_carry_over_to_the_next_meeting_of_the_kind(client_for, coordinator):
    earlier = make_meeting(
        starts_at=timezone.now() - timedelta(days=60), status="held", outcomes_phase="published", kind="webinar"
    )
    earlier.action_items = [
        ActionItem(title="Acción abierta de seguimiento", owner_government="GT", status="open"),
        ActionItem(title="Acción ya cerrada", owner_government="GT", status="done"),
    ]
    earlier.save()
    following = make_meeting(kind="webinar")
    html = client_for(coordinator).get(following.url).content.decode()
    assert "Acción abierta de seguimiento" in html and "Acción ya cerrada" not in html
    other_kind = make_meeting(kind="high_level")
    assert "Acción abierta" not in client_for(coordinator).get(other_kind.url).content.decode()


def listing(client, url):
    """The list of the index page (the month view below it shows the whole month)."""
    return client.get(url).content.decode().split('class="meeting-month"')[0]


def test_the_index_filters_and_shows_the_members_answer(client_for, focal_point_gt):
    webinar = make_meeting(kind="webinar", title="Seminario web sobre retorno", governments=("GT",))
    make_meeting(kind="high_level", title="Reunión de alto nivel con Panamá", governments=("PA",))
    past = make_meeting(starts_at=timezone.now() - timedelta(days=30), status="held", title="Sesión pasada")
    make_meeting(status="draft", title="Reunión en borrador")
    services.submit_rsvp(meeting=webinar, member=focal_point_gt, answer="tentative")
    client = client_for(focal_point_gt)
    html = listing(client, index_url())
    assert "Seminario web sobre retorno" in html and "Reunión de alto nivel con Panamá" in html
    assert "Sesión pasada" not in html and "Reunión en borrador" not in html
    assert "Su respuesta: Por confirmar" in html
    html = listing(client, index_url() + "?kind=webinar")
    assert "Seminario web sobre retorno" in html and "alto nivel con Panamá" not in html
    html = listing(client, index_url() + "?government=PA")
    assert "alto nivel con Panamá" in html and "Seminario web sobre retorno" not in html
    html = listing(client, index_url() + "?when=past")
    assert past.title in html and "Seminario web sobre retorno" not in html
    html = listing(client, index_url() + "?q=retorno")
    assert "Seminario web sobre retorno" in html and "alto nivel con Panamá" not in html


def test_the_month_view_places_meetings_on_their_days(client_for, focal_point_gt):
    make_meeting(starts_at=datetime(2030, 6, 10, 15, tzinfo=UTC), hours=50, title="Reunión de tres días")
    html = client_for(focal_point_gt).get(index_url() + "?month=2030-06&when=all").content.decode()
    assert html.count("Reunión de tres días") >= 4  # listed once, and on 10, 11 and 12 June


def test_the_home_page_lists_upcoming_meetings_in_the_members_language(client_for, focal_point_gt):
    make_meeting(title="Sesión próxima para el inicio")
    make_meeting(title="Sesión cancelada", status="cancelled")
    html = client_for(focal_point_gt).get("/es/").content.decode()
    assert "Sesión próxima para el inicio" in html and "Sesión cancelada" not in html
    assert list(MeetingPage.objects.upcoming_for(focal_point_gt, language="es").values_list("title", flat=True)) == [
        "Sesión próxima para el inicio"
    ]


def page_queries(client, meeting, django_assert_max_num_queries):
    client.get(meeting.url)
    with django_assert_max_num_queries(200) as context:
        client.get(meeting.url)
        return len(context)


def test_meeting_page_query_count_is_constant(client_for, focal_point_gt, django_assert_max_num_queries):
    """Constant as invitees, answers, decisions and other meetings grow 10×."""
    client = client_for(focal_point_gt)
    meeting = make_meeting(agenda=["Uno", "Dos", "Tres"])
    for _ in range(2):
        services.submit_rsvp(
            meeting=meeting, member=make_member("focal_point", government_code="GT"), answer="attending"
        )
    baseline = page_queries(client, meeting, django_assert_max_num_queries)
    for _ in range(20):
        services.submit_rsvp(
            meeting=meeting, member=make_member("focal_point", government_code="GT"), answer="declined"
        )
        make_meeting(kind="working_session")
    assert page_queries(client, meeting, django_assert_max_num_queries) <= baseline


def test_each_agenda_item_costs_at_most_its_discussion_thread(
    client_for, focal_point_gt, django_assert_max_num_queries
):
    """The meetings side reads the agenda and the member's access once; the discussion panel of each
    item looks its thread up (one query per item, in the discussions room)."""
    client = client_for(focal_point_gt)
    small = page_queries(client, make_meeting(agenda=["Uno", "Dos"]), django_assert_max_num_queries)
    large = page_queries(client, make_meeting(agenda=[f"Tema {n}" for n in range(20)]), django_assert_max_num_queries)
    assert large - small <= 18


def test_index_query_count_is_constant(client_for, focal_point_gt, django_assert_max_num_queries):
    for _ in range(3):
        make_meeting()
    client = client_for(focal_point_gt)
    client.get(index_url())
    with django_assert_max_num_queries(200) as small:
        client.get(index_url())
        baseline = len(small)
    for _ in range(30):
        make_meeting()
    client.get(index_url())  # publishing refreshes what the pages share (navigation…): read it once
    with django_assert_max_num_queries(baseline):
        client.get(index_url())


def test_a_meeting_without_a_translation_is_listed_in_every_language(client_for, participant):
    make_meeting(title="Reunión solo en español")
    assert "Reunión solo en español" in listing(client_for(participant), index_url("fr"))
    assert MeetingPage.objects.upcoming_for(participant, language="en").filter(title="Reunión solo en español")
