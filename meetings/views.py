"""HTTP endpoints of meetings: thin adapters over `services`, `access` and `calendar`.

The RSVP form is a plain POST that works without JavaScript (redirect back with a message) and
answers JSON with `Accept: application/json`. Refusals: 404 for a meeting the member may not
see, 403 with the reason (not invited, cancelled, started), 400 for an invalid answer.
"""

import calendar as month_calendar
import csv
import functools
import uuid
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workspace.accounts.middleware import member_required
from workspace.core import memo
from workspace.core.zones import time_zone_name
from workspace.site.caching import live_section

from . import caching, services
from .access import (
    access_meeting_by_id,
    can_view_meeting_details,
    can_view_outcomes,
    check_coordinator,
    correction_refusal,
    is_attendee,
    is_coordinator,
    is_invitee,
    proposal_refusal,
    rsvp_refusal,
)
from .caching import next_meeting_end
from .calendar import feed_calendar, meeting_calendar
from .filters import MeetingFilter, OutcomeFilter
from .forms import AgendaProposalForm, CorrectionForm, DecisionForm, RsvpForm
from .models import (
    AgendaProposal,
    CalendarFeedToken,
    CalendarState,
    MeetingIndexPage,
    MeetingPage,
    MinutesCorrection,
    Participation,
)


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


# --- Page contexts (MeetingPage.get_context, MeetingIndexPage.get_context) ---------------------


def meeting_page_context(request, *, meeting):
    """What every member sees alike is rendered once (`{% cache %}` blocks of the template, keyed by
    `fragment_key` and the answers of the access rules that decide what each block shows); what is
    the member's own (their answer, forms, proposals, corrections, discussions) is read per request."""
    viewer = request.user
    shared = meeting.live and not getattr(request, "is_preview", False)
    if shared:
        # The live page's own rows (invited governments and members, pillars, agenda) and the
        # action items carried over from earlier meetings are the same for every member: from the
        # cache. A preview reads the revision's own.
        meeting.__dict__.update(
            memo.get_or_build(
                "meeting-content",
                meeting.pk,
                namespaces=caching.SHARED,
                build=lambda: {
                    "invited_government_codes": meeting.invited_government_codes,
                    "invited_member_ids": meeting.invited_member_ids,
                    "pillar_numbers": meeting.pillar_numbers,
                    "agenda": list(meeting.agenda_items.select_related("document")),
                    "carried_over": carried_over_action_items(meeting),
                },
            )
        )
    else:
        meeting.__dict__["agenda"] = list(meeting.agenda_items.select_related("document"))
        meeting.__dict__["carried_over"] = carried_over_action_items(meeting)
    coordinator = is_coordinator(viewer)
    details = can_view_meeting_details(viewer, meeting)
    invited = is_invitee(viewer, meeting)
    participation = (
        Participation.objects.filter(meeting_key=meeting.translation_key, member=viewer).first() if invited else None
    )
    colleagues = []
    if invited and viewer.government_code:
        colleagues = [
            row
            for row in services.roster(meeting)
            if row["government"] == viewer.government_code and row["member"].pk != viewer.pk
        ]
    show_outcomes = can_view_outcomes(viewer, meeting)
    # Blocks rendered for one member only (a preview, a page not live) are never read again.
    fragment_key = meeting_fragment_key(meeting) if shared else uuid.uuid4().hex
    return {
        "meeting": meeting,
        "fragment_timeout": memo.TIMEOUT if shared else 0,
        "fragment_key": fragment_key,
        "show_details": details,
        "is_invited": invited,
        "is_coordinator": coordinator,
        "participation": participation,
        "rsvp_refusal": rsvp_refusal(viewer, meeting) if invited else None,
        "rsvp_form": SimpleLazyObject(
            lambda: RsvpForm(initial={"answer": participation.answer if participation else ""})
        ),
        "answers": Participation.Answer.choices,
        "counters": services.rsvp_counters(meeting) if shared else services.count_answers(meeting),
        "colleagues": colleagues,
        "agenda": meeting.agenda,  # the page's own `agenda` (minutes, panels) reads the same rows
        "agenda_rows": agenda_rows(request, meeting, key=fragment_key if shared else None),
        # Read only when a block is rendered.
        "capital_times": SimpleLazyObject(meeting.capital_times),
        "viewer_zone": time_zone_name(timezone.get_current_timezone_name()),  # "hora de Costa Rica"
        "show_outcomes": show_outcomes,
        "decisions": SimpleLazyObject(lambda: list(meeting.decisions.all()) if show_outcomes else []),
        "action_items": SimpleLazyObject(lambda: list(meeting.action_items.all()) if show_outcomes else []),
        "carried_over": meeting.carried_over,
        "overlaps": SimpleLazyObject(lambda: services.overlapping_meetings(meeting) if coordinator else []),
        "index": live_section(MeetingIndexPage, locale_id=meeting.locale_id),
        **proposals_context(viewer, meeting, invited=invited),
        **corrections_context(viewer, meeting),
    }


def meeting_fragment_key(meeting):
    """What every block of a live meeting's page depends on besides the access answers: the row as
    loaded, the meetings' versions (its rows, other meetings: overlaps, carried-over items, links),
    the language and the viewer's zone (times)."""
    return caching.digest(
        meeting.pk,
        caching.row_fingerprint(meeting),
        get_language(),
        timezone.get_current_timezone_name(),
        *memo.versions(*caching.SHARED),
    )


def agenda_rows(request, meeting, *, key):
    """Each agenda item with its title, times and document rendered once per `key` (None: not
    kept); its discussion panel is the member's own and is rendered beside it: [(item, html)]."""

    def render():
        return [
            render_to_string("meetings/includes/agenda_item.html", {"item": item, "meeting": meeting}, request)
            for item in meeting.agenda
        ]

    heads = render() if key is None else memo.get_or_build("meeting-agenda-heads", key, build=render)
    return list(zip(meeting.agenda, heads, strict=True))


def proposals_context(viewer, meeting, *, invited):
    """The proposal form for focal points who may propose, their own proposals, the backlog for coordinators."""
    coordinator = is_coordinator(viewer)
    if not (coordinator or (invited and viewer.government_code)):
        return {}
    proposals = AgendaProposal.objects.filter(meeting__translation_key=meeting.translation_key).select_related(
        "proposer"
    )
    may_propose = proposal_refusal(viewer, meeting) is None
    return {
        "proposal_form": AgendaProposalForm(initial={"government": viewer.government_code}) if may_propose else None,
        "my_proposals": [] if coordinator else list(proposals.filter(proposer=viewer)),
        "backlog": list(proposals.filter(status=AgendaProposal.Status.PROPOSED)) if coordinator else [],
    }


def corrections_context(viewer, meeting):
    """The correction form for attendees while the round is open, their corrections, all of them for coordinators."""
    if meeting.outcomes_phase == MeetingPage.OutcomesPhase.DRAFT:
        return {}
    corrections = MinutesCorrection.objects.filter(meeting__translation_key=meeting.translation_key).select_related(
        "proposer"
    )
    if is_coordinator(viewer):
        return {"corrections": list(corrections), "corrections_to_decide": True}
    if meeting.outcomes_phase != MeetingPage.OutcomesPhase.CIRCULATED:
        return {}
    if not is_attendee(viewer, meeting):
        return {}
    refusal = correction_refusal(viewer, meeting)
    return {
        "correction_form": CorrectionForm() if refusal is None else None,
        "correction_refusal": refusal,
        "corrections": list(corrections.filter(proposer=viewer)),
    }


def carried_over_action_items(meeting):
    """Open action items of earlier meetings of the same kind with published outcomes."""
    earlier = (
        MeetingPage.objects.live()
        .filter(
            locale_id=meeting.locale_id,
            kind=meeting.kind,
            starts_at__lt=meeting.starts_at,
            outcomes_phase=MeetingPage.OutcomesPhase.PUBLISHED,
        )
        .values("pk")
    )
    from .models import ActionItem

    return list(
        ActionItem.objects.filter(page__in=earlier, status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])
        .select_related("page")
        .order_by("due_date", "pk")
    )


class MeetingListing:
    """The meetings index as one member asks it: the filters, the list and the month, read only
    when the fragment is rendered (a cache miss). What it shows depends on the question (every
    parameter), the languages, the viewer's zone, the month, being a coordinator (drafts) and the
    meetings' rows and times: `key` names all of them; the member's own answers are keyed apart."""

    def __init__(self, request, *, index):
        self.request = request
        self.viewer = request.user
        self.language = index.locale.language_code
        self.coordinator = is_coordinator(self.viewer)
        self.first = requested_month(request)
        question = sorted((name, sorted(request.GET.getlist(name))) for name in request.GET)
        self.key = caching.digest(
            index.pk,
            self.coordinator,
            self.language,
            get_language(),
            timezone.get_current_timezone_name(),
            question,
            self.first,
            next_meeting_end(),
            *memo.versions(*caching.SHARED),
        )

    @functools.cached_property
    def base(self):
        return MeetingPage.objects.visible_to(self.viewer).for_language(self.language).for_listing()

    @functools.cached_property
    def filter(self):
        return MeetingFilter(self.request.GET, queryset=self.base)

    @functools.cached_property
    def meetings(self):
        return list(self.filter.qs[:100]) if self.filter.is_valid() else []

    @functools.cached_property
    def month(self):
        return month_view(self.first, self.filter.at_all_times())

    def listed_keys(self):
        """The translation keys of the meetings listed, from the cache."""
        return memo.get_or_build(
            "meeting-index-keys", self.key, build=lambda: [meeting.translation_key for meeting in self.meetings]
        )


def meeting_index_context(request, *, index):
    """Rendered once per question and kind of viewer (`{% cache %}`, key `listing_key`); the
    member's answers to the meetings listed are part of the key, so members who answered alike
    share the fragment."""
    listing = MeetingListing(request, index=index)
    own = caching.answers_of(request.user)
    answers = {key: own[key] for key in map(str, listing.listed_keys()) if key in own}

    def meetings():
        labels = dict(Participation.Answer.choices)
        for meeting in listing.meetings:
            meeting.my_answer = labels.get(answers.get(str(meeting.translation_key)), "")
        return listing.meetings

    return {
        "listing_key": f"{listing.key}:{caching.digest(sorted(answers.items()))}",
        "filter": SimpleLazyObject(lambda: listing.filter),
        "meetings": SimpleLazyObject(meetings),
        "month": SimpleLazyObject(lambda: listing.month),
    }


def requested_month(request):
    """The first day of the month asked for (`?month=YYYY-MM`), else of this month in the viewer's zone."""
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return timezone.localdate().replace(day=1)


def month_view(first, queryset):
    """Weeks of the month starting on `first` with meetings per day, in the viewer's zone."""
    zone = timezone.get_current_timezone()
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    by_day = {}
    for meeting in queryset.filter(starts_at__lt=end, ends_at__gt=start).order_by("starts_at")[:200]:
        day = max(timezone.localtime(meeting.starts_at, zone).date(), first)
        final = min(timezone.localtime(meeting.ends_at, zone).date(), last)
        while day <= final:
            by_day.setdefault(day, []).append(meeting)
            day += timedelta(days=1)
    weeks = [
        [{"date": day, "in_month": day.month == first.month, "meetings": by_day.get(day, [])} for day in week]
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return {
        "first": first,
        "weeks": weeks,
        "previous": previous.strftime("%Y-%m"),
        "next": following.strftime("%Y-%m"),
        "weekdays": [week_day["date"] for week_day in weeks[0]],
    }


# --- RSVP -----------------------------------------------------------------------------------------


def refuse(request, *, status, message, meeting=None):
    if wants_json(request):
        return JsonResponse({"message": str(message), "errors": [str(message)]}, status=status)
    return render(request, "meetings/refused.html", {"message": message, "meeting": meeting}, status=status)


@member_required
@require_POST
def rsvp(request, page_id):
    meeting = access_meeting_by_id(request.user, page_id)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        return refuse(request, status=400, message=_("Choose attending, tentative or declined."), meeting=meeting)
    try:
        participation = services.submit_rsvp(meeting=meeting, member=request.user, answer=form.cleaned_data["answer"])
    except PermissionDenied as error:
        return refuse(request, status=403, message=str(error), meeting=meeting)
    except ValidationError as error:
        return refuse(request, status=400, message=" ".join(error.messages), meeting=meeting)
    message = _("Your answer was saved: %(answer)s.") % {"answer": participation.get_answer_display()}
    if wants_json(request):
        return JsonResponse(
            {
                "answer": participation.answer,
                "message": str(message),
                "counters": services.rsvp_counters(meeting),
                "html": render_to_string(
                    "meetings/includes/rsvp_counters.html", {"counters": services.rsvp_counters(meeting)}, request
                ),
            }
        )
    messages.success(request, message)
    return HttpResponseRedirect((meeting.get_url(request) or "/") + "#rsvp")


# --- Calendars ------------------------------------------------------------------------------------


def ics_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@member_required
@require_GET
def meeting_ics(request, page_id):
    meeting = access_meeting_by_id(request.user, page_id)
    content = meeting_calendar(
        meeting,
        sequence=services.calendar_sequence(meeting),
        with_details=can_view_meeting_details(request.user, meeting),
    )
    return ics_response(content, f"{slugify(meeting.slug) or 'meeting'}.ics")


@require_GET
def feed(request, token):
    """The member's subscription feed: the meetings they are invited to, at a secret address."""
    member = services.member_for_feed_token(token)
    if member is None:
        raise Http404(_("No such calendar."))
    meetings = list(
        MeetingPage.objects.live()
        .scheduled()
        .invited(member)
        .for_language(member.preferred_language or "es")
        .prefetch_related("agenda_items")
        .order_by("starts_at")
    )
    sequences = dict(
        CalendarState.objects.filter(meeting_key__in=[m.translation_key for m in meetings]).values_list(
            "meeting_key", "sequence"
        )
    )
    return ics_response(feed_calendar(meetings, sequences=sequences, name=str(_("Meetings"))), "meetings.ics")


@member_required
@require_http_methods(["GET", "POST"])
def calendar_subscription(request):
    """Show, create, regenerate or revoke the member's secret feed address."""
    new_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_feed_token(member=request.user)
            messages.success(request, _("Your calendar address was revoked."))
            return redirect("meetings:subscription")
        token = services.issue_feed_token(member=request.user)
        new_url = request.build_absolute_uri(reverse("meetings:feed", kwargs={"token": token}))
    has_token = CalendarFeedToken.objects.filter(member=request.user).exists()
    return render(
        request,
        "meetings/calendar_subscription.html",
        {"new_url": new_url, "has_token": has_token or bool(new_url)},
    )


# --- Coordinators: roster, export, attendance ---------------------------------------------------


def coordinators_only(view):
    @functools.wraps(view)
    def wrapper(request, page_id, *args, **kwargs):
        meeting = access_meeting_by_id(request.user, page_id)
        try:
            check_coordinator(request.user)
        except PermissionDenied as error:
            return refuse(request, status=403, message=str(error), meeting=meeting)
        return view(request, meeting, *args, **kwargs)

    return member_required(wrapper)


@coordinators_only
@require_http_methods(["GET", "POST"])
def roster(request, meeting):
    if request.method == "POST":
        try:
            count = services.record_attendance(
                meeting=meeting, by=request.user, attended_ids=request.POST.getlist("attended")
            )
        except (ValidationError, ValueError) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else _("Invalid selection.")
            return refuse(request, status=400, message=text, meeting=meeting)
        messages.success(request, _("Attendance recorded: %(count)d present.") % {"count": count})
        return redirect("meetings:roster", page_id=meeting.pk)
    rows = services.roster(meeting)
    return render(
        request,
        "meetings/roster.html",
        {
            "meeting": meeting,
            "rows": rows,
            "counters": services.rsvp_counters(meeting),
            "can_record": meeting.has_started(),
        },
    )


@coordinators_only
@require_GET
def roster_csv(request, meeting):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(meeting.slug) or "meeting"}-roster.csv"'
    response.write("\ufeff")  # spreadsheet programs read UTF-8 with a BOM
    writer = csv.writer(response)
    writer.writerow([_("Government"), _("Name"), _("Email"), _("Answer"), _("Attended")])
    for row in services.roster(meeting):
        attended = "" if row["attended"] is None else (_("yes") if row["attended"] else _("no"))
        writer.writerow(
            [row["government"], row["member"].get_full_name(), row["member"].email, row["answer_label"], attended]
        )
    return response


# --- Agenda proposals and corrections to the minutes ------------------------------------------------


def _done(request, meeting, message, *, fragment, data=None):
    if wants_json(request):
        return JsonResponse({"message": str(message), **(data or {})})
    messages.success(request, message)
    return HttpResponseRedirect(f"{meeting.get_url(request) or '/'}#{fragment}")


def _form_again(request, meeting, form, *, heading):
    """A form refused with field errors: shown again (400) with what was typed."""
    if wants_json(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return render(
        request, "meetings/form_page.html", {"meeting": meeting, "form": form, "heading": heading}, status=400
    )


@member_required
@require_POST
def propose(request, page_id):
    meeting = access_meeting_by_id(request.user, page_id)
    form = AgendaProposalForm(request.POST)
    if form.is_valid():
        try:
            services.propose_agenda_item(meeting=meeting, member=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            return refuse(request, status=403, message=str(error), meeting=meeting)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, meeting, _("Your proposal was sent to the coordinators."), fragment="proposals")
    return _form_again(request, meeting, form, heading=_("Propose an agenda item"))


@member_required
@require_POST
@coordinators_only
def decide_proposal(request, meeting, proposal_id):
    proposal = (
        AgendaProposal.objects.filter(pk=proposal_id, meeting__translation_key=meeting.translation_key)
        .select_related("meeting", "proposer")
        .first()
    )
    if proposal is None:
        raise Http404(_("No such proposal."))
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "accept":
                services.accept_agenda_proposal(proposal=proposal, by=request.user)
                message = _(
                    "Accepted: the item was added to a new draft of the agenda. Publish the meeting to show it."
                )
            else:
                services.decline_agenda_proposal(proposal=proposal, by=request.user, reason=form.cleaned_data["reason"])
                message = _("Declined: the proposer was told why.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, meeting, message, fragment="proposals")
    return _form_again(request, meeting, form, heading=_("Decide on an agenda proposal"))


@member_required
@require_POST
def correct(request, page_id):
    meeting = access_meeting_by_id(request.user, page_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.propose_correction(meeting=meeting, member=request.user, **form.cleaned_data)
        except PermissionDenied as error:
            return refuse(request, status=403, message=str(error), meeting=meeting)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, meeting, _("Your correction was sent to the coordinators."), fragment="corrections")
    return _form_again(request, meeting, form, heading=_("Propose a correction to the minutes"))


@member_required
@require_POST
@coordinators_only
def decide_correction(request, meeting, correction_id):
    correction = (
        MinutesCorrection.objects.filter(pk=correction_id, meeting__translation_key=meeting.translation_key)
        .select_related("meeting", "proposer")
        .first()
    )
    if correction is None:
        raise Http404(_("No such correction."))
    form = DecisionForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.decide_correction(
                correction=correction, by=request.user, accept=accept, note=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = _("Correction accepted: edit the minutes accordingly.") if accept else _("Correction rejected.")
            return _done(request, meeting, message, fragment="corrections")
    return _form_again(request, meeting, form, heading=_("Decide on a correction"))


# --- Outcomes across meetings -------------------------------------------------------------------------

OUTCOMES_PER_PAGE = 10


@member_required
@require_GET
def outcomes(request):
    """Published outcomes (decisions and action items, by meeting), filtered and paginated; constant queries."""
    language = (get_language() or "es")[:2]
    base = (
        MeetingPage.objects.visible_to(request.user)
        .filter(outcomes_phase=MeetingPage.OutcomesPhase.PUBLISHED)
        .for_language(language)
    )
    years = sorted({day.year for day in base.dates("starts_at", "year")}, reverse=True)
    outcome_filter = OutcomeFilter(request.GET, queryset=base, years=years)
    meetings = outcome_filter.qs if outcome_filter.is_valid() else base.none()
    meetings = meetings.select_related("locale").prefetch_related("decisions", "action_items").order_by("-starts_at")
    page = Paginator(meetings, OUTCOMES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/outcomes.html",
        {
            "filter": outcome_filter,
            "page_obj": page,
            "show": outcome_filter.form.cleaned_data.get("show") if outcome_filter.is_valid() else "",
            "index": MeetingIndexPage.objects.live().filter(locale__language_code=language).first(),
        },
    )
