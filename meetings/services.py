"""Everything that changes meetings' side data. Every entry point (views, admin hooks, commands) calls these.

Each service is atomic and validates before writing. Broadcasts are scheduled on commit
(`_send_on_commit`), and notices are enqueued on commit as background tasks, so nobody hears of a
change that was rolled back.
"""

import logging
import secrets
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workspace.core import memo
from workspace.live.groups import page_group
from workspace.live.sender import send_on_commit

from . import caching, notices
from .access import check_coordinator, check_may_correct, check_may_propose, check_may_rsvp, invitees_of
from .models import (
    REMINDER_LEAD,
    AgendaItem,
    AgendaProposal,
    CalendarFeedToken,
    CalendarState,
    MeetingNotice,
    MeetingPage,
    MinutesCorrection,
    Participation,
)

logger = logging.getLogger(__name__)

NOTIFIED_STATUSES = (MeetingPage.Status.SCHEDULED, MeetingPage.Status.POSTPONED, MeetingPage.Status.CANCELLED)


def _send_on_commit(group, message):
    """The one sender (a seam the tests record through)."""
    send_on_commit(group, message)


RSVP_STREAM = "rsvp:"  # the page's counters; the page group already names the meeting


# --- Answers and attendance ----------------------------------------------------------------------


@transaction.atomic
def submit_rsvp(*, meeting, member, answer, now=None):
    """Record the member's answer (attending/tentative/declined) to a meeting's invitation.

    Only invitees, while the meeting is scheduled or postponed and has not started
    (PermissionDenied with the reason, Http404 for a meeting the member may not see). Broadcasts
    the meeting's RSVP counters stream after commit.
    """
    check_may_rsvp(member, meeting, now=now)
    if answer not in Participation.Answer.values:
        raise ValidationError(_("Choose attending, tentative or declined."), code="invalid")
    participation, _created = Participation.objects.get_or_create(meeting_key=meeting.translation_key, member=member)
    participation.answer = answer
    participation.answered_at = now or timezone.now()
    participation.full_clean()
    participation.save(update_fields=["answer", "answered_at"])
    _send_on_commit(page_group(meeting.translation_key), {"type": "stream.state", "stream": RSVP_STREAM})
    return participation


def rsvp_counters(meeting):
    """How many invitees answered each way, and how many have not answered: from the cache, new
    when an answer, the invitations or the members invited change (`caching`). For live rows
    (a preview's invitations are its own: `count_answers`)."""
    return memo.get_or_build(
        "rsvp-counters",
        meeting.pk,
        namespaces=(*caching.SHARED, caching.INVITEES, caching.answers_namespace(meeting.translation_key)),
        build=lambda: count_answers(meeting),
    )


def count_answers(meeting):
    """`rsvp_counters`, read now (one query)."""
    key = meeting.translation_key
    members = get_user_model().objects.filter(pk__in=invitees_of(meeting).values("pk"))

    def answered(value):
        return Count(
            "meeting_participations",
            filter=Q(meeting_participations__meeting_key=key, meeting_participations__answer=value),
        )

    totals = members.aggregate(
        invited=Count("pk", distinct=True),
        attending=answered(Participation.Answer.ATTENDING),
        tentative=answered(Participation.Answer.TENTATIVE),
        declined=answered(Participation.Answer.DECLINED),
    )
    answered_count = totals["attending"] + totals["tentative"] + totals["declined"]
    return {
        "attending": totals["attending"],
        "tentative": totals["tentative"],
        "declined": totals["declined"],
        "no_answer": max(totals["invited"] - answered_count, 0),
    }


def roster(meeting):
    """Invitees grouped by government (named members without a government last), with their answers."""
    participations = {row.member_id: row for row in Participation.objects.filter(meeting_key=meeting.translation_key)}
    rows = []
    for member in invitees_of(meeting).prefetch_related("groups").order_by("last_name", "first_name", "email"):
        participation = participations.get(member.pk)
        rows.append(
            {
                "member": member,
                "government": member.government_code or "",
                "answer": participation.answer if participation else "",
                "answer_label": participation.get_answer_display() if participation and participation.answer else "",
                "attended": participation.attended if participation else None,
            }
        )
    rows.sort(key=lambda row: (row["government"] == "", row["government"]))
    return rows


@transaction.atomic
def record_attendance(*, meeting, by, attended_ids, now=None):
    """Coordinators record who actually attended, once the meeting has started.

    Every invitee gets attended True or False; ids outside the invitees are refused (nothing written).
    """
    check_coordinator(by)
    if not meeting.has_started(now):
        raise ValidationError(_("Attendance can be recorded once the meeting has started."), code="too_early")
    invitees = {member.pk: member for member in invitees_of(meeting)}
    attended_ids = {int(pk) for pk in attended_ids}
    if attended_ids - set(invitees):
        raise ValidationError(_("Only invitees can be recorded as attending."), code="not_invited")
    for pk in invitees:
        participation, _created = Participation.objects.get_or_create(meeting_key=meeting.translation_key, member_id=pk)
        participation.attended = pk in attended_ids
        participation.attendance_recorded_by = by
        participation.save(update_fields=["attended", "attendance_recorded_by"])
    return len(attended_ids)


# --- Calendar sequence and notices ----------------------------------------------------------------


def calendar_sequence(meeting):
    state = CalendarState.objects.filter(meeting_key=meeting.translation_key).first()
    return state.sequence if state else 0


@transaction.atomic
def announce_meeting_changes(*, meeting, now=None):
    """Tell invitees what changed since they were last told; bump the calendar SEQUENCE.

    Called after each publish (admin hook) and by `send_meeting_reminders` (catches pages
    published by the scheduler). Idempotent: the fingerprint of time, place and status decides;
    a draft meeting announces nothing. Returns the notice kind enqueued, or None.
    """
    meeting = MeetingPage.objects.live().filter(pk=meeting.pk).first()
    if meeting is None or meeting.status == MeetingPage.Status.DRAFT:
        return None
    state, _created = CalendarState.objects.get_or_create(meeting_key=meeting.translation_key)
    fingerprint = meeting.calendar_fingerprint()
    if state.fingerprint == fingerprint:
        return None
    first_announcement = not state.fingerprint or state.announced_status == MeetingPage.Status.DRAFT
    sequence = state.sequence if first_announcement else state.sequence + 1
    # Compare-and-swap: two publishers at once bump the sequence once.
    updated = CalendarState.objects.filter(pk=state.pk, fingerprint=state.fingerprint).update(
        fingerprint=fingerprint, sequence=sequence, announced_status=meeting.status
    )
    if not updated:
        return None
    is_future = meeting.ends_at > (now or timezone.now())
    if meeting.status not in NOTIFIED_STATUSES or not is_future:
        return None
    kind = MeetingNotice.Kind.SCHEDULED if first_announcement else MeetingNotice.Kind.CHANGED
    _enqueue_notices(meeting, kind=kind, sequence=sequence)
    return kind


def _enqueue_notices(meeting, *, kind, sequence):
    from .tasks import send_meeting_notices

    transaction.on_commit(lambda: send_meeting_notices.enqueue(meeting.pk, kind, sequence))


def due_reminders(now=None):
    """Scheduled meetings starting within the next 24 hours (cancelled and postponed ones are not)."""
    now = now or timezone.now()
    return MeetingPage.objects.live().filter(
        status=MeetingPage.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + REMINDER_LEAD
    )


def send_due_reminders(*, now=None):
    """Announce pending changes of upcoming meetings, then enqueue the reminders that are due.

    A reminder is recorded per calendar sequence, so a moved meeting is reminded of at its new time.
    """
    now = now or timezone.now()
    upcoming = MeetingPage.objects.live().exclude(status=MeetingPage.Status.DRAFT).filter(ends_at__gt=now)
    for meeting in upcoming:
        announce_meeting_changes(meeting=meeting, now=now)
    enqueued = 0
    for meeting in due_reminders(now):
        with transaction.atomic():
            _enqueue_notices(meeting, kind=MeetingNotice.Kind.REMINDER, sequence=calendar_sequence(meeting))
        enqueued += 1
    return enqueued


# --- Calendar feed tokens --------------------------------------------------------------------------


@transaction.atomic
def issue_feed_token(*, member):
    """A new secret feed address for the member (the old one stops working). Returns the token once."""
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.update_or_create(
        member=member, defaults={"token_hash": CalendarFeedToken.hash_token(token), "created_at": timezone.now()}
    )
    return token


@transaction.atomic
def revoke_feed_token(*, member):
    return CalendarFeedToken.objects.filter(member=member).delete()[0] > 0


def member_for_feed_token(token):
    if not token:
        return None
    row = (
        CalendarFeedToken.objects.select_related("member")
        .filter(token_hash=CalendarFeedToken.hash_token(token), member__is_active=True)
        .first()
    )
    return row.member if row else None


def overlapping_meetings(meeting):
    """Other scheduled meetings at the same time with a common invited government (a warning only)."""
    if meeting.status != MeetingPage.Status.SCHEDULED or not meeting.invited_government_codes:
        return []
    return list(
        MeetingPage.objects.overlapping(
            starts_at=meeting.starts_at, ends_at=meeting.ends_at, governments=meeting.invited_government_codes
        )
        .exclude(translation_key=meeting.translation_key)
        .order_by("starts_at")
    )


# --- Agenda proposals (focal points) ------------------------------------------------------------------


@transaction.atomic
def propose_agenda_item(
    *, meeting, member, government, title, description="", pillar=None, duration_minutes=None, now=None
):
    """A focal point proposes an agenda item for their own government, before the meeting starts.

    PermissionDenied (with the reason) for anyone else or once closed; ValidationError on the
    `government` field for a proposal on another government's behalf. Nothing is written then.
    """
    check_may_propose(member, meeting, government=government, now=now)
    proposal = AgendaProposal(
        meeting=meeting,
        proposer=member,
        government=government,
        title=title.strip(),
        description=description.strip(),
        pillar=pillar or None,
        duration_minutes=duration_minutes or None,
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _decide(model, proposal, *, by, status, **fields):
    """Compare-and-swap from "proposed": a proposal is decided once (two coordinators at once: one wins)."""
    decided = model.objects.filter(pk=proposal.pk, status=model.Status.PROPOSED).update(
        status=status, decided_by=by, decided_at=timezone.now(), **fields
    )
    if not decided:
        raise ValidationError(_("This has already been decided."), code="decided")
    proposal.refresh_from_db()
    return proposal


@transaction.atomic
def accept_agenda_proposal(*, proposal, by):
    """Append the proposal to the meeting's agenda as a new draft revision (publishing stays the coordinator's act).

    The new item gets a fresh uuid, recorded on the proposal; the proposer is notified (bell + email).
    """
    check_coordinator(by)
    item_uuid = uuid.uuid4()
    proposal = _decide(
        AgendaProposal, proposal, by=by, status=AgendaProposal.Status.ACCEPTED, agenda_item_uuid=item_uuid
    )
    page = proposal.meeting.get_latest_revision_as_object()
    items = list(page.agenda_items.all())
    items.append(
        AgendaItem(
            uuid=item_uuid,
            day=max((item.day or 1 for item in items), default=1),
            title=proposal.title,
            description=proposal.description,
            pillar=proposal.pillar,
            duration_minutes=proposal.duration_minutes,
            presenters=proposal.proposer.get_full_name() or proposal.proposer.email,
            sort_order=len(items),
        )
    )
    page.agenda_items = items
    page.save_revision(user=by, log_action=True)
    notices.notify_proposer(
        member=proposal.proposer,
        meeting=proposal.meeting,
        kind="proposal_accepted",
        by=by,
        title=proposal.title,
        part="proposals",
    )
    return proposal


@transaction.atomic
def decline_agenda_proposal(*, proposal, by, reason):
    """Decline with a reason (required); the proposer is notified (bell + email)."""
    check_coordinator(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the proposal is declined.")}, code="required")
    proposal = _decide(AgendaProposal, proposal, by=by, status=AgendaProposal.Status.DECLINED, decline_reason=reason)
    notices.notify_proposer(
        member=proposal.proposer,
        meeting=proposal.meeting,
        kind="proposal_declined",
        by=by,
        title=proposal.title,
        comment=reason,
        part="proposals",
    )
    return proposal


# --- Corrections to the minutes (attendees) ---------------------------------------------------------


@transaction.atomic
def propose_correction(*, meeting, member, text, quote="", now=None):
    """An attendee proposes a correction while the minutes are circulated and the deadline has not passed."""
    check_may_correct(member, meeting, now=now)
    correction = MinutesCorrection(meeting=meeting, proposer=member, text=text.strip(), quote=quote.strip())
    correction.full_clean()
    correction.save()
    return correction


@transaction.atomic
def decide_correction(*, correction, by, accept, note=""):
    """A coordinator accepts or rejects a correction (with an optional note); the proposer is notified."""
    check_coordinator(by)
    status = MinutesCorrection.Status.ACCEPTED if accept else MinutesCorrection.Status.REJECTED
    note = (note or "").strip()
    correction = _decide(MinutesCorrection, correction, by=by, status=status, note=note)
    notices.notify_proposer(
        member=correction.proposer,
        meeting=correction.meeting,
        kind="correction_accepted" if accept else "correction_rejected",
        by=by,
        title=correction.text,
        comment=note,
        part="corrections",
    )
    return correction
