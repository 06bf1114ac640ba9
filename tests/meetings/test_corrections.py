"""The corrections round: attendees propose corrections to circulated minutes until the deadline;
coordinators accept or reject each with a note; the proposer is notified."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import MinutesCorrection
from tests.factories import make_meeting, make_member
from workspace.notifications.models import Notification

pytestmark = pytest.mark.django_db


def held_meeting(**fields):
    defaults = {
        "starts_at": timezone.now() - timedelta(days=3),
        "status": "held",
        "minutes": "<p>Se aprobó el plan regional.</p>",
        "outcomes_phase": "circulated",
        "corrections_deadline": timezone.localdate() + timedelta(days=5),
    }
    return make_meeting(governments=("GT",), **{**defaults, **fields})


def correct(client, meeting, text="Se aprobó el plan regional 2019.", quote="Se aprobó el plan regional."):
    return client.post(reverse("meetings:correct", args=[meeting.pk]), {"text": text, "quote": quote})


def test_an_invitee_proposes_a_correction_when_attendance_was_not_taken(client_for, focal_point_gt):
    meeting = held_meeting()
    client = client_for(focal_point_gt)
    assert reverse("meetings:correct", args=[meeting.pk]) in client.get(meeting.url).content.decode()
    response = correct(client, meeting)
    assert response.status_code == 302 and response["Location"].endswith("#corrections")
    correction = MinutesCorrection.objects.get()
    assert (correction.proposer, correction.quote, correction.status) == (
        focal_point_gt,
        "Se aprobó el plan regional.",
        "proposed",
    )
    assert "Se aprobó el plan regional 2019." in client.get(meeting.url).content.decode()


def test_once_attendance_is_recorded_only_attendees_may_correct(client_for, coordinator):
    present = make_member("focal_point", government_code="GT")
    absent = make_member("focal_point", government_code="GT")
    meeting = held_meeting()
    services.record_attendance(meeting=meeting, by=coordinator, attended_ids=[present.pk])
    assert correct(client_for(absent), meeting).status_code == 403
    assert correct(client_for(present), meeting).status_code == 302
    assert list(MinutesCorrection.objects.values_list("proposer", flat=True)) == [present.pk]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"corrections_deadline": date(2020, 1, 1)}, "El plazo para correcciones ha vencido"),
        ({"outcomes_phase": "approved"}, "no está en circulación"),
        ({"outcomes_phase": "published"}, "no está en circulación"),
    ],
)
def test_no_correction_outside_the_round(client_for, focal_point_gt, fields, message):
    meeting = held_meeting(**fields)
    client = client_for(focal_point_gt)
    assert reverse("meetings:correct", args=[meeting.pk]) not in client.get(meeting.url).content.decode()
    response = correct(client, meeting)
    assert response.status_code == 403 and message in response.content.decode()
    assert not MinutesCorrection.objects.exists()


def test_strangers_and_empty_corrections_are_refused(client_for, focal_point_hn, focal_point_gt):
    meeting = held_meeting()
    assert correct(client_for(focal_point_hn), meeting).status_code == 403
    response = correct(client_for(focal_point_gt), meeting, text="")
    assert response.status_code == 400
    assert not MinutesCorrection.objects.exists()


def test_coordinators_accept_or_reject_and_the_proposer_hears_of_it(
    client_for, coordinator, focal_point_gt, django_capture_on_commit_callbacks
):
    meeting = held_meeting()
    first = services.propose_correction(meeting=meeting, member=focal_point_gt, text="Corregir la fecha.")
    second = services.propose_correction(meeting=meeting, member=focal_point_gt, text="Añadir a Honduras.")
    client = client_for(coordinator)
    html = client.get(meeting.url).content.decode()
    assert "Corregir la fecha." in html and "Añadir a Honduras." in html
    url = reverse("meetings:decide_correction", args=[meeting.pk, first.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"decision": "accept", "reason": "Hecho"}).status_code == 302
    url = reverse("meetings:decide_correction", args=[meeting.pk, second.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"decision": "decline", "reason": "Honduras no asistió"}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.note, first.decided_by) == ("accepted", "Hecho", coordinator)
    assert (second.status, second.note) == ("rejected", "Honduras no asistió")
    kinds = sorted(Notification.objects.filter(recipient=focal_point_gt).values_list("kind", flat=True))
    assert kinds == ["meetings.correction_accepted", "meetings.correction_rejected"]
    assert len(mail.outbox) == 2 and "Honduras no asistió" in mail.outbox[1].body
    # Decided once.
    assert client.post(url, {"decision": "accept"}).status_code == 400
    assert MinutesCorrection.objects.get(pk=second.pk).status == "rejected"


def test_focal_points_cannot_decide_and_minutes_visibility_is_unchanged(client_for, focal_point_gt, participant):
    meeting = held_meeting()
    correction = services.propose_correction(meeting=meeting, member=focal_point_gt, text="Corregir la fecha.")
    url = reverse("meetings:decide_correction", args=[meeting.pk, correction.pk])
    assert client_for(focal_point_gt).post(url, {"decision": "accept"}).status_code == 403
    assert MinutesCorrection.objects.get().status == "proposed"
    html = client_for(participant).get(meeting.url).content.decode()
    assert "Se aprobó el plan regional" not in html and "Corregir la fecha." not in html
