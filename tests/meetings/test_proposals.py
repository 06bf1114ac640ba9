"""Agenda proposals: focal points propose for their own government before the meeting; coordinators
accept them into a new draft of the agenda (stable uuid) or decline them with a reason; the
proposer hears of it (bell + email in their language)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import AgendaProposal, MeetingPage
from tests.factories import make_meeting, make_member
from workspace.notifications.models import Notification

pytestmark = pytest.mark.django_db

PROPOSAL = {"government": "GT", "title": "Retorno asistido", "description": "Informe de avance", "pillar": "3"}


def propose(client, meeting, **data):
    return client.post(reverse("meetings:propose", args=[meeting.pk]), {**PROPOSAL, **data})


def decide(client, proposal, decision, reason=""):
    url = reverse("meetings:decide_proposal", args=[proposal.meeting_id, proposal.pk])
    return client.post(url, {"decision": decision, "reason": reason})


def test_an_invited_focal_point_proposes_an_item_for_their_government(client_for, focal_point_gt):
    meeting = make_meeting(governments=("GT",))
    client = client_for(focal_point_gt)
    html = client.get(meeting.url).content.decode()
    assert reverse("meetings:propose", args=[meeting.pk]) in html
    response = propose(client, meeting, duration_minutes="20")
    assert response.status_code == 302 and response["Location"].endswith("#proposals")
    proposal = AgendaProposal.objects.get()
    assert (proposal.proposer, proposal.government, proposal.title, proposal.pillar, proposal.duration_minutes) == (
        focal_point_gt,
        "GT",
        "Retorno asistido",
        3,
        20,
    )
    assert proposal.status == "proposed"
    html = client.get(meeting.url).content.decode()
    assert "Retorno asistido" in html and "Propuesta" in html


def test_a_proposal_on_another_governments_behalf_is_a_form_error_and_writes_nothing(client_for, focal_point_gt):
    meeting = make_meeting(governments=("GT", "HN"))
    response = propose(client_for(focal_point_gt), meeting, government="HN")
    assert response.status_code == 400
    assert "solo para su propio gobierno" in response.content.decode()
    assert 'value="Retorno asistido"' in response.content.decode(), "what was typed is shown again"
    assert not AgendaProposal.objects.exists()


@pytest.mark.parametrize(
    ("who", "meeting_fields", "message"),
    [
        ("participant", {}, "Solo los puntos focales de los gobiernos invitados"),
        ("hn", {}, "Solo los puntos focales de los gobiernos invitados"),
        ("gt", {"starts_at": timezone.now() - timedelta(hours=1)}, "La reunión ha comenzado"),
        ("gt", {"status": "cancelled"}, "cerradas para esta reunión"),
    ],
)
def test_refusals_are_clear_and_write_nothing(client_for, who, meeting_fields, message):
    members = {
        "participant": make_member("participant"),
        "hn": make_member("focal_point", government_code="HN"),
        "gt": make_member("focal_point", government_code="GT"),
    }
    meeting = make_meeting(governments=("GT",), **meeting_fields)
    client = client_for(members[who])
    assert reverse("meetings:propose", args=[meeting.pk]) not in client.get(meeting.url).content.decode()
    response = propose(client, meeting, government=members[who].government_code or "GT")
    assert response.status_code == 403
    assert message in response.content.decode()
    assert not AgendaProposal.objects.exists()


def test_accepting_appends_the_item_to_a_new_draft_revision_with_a_stable_uuid(
    client_for, focal_point_gt, coordinator, django_capture_on_commit_callbacks
):
    meeting = make_meeting(governments=("GT",), agenda=["Apertura"])
    proposal = services.propose_agenda_item(
        meeting=meeting, member=focal_point_gt, government="GT", title="Retorno asistido", duration_minutes=20
    )
    client = client_for(coordinator)
    html = client.get(meeting.url).content.decode()
    assert "Retorno asistido" in html and "Aceptar en la agenda" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, proposal, "accept")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("accepted", coordinator)
    live = MeetingPage.objects.get(pk=meeting.pk)
    assert [item.title for item in live.agenda_items.all()] == ["Apertura"], "publishing stays the coordinator's act"
    assert live.has_unpublished_changes
    draft = live.get_latest_revision_as_object()
    items = list(draft.agenda_items.all())
    assert [item.title for item in items] == ["Apertura", "Retorno asistido"]
    assert items[1].uuid == proposal.agenda_item_uuid and items[1].duration_minutes == 20
    draft.get_latest_revision().publish(user=coordinator)
    published = MeetingPage.objects.get(pk=meeting.pk)
    assert [item.uuid for item in published.agenda_items.all()][1] == proposal.agenda_item_uuid
    # The proposer is told: bell and email.
    notice = Notification.objects.get(recipient=focal_point_gt)
    assert notice.kind == "meetings.proposal_accepted"
    [email] = mail.outbox
    assert email.to == [focal_point_gt.email] and "Retorno asistido" in email.body


def test_declining_needs_a_reason_and_tells_the_proposer_in_their_language(
    client_for, coordinator, django_capture_on_commit_callbacks
):
    french = make_member("focal_point", government_code="HT", language="fr")
    meeting = make_meeting(governments=("HT",))
    proposal = services.propose_agenda_item(meeting=meeting, member=french, government="HT", title="Retour assisté")
    client = client_for(coordinator)
    response = decide(client, proposal, "decline")
    assert response.status_code == 400 and "Indique por qué" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, proposal, "decline", reason="Ya está en el orden del día")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_reason) == ("declined", "Ya está en el orden del día")
    [email] = mail.outbox
    assert email.to == [french.email]
    assert "refusée" in email.subject and "Ya está en el orden del día" in email.body
    assert Notification.objects.get(recipient=french).kind == "meetings.proposal_declined"


def test_a_proposal_is_decided_once_and_only_by_coordinators(focal_point_gt, coordinator):
    meeting = make_meeting(governments=("GT",))
    proposal = services.propose_agenda_item(meeting=meeting, member=focal_point_gt, government="GT", title="Tema")
    with pytest.raises(PermissionDenied):
        services.accept_agenda_proposal(proposal=proposal, by=focal_point_gt)
    services.decline_agenda_proposal(proposal=proposal, by=coordinator, reason="No")
    with pytest.raises(ValidationError):
        services.accept_agenda_proposal(proposal=proposal, by=coordinator)
    assert AgendaProposal.objects.get().status == "declined"


def test_focal_points_cannot_decide(client_for, focal_point_gt):
    meeting = make_meeting(governments=("GT",))
    proposal = services.propose_agenda_item(meeting=meeting, member=focal_point_gt, government="GT", title="Tema")
    assert decide(client_for(focal_point_gt), proposal, "accept").status_code == 403
    assert AgendaProposal.objects.get().status == "proposed"


def test_the_backlog_costs_constant_queries(client_for, coordinator, django_assert_max_num_queries):
    meeting = make_meeting(governments=("GT",))
    client = client_for(coordinator)

    def queries():
        with django_assert_max_num_queries(200) as captured:
            assert client.get(meeting.url).status_code == 200
        return len(captured)

    proposer = make_member("focal_point", government_code="GT")
    services.propose_agenda_item(meeting=meeting, member=proposer, government="GT", title="Tema 0")
    queries()  # warm the caches
    few = queries()
    for number in range(1, 11):
        member = make_member("focal_point", government_code="GT")
        services.propose_agenda_item(meeting=meeting, member=member, government="GT", title=f"Tema {number}")
    queries()  # new focal points are new invitees: the answers are counted again, once
    assert queries() == few


def test_coordinators_see_the_backlog_across_meetings_in_the_admin(client_for, coordinator, focal_point_gt):
    first = make_meeting(governments=("GT",), title="Sesión uno")
    second = make_meeting(governments=("GT",), title="Sesión dos")
    services.propose_agenda_item(meeting=first, member=focal_point_gt, government="GT", title="Tema uno")
    declined = services.propose_agenda_item(meeting=second, member=focal_point_gt, government="GT", title="Tema dos")
    services.decline_agenda_proposal(proposal=declined, by=coordinator, reason="No")
    client = client_for(coordinator)
    html = client.get(reverse("agenda_proposals:index"), {"status": "proposed"}).content.decode()
    assert "Tema uno" in html and "Sesión uno" in html and f"{first.url}#proposals" in html
    assert "Tema dos" not in html
    assert client_for(focal_point_gt).get(reverse("agenda_proposals:index")).status_code == 302


def test_coordinators_accept_or_decline_from_the_admin_backlog(
    client_for, coordinator, focal_point_gt, django_capture_on_commit_callbacks
):
    meeting = make_meeting(governments=("GT",))
    first = services.propose_agenda_item(meeting=meeting, member=focal_point_gt, government="GT", title="Tema uno")
    second = services.propose_agenda_item(meeting=meeting, member=focal_point_gt, government="GT", title="Tema dos")
    client = client_for(coordinator)
    url = reverse("agenda_proposals:decide", args=[second.pk])
    assert url in client.get(reverse("agenda_proposals:index")).content.decode()
    response = client.post(url, {"decision": "decline", "reason": ""})
    assert response.status_code == 200 and "Indique por qué" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "decline", "reason": "Fuera de tema"})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agenda_proposals:decide", args=[first.pk]), {"decision": "accept"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.decline_reason) == ("accepted", "declined", "Fuera de tema")
    draft = MeetingPage.objects.get(pk=meeting.pk).get_latest_revision_as_object()
    assert [item.title for item in draft.agenda_items.all()] == ["Tema uno"]
    assert len(mail.outbox) == 2
    assert client_for(focal_point_gt).post(url, {"decision": "accept"}).status_code == 302  # to the admin home
