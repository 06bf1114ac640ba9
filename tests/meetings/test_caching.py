"""What the meeting pages render once for many members (meetings/caching.py): every change shows on
the next request, and nothing one member's request put in the cache reaches a member who may not
see it (the member who may see more renders first)."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import ActionItem, AgendaItem, Decision, MeetingIndexPage, MeetingPage
from tests.factories import government_page, make_meeting, make_member

pytestmark = pytest.mark.django_db


def index_url(language="es", query=""):
    return MeetingIndexPage.objects.get(locale__language_code=language).url + query


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def listing(html):
    """The index's list (the month view follows it)."""
    return html.split('class="meeting-month"')[0]


def publish(meeting, **changes):
    """A coordinator's publish in the admin: a new revision of the page, published."""
    page = MeetingPage.objects.get(pk=meeting.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return MeetingPage.objects.get(pk=meeting.pk)


def counters(html):
    return {label: number for number, label in re.findall(r"<strong>(\d+)</strong> ([^<]+)</li>", html)}


def month_of(meeting):
    return f"?when=all&month={meeting.starts_at:%Y-%m}"


# --- The index: list and month view ---------------------------------------------------------------


def test_the_index_shows_a_publish_and_an_unpublish_on_the_next_request(client_for, participant):
    client = client_for(participant)
    shown = make_meeting(title="Sesión ya anunciada")
    assert "Sesión ya anunciada" in listing(read(client, index_url()))
    later = make_meeting(title="Sesión por anunciar", live=False)
    assert "Sesión por anunciar" not in read(client, index_url())
    publish(later)
    assert "Sesión por anunciar" in listing(read(client, index_url()))
    publish(shown, title="Sesión anunciada con otro título")
    html = listing(read(client, index_url()))
    assert "Sesión anunciada con otro título" in html and "Sesión ya anunciada" not in html
    MeetingPage.objects.get(pk=later.pk).unpublish()
    assert "Sesión por anunciar" not in read(client, index_url())
    assert "Sesión por anunciar" not in read(client, index_url(query=month_of(later)))


def test_the_index_shows_the_members_new_answer_to_them_only(client_for, focal_point_gt):
    meeting = make_meeting(title="Sesión con respuestas")
    other = make_member("focal_point", government_code="GT")
    assert "Su respuesta" not in read(client_for(focal_point_gt), index_url())
    services.submit_rsvp(meeting=meeting, member=focal_point_gt, answer="tentative")
    assert "Su respuesta: Por confirmar" in read(client_for(focal_point_gt), index_url())
    assert "Su respuesta" not in read(client_for(other), index_url()), "another member's answer"
    services.submit_rsvp(meeting=meeting, member=focal_point_gt, answer="declined")
    html = read(client_for(focal_point_gt), index_url())
    assert "Su respuesta: No asistiré" in html and "Por confirmar" not in html


def test_the_index_follows_a_language_switch(client_for, participant):
    make_meeting(title="Sesión en tres idiomas")
    client = client_for(participant)
    assert "Mes anterior" in read(client, index_url("es"))
    html = read(client, index_url("en"))
    assert "Previous month" in html and "Mes anterior" not in html and "Sesión en tres idiomas" in html
    assert "Mois précédent" in read(client, index_url("fr"))


def test_a_draft_meeting_never_reaches_a_member_through_the_index(client_for, coordinator, participant):
    draft = make_meeting(status="draft", title="Borrador reservado a la coordinación")
    for query in ("", month_of(draft), "?kind=working_session", "?q=Borrador"):
        assert "Borrador reservado" in read(client_for(coordinator), index_url(query=query))
        assert "Borrador reservado" not in read(client_for(participant), index_url(query=query)), query


def test_a_meeting_that_ends_leaves_the_upcoming_list_by_itself(client_for, participant):
    make_meeting(title="Sesión que termina pronto", starts_at=timezone.now() - timedelta(hours=1), hours=2)
    client = client_for(participant)
    assert "Sesión que termina pronto" in listing(read(client, index_url()))
    later = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "Sesión que termina pronto" not in listing(read(client, index_url()))
        assert "Sesión que termina pronto" in listing(read(client, index_url(query="?when=past")))


# --- The meeting page -----------------------------------------------------------------------------


def test_the_meeting_page_shows_a_publish_and_an_unpublish_on_the_next_request(client_for, participant):
    meeting = make_meeting(summary="Primera versión del resumen", agenda=["Apertura"])
    client = client_for(participant)
    assert "Primera versión del resumen" in read(client, meeting.url)
    page = MeetingPage.objects.get(pk=meeting.pk)
    page.summary = "Resumen corregido"
    page.agenda_items.add(AgendaItem(title="Punto nuevo del orden del día", duration_minutes=15, sort_order=1))
    page.save_revision().publish()
    html = read(client, meeting.url)
    assert "Resumen corregido" in html and "Punto nuevo del orden del día" in html
    assert "Primera versión del resumen" not in html
    MeetingPage.objects.get(pk=meeting.pk).unpublish()
    assert client.get(meeting.url).status_code == 404


def test_the_meeting_page_shows_a_changed_answer_on_the_next_request(client_for, participant, focal_point_gt):
    meeting = make_meeting()
    client = client_for(participant)
    assert counters(read(client, meeting.url))["asistirán"] == "0"
    services.submit_rsvp(meeting=meeting, member=focal_point_gt, answer="attending")
    shown = counters(read(client_for(participant), meeting.url))
    assert shown["asistirán"] == "1" and shown["sin respuesta aún"] == "0"
    make_member("focal_point", government_code="GT")  # a new invitee: one more without an answer
    assert counters(read(client_for(participant), meeting.url))["sin respuesta aún"] == "1"


def test_the_meeting_page_shows_published_outcomes_on_the_next_request(client_for, participant):
    meeting = make_meeting(
        starts_at=timezone.now() - timedelta(days=2), status="held", minutes="<p>Acta de la sesión</p>"
    )
    Decision.objects.create(page=meeting, text="Aprobar el plan regional")
    client = client_for(participant)
    assert "Acta de la sesión" not in read(client, meeting.url)
    publish(meeting, outcomes_phase="published")
    html = read(client, meeting.url)
    assert "Acta de la sesión" in html and "Aprobar el plan regional" in html


def test_carried_over_action_items_follow_their_changes(client_for, coordinator):
    earlier = make_meeting(
        starts_at=timezone.now() - timedelta(days=30), status="held", outcomes_phase="published", kind="webinar"
    )
    item = ActionItem.objects.create(page=earlier, title="Acción heredada", owner_government="GT")
    meeting = make_meeting(kind="webinar")
    client = client_for(coordinator)
    assert "Acción heredada" in read(client, meeting.url)
    ActionItem.objects.create(page=earlier, title="Acción añadida después", owner_government="HN")
    assert "Acción añadida después" in read(client, meeting.url)
    item.status = ActionItem.Status.DONE
    item.save()
    html = read(client, meeting.url)
    assert "Acción heredada" not in html and "Acción añadida después" in html


def test_the_venue_never_reaches_a_member_who_is_not_invited(client_for, coordinator, participant):
    meeting = make_meeting(governments=("GT",), venue="Sala Quetzal, piso 3", online_link="https://example.org/sala")
    guatemala = make_member("focal_point", government_code="GT")
    mexico = make_member("focal_point", government_code="MX")
    for insider, outsider in ((coordinator, participant), (guatemala, mexico)):
        assert "Sala Quetzal" in read(client_for(insider), meeting.url)
        html = read(client_for(outsider), meeting.url)
        assert "Sala Quetzal" not in html and "example.org/sala" not in html
        assert "Lista de asistencia" not in html  # the roster link is the coordinators'
    named = make_member("participant")
    publish(meeting, invited_members=[named])
    assert "Sala Quetzal" in read(client_for(named), meeting.url)
    assert "Sala Quetzal" not in read(client_for(participant), meeting.url)


def test_draft_outcomes_never_reach_a_member_through_the_page(client_for, coordinator, participant):
    meeting = make_meeting(starts_at=timezone.now() - timedelta(days=2), status="held", minutes="<p>Acta reservada</p>")
    Decision.objects.create(page=meeting, text="Decisión aún en borrador")
    guatemala = make_member("focal_point", government_code="GT")
    assert "Acta reservada" in read(client_for(coordinator), meeting.url)
    for member in (guatemala, participant):
        html = read(client_for(member), meeting.url)
        assert "Acta reservada" not in html and "Decisión aún en borrador" not in html
    publish(meeting, outcomes_phase="circulated")
    assert "Acta reservada" in read(client_for(guatemala), meeting.url)  # an invitee, while circulated
    assert "Acta reservada" not in read(client_for(participant), meeting.url)


def test_a_draft_meeting_is_the_coordinators_only_even_when_cached(client_for, coordinator, participant):
    draft = make_meeting(status="draft", title="Reunión en preparación")
    assert read(client_for(coordinator), draft.url)
    assert client_for(participant).get(draft.url).status_code == 404


def test_the_viewers_zone_is_theirs_on_a_cached_page(client_for, participant):
    from wagtail.users.models import UserProfile

    meeting = make_meeting(starts_at=datetime(2030, 3, 4, 15, tzinfo=UTC), time_zone="America/Guatemala")
    abroad = make_member("participant")
    profile = UserProfile.get_for_user(abroad)
    profile.current_time_zone = "America/Santo_Domingo"
    profile.save()
    assert "Su hora:" not in read(client_for(participant), meeting.url)
    html = read(client_for(abroad), meeting.url)
    assert "Su hora:" in html and "hora de República Dominicana" in html


def test_the_meeting_page_follows_a_language_switch(client_for, participant):
    meeting = make_meeting(starts_at=datetime(2030, 3, 4, 15, tzinfo=UTC), title="Sesión solo en español")
    client = client_for(participant)
    assert "marzo" in read(client, meeting.url)
    html = read(client, f"/en/source/{meeting.pk}/")
    assert "March" in html and "marzo" not in html and "Practical details" in html


# --- The government page's open action items ----------------------------------------------------


def held(title, phase, governments=("GT",), **fields):
    return make_meeting(
        title=title,
        starts_at=timezone.now() - timedelta(days=30),
        status="held",
        outcomes_phase=phase,
        governments=governments,
        **fields,
    )


def test_a_governments_action_items_follow_their_changes(client_for, participant):
    meeting = held("Reunión de seguimiento", "published")
    item = ActionItem.objects.create(page=meeting, title="Informe nacional", owner_government="GT")
    client = client_for(participant)
    url = government_page("GT").url
    assert "Informe nacional" in read(client, url)
    ActionItem.objects.create(page=meeting, title="Taller de validación", owner_government="GT")
    assert "Taller de validación" in read(client, url)
    item.status = ActionItem.Status.DONE
    item.save()
    assert "Informe nacional" not in read(client, url)
    MeetingPage.objects.get(pk=meeting.pk).unpublish()
    assert "Taller de validación" not in read(client, url)


def test_a_governments_action_items_show_published_outcomes_on_the_next_request(client_for, participant):
    meeting = held("Reunión con acta en borrador", "draft")
    ActionItem.objects.create(page=meeting, title="Tarea por publicar", owner_government="GT")
    client = client_for(participant)
    url = government_page("GT").url
    assert "Tarea por publicar" not in read(client, url)
    publish(meeting, outcomes_phase="published")
    assert "Tarea por publicar" in read(client, url)


def test_a_governments_action_items_never_reach_a_reader_who_may_not_read_them(client_for, coordinator, participant):
    drafted = held("Acta en borrador", "draft")
    ActionItem.objects.create(page=drafted, title="Tarea de acta en borrador", owner_government="GT")
    named = make_member("participant")
    circulated = held("Acta circulada", "circulated", members=[named])
    ActionItem.objects.create(page=circulated, title="Tarea de acta circulada", owner_government="GT")
    guatemala = make_member("focal_point", government_code="GT")
    mexico = make_member("focal_point", government_code="MX")
    url = government_page("GT").url
    assert "Tarea de acta en borrador" in read(client_for(coordinator), url)
    for member in (participant, guatemala, mexico, named):
        assert "Tarea de acta en borrador" not in read(client_for(member), url)
    for insider, outsider in ((guatemala, mexico), (named, participant)):
        assert "Tarea de acta circulada" in read(client_for(insider), url)
        assert "Tarea de acta circulada" not in read(client_for(outsider), url)


def test_a_governments_action_items_follow_a_language_switch(client_for, participant):
    meeting = held("Reunión con plazo", "published")
    ActionItem.objects.create(
        page=meeting, title="Tarea con plazo", owner_government="GT", due_date=datetime(2030, 3, 4).date()
    )
    client = client_for(participant)
    assert "vence el 4 de marzo de 2030" in read(client, government_page("GT").url)
    html = read(client, government_page("GT", "en").url)
    assert "due March 4, 2030" in html and "vence el" not in html


# --- Queries: at most 15 on a warm cache, and the same with many meetings -------------------------


def warm_queries(client, url, django_assert_max_num_queries):
    client.get(url)
    with django_assert_max_num_queries(15) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_meeting_pages_ask_at_most_15_queries_however_many_meetings(
    client_for, focal_point_gt, django_assert_max_num_queries
):
    meeting = make_meeting(agenda=["Apertura", "Cierre"])
    earlier = held("Reunión anterior", "published")
    ActionItem.objects.create(page=earlier, title="Tarea 0", owner_government="GT")
    client = client_for(focal_point_gt)
    urls = [index_url(), meeting.url, government_page("GT").url]
    few = [warm_queries(client, url, django_assert_max_num_queries) for url in urls]
    for number in range(12):
        other = make_meeting(title=f"Otra sesión {number}")
        services.submit_rsvp(meeting=other, member=focal_point_gt, answer="attending")
        ActionItem.objects.create(page=held(f"Reunión {number}", "published"), title=f"Tarea {number + 1}")
    assert [warm_queries(client, url, django_assert_max_num_queries) for url in urls] == few
