"""Who may see and do what with a meeting: one policy for pages, endpoints, feeds and notices.

- Invitees are the active focal points of the invited governments plus the named members
  (`invitees_of` answers "which members?", `is_invitee` "this member?", from the same query).
- Coordinators (and superusers) see everything, invited or not.
- A live meeting is listed to every member unless it is a draft (coordinators only); its venue and
  online link are shown to invitees and coordinators only.
- Invitees answer (RSVP) while the meeting is scheduled or postponed and has not started.
- The meeting's discussions are open to invitees and coordinators until its outcomes are published.
- Outcomes: coordinators always; attendees (invitees) while circulated for corrections or later;
  every member once published.
- Agenda proposals: invitees who are focal points, for their own government, while the meeting is
  scheduled or postponed and has not started; coordinators accept or decline them.
- Corrections to the minutes: attendees (those recorded as attending, or every invitee while no
  attendance was recorded) while the minutes are circulated and the deadline (a day in the
  meeting's zone) has not passed; coordinators accept or reject them.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workspace.accounts.models import focal_points_group_name
from workspace.core.pages import is_coordinator, is_member


def invitees_of(meeting):
    """The members invited to a meeting: focal points of its governments and its named members."""
    groups = [focal_points_group_name(code) for code in meeting.invited_government_codes]
    named = meeting.invited_members.values("pk") if meeting.pk else []
    condition = Q(groups__name__in=groups) | Q(pk__in=named)
    return get_user_model().objects.filter(is_active=True).filter(condition).distinct()


def is_invitee(user, meeting):
    """The same rule as `invitees_of`, for one member, asked once per meeting object: their
    government's focal-point group (from the member's cached groups) or named on the meeting."""
    if not is_member(user):
        return False
    answers = meeting.__dict__.setdefault("_invitee_answers", {})
    if user.pk not in answers:
        groups = {focal_points_group_name(code) for code in meeting.invited_government_codes}
        answers[user.pk] = bool(groups & user.group_names) or user.pk in meeting.invited_member_ids
    return answers[user.pk]


def can_view_meeting(user, meeting):
    """May the member open the meeting's page? (Wagtail already hides pages that are not live.)"""
    if not is_member(user):
        return False
    return is_coordinator(user) or meeting.status != meeting.Status.DRAFT


def can_view_meeting_details(user, meeting):
    """Venue, online link and who else is coming: invitees and coordinators."""
    return is_coordinator(user) or (can_view_meeting(user, meeting) and is_invitee(user, meeting))


def rsvp_refusal(user, meeting, *, now=None):
    """Why the member may not answer (a message), or None when they may."""
    if not can_view_meeting(user, meeting) or not is_invitee(user, meeting):
        return _("You are not invited to this meeting.")
    if meeting.status == meeting.Status.CANCELLED:
        return _("This meeting has been cancelled: answers are closed.")
    if meeting.status not in (meeting.Status.SCHEDULED, meeting.Status.POSTPONED):
        return _("Answers are closed for this meeting.")
    if meeting.has_started(now):
        return _("The meeting has started: answers are closed.")
    return None


def may_rsvp(user, meeting, *, now=None):
    return rsvp_refusal(user, meeting, now=now) is None


def check_may_rsvp(user, meeting, *, now=None):
    """Raise Http404 for members who may not see the meeting, PermissionDenied with the reason otherwise."""
    if not can_view_meeting(user, meeting):
        raise Http404(_("No such meeting."))
    reason = rsvp_refusal(user, meeting, now=now)
    if reason:
        raise PermissionDenied(reason)


def check_coordinator(user):
    if not is_coordinator(user):
        raise PermissionDenied(_("Only coordinators can do this."))


def can_discuss_meeting(user, meeting):
    if is_coordinator(user):
        return True
    if meeting.outcomes_phase == meeting.OutcomesPhase.PUBLISHED:
        return False
    return can_view_meeting(user, meeting) and is_invitee(user, meeting)


def can_view_outcomes(user, meeting):
    if is_coordinator(user):
        return True
    if not can_view_meeting(user, meeting):
        return False
    phase = meeting.outcomes_phase
    if phase == meeting.OutcomesPhase.PUBLISHED:
        return True
    return phase in (meeting.OutcomesPhase.CIRCULATED, meeting.OutcomesPhase.APPROVED) and is_invitee(user, meeting)


def may_receive_notices(member, meeting):
    """Notices go to invitees who are still active; the feed lists the same meetings."""
    return is_invitee(member, meeting) and can_view_meeting(member, meeting)


def access_meeting_by_id(user, page_id):
    """The live meeting the member may see, or 404 (a draft or missing meeting does not reveal itself)."""
    from .models import MeetingPage

    meeting = MeetingPage.objects.live().filter(pk=page_id).first()
    if meeting is None or not can_view_meeting(user, meeting):
        raise Http404(_("No such meeting."))
    return meeting


def proposal_refusal(user, meeting, *, now=None):
    """Why the member may not propose agenda items for this meeting (a message), or None when they may."""
    if not (can_view_meeting(user, meeting) and user.government_code and is_invitee(user, meeting)):
        return _("Only the focal points of the invited governments propose agenda items.")
    if meeting.status not in (meeting.Status.SCHEDULED, meeting.Status.POSTPONED):
        return _("Agenda proposals are closed for this meeting.")
    if meeting.has_started(now):
        return _("The meeting has started: agenda proposals are closed.")
    return None


def check_may_propose(user, meeting, *, government, now=None):
    reason = proposal_refusal(user, meeting, now=now)
    if reason:
        raise PermissionDenied(reason)
    if government != user.government_code:
        raise ValidationError(
            {"government": _("You can propose agenda items for your own government only.")}, code="not_yours"
        )


def is_attendee(user, meeting):
    """Recorded as attending; while no attendance is recorded, every invitee counts."""
    from .models import Participation

    recorded = Participation.objects.filter(meeting_key=meeting.translation_key, attended__isnull=False)
    if recorded.exists():
        return recorded.filter(member=user, attended=True).exists() and is_member(user)
    return is_invitee(user, meeting)


def corrections_open(meeting, *, now=None):
    """Circulated, and the deadline day (in the meeting's zone) has not passed."""
    if meeting.outcomes_phase != meeting.OutcomesPhase.CIRCULATED:
        return False
    today = timezone.localtime(now or timezone.now(), meeting.zone).date()
    return meeting.corrections_deadline is None or today <= meeting.corrections_deadline


def correction_refusal(user, meeting, *, now=None):
    """Why the member may not propose a correction to the minutes (a message), or None when they may."""
    if not can_view_meeting(user, meeting) or not is_attendee(user, meeting):
        return _("Only the meeting's attendees propose corrections to the minutes.")
    if meeting.outcomes_phase != meeting.OutcomesPhase.CIRCULATED:
        return _("The minutes are not circulated for corrections.")
    if not corrections_open(meeting, now=now):
        return _("The deadline for corrections has passed.")
    return None


def check_may_correct(user, meeting, *, now=None):
    reason = correction_refusal(user, meeting, now=now)
    if reason:
        raise PermissionDenied(reason)
