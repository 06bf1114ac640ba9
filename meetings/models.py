"""Meetings: the programme's meetings as pages, with agenda, participation, calendars and outcomes.

A meeting is a `MeetingPage` under the meetings index. Its times are stored in UTC and entered in
the meeting's own zone (the admin form converts). Everything that must survive a page's
revisions and translations (answers, attendance, calendar sequence, notices sent) is keyed by the
page's `translation_key`, never stored on the page itself: publishing an older draft would
otherwise bring old values back.
"""

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet

from workplans.widgets import ActivitySelect, is_approved_activity
from workspace.core.choices import Pillar
from workspace.core.pages import CachedViewRestrictions
from workspace.core.reference import GOVERNMENT_CODES, GOVERNMENTS_BY_CODE, name_in
from workspace.core.zones import time_zone_name
from workspace.site.models import IntroPage

from .forms import MeetingPageForm
from .zones import MEETING_ZONES, get_zone, government_name, zone_choices

GOVERNMENT_CHOICES = [(code, code) for code in GOVERNMENT_CODES]
WORKING_HOURS = (8, 18)  # a capital's reasonable meeting hours, local time


class MeetingIndexPage(IntroPage):
    """The programme's meetings: filters, a month view and the member's answers."""

    parent_page_types = ["site.HomePage"]
    subpage_types = ["meetings.MeetingPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("meeting index")

    def get_context(self, request, *args, **kwargs):
        from .views import meeting_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(meeting_index_context(request, index=self))
        return context


class MeetingQuerySet(PageQuerySet):
    def scheduled(self):
        """Meetings announced to their invitees (not drafts)."""
        return self.exclude(status=MeetingPage.Status.DRAFT)

    def visible_to(self, member):
        """The meetings a member sees in lists: coordinators everything live, others no drafts."""
        from .access import is_coordinator

        queryset = self.live()
        return queryset if is_coordinator(member) else queryset.scheduled()

    def invited(self, member):
        """The meetings a member is invited to (the same rule as `access.invitees_of`)."""
        code = getattr(member, "government_code", None)
        condition = Q(invited_members=member)
        if code:
            condition |= Q(invited_government_links__government=code)
        return self.filter(pk__in=MeetingPage.objects.filter(condition).values("pk"))

    def with_readable_outcomes(self, member):
        """Meetings whose outcomes the member may read (the rule of `access.can_view_outcomes`, as a query)."""
        from .access import is_coordinator

        queryset = self.visible_to(member)
        if is_coordinator(member):
            return queryset
        phases = Q(outcomes_phase=MeetingPage.OutcomesPhase.PUBLISHED)
        circulated = [MeetingPage.OutcomesPhase.CIRCULATED, MeetingPage.OutcomesPhase.APPROVED]
        invited = MeetingPage.objects.invited(member).values("pk")
        return queryset.filter(phases | Q(outcomes_phase__in=circulated, pk__in=invited))

    def for_language(self, language):
        """One version per meeting: the reader's language where it exists, else whichever exists."""
        translated = MeetingPage.objects.filter(locale__language_code=language).values("translation_key")
        return self.filter(Q(locale__language_code=language) | ~Q(translation_key__in=translated))

    def upcoming(self, now=None):
        return self.filter(ends_at__gt=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now()).order_by("-starts_at")

    def upcoming_for(self, member, *, now=None, language=None):
        """What the home page lists: upcoming meetings the member may see, in their language."""
        queryset = self.visible_to(member).exclude(status=MeetingPage.Status.CANCELLED).upcoming(now)
        if language:
            queryset = queryset.for_language(language)
        return queryset.for_listing()

    def overlapping(self, *, starts_at, ends_at, governments):
        """Scheduled meetings sharing a slot and at least one invited government."""
        return (
            self.live()
            .filter(status=MeetingPage.Status.SCHEDULED, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .filter(invited_government_links__government__in=governments)
            .distinct()
        )

    def for_listing(self):
        return self.select_related("locale").prefetch_related("invited_government_links", "pillar_links")


MeetingManager = PageManager.from_queryset(MeetingQuerySet)


class MeetingPage(CachedViewRestrictions, Page):
    base_form_class = MeetingPageForm

    class Kind(models.TextChoices):
        ANNUAL_COORDINATION = "annual_coordination", _("Annual coordination meeting")
        HIGH_LEVEL = "high_level", _("High-level government meeting")
        WORKING_SESSION = "working_session", _("Working session")
        WEBINAR = "webinar", _("Webinar")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (no notices)")
        SCHEDULED = "scheduled", _("Scheduled")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    class OutcomesPhase(models.TextChoices):
        DRAFT = "draft", _("Draft (coordinators only)")
        CIRCULATED = "circulated", _("Circulated to attendees for corrections")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.WORKING_SESSION)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=40, choices=zone_choices, default="America/Guatemala")
    host_government = models.CharField(_("host government"), max_length=2, choices=GOVERNMENT_CHOICES, blank=True)
    venue = models.TextField(_("venue"), blank=True, help_text=_("Address and room; shown to invitees only."))
    online_link = models.URLField(_("online link"), blank=True, help_text=_("Shown to invitees only."))
    summary = models.TextField(_("summary"), blank=True)
    invited_members = ParentalManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("invited members"), related_name="meeting_invitations", blank=True
    )
    minutes = RichTextField(
        _("minutes"), blank=True, features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
    )
    outcomes_phase = models.CharField(
        _("outcomes phase"), max_length=12, choices=OutcomesPhase.choices, default=OutcomesPhase.DRAFT
    )
    corrections_deadline = models.DateField(_("corrections deadline"), null=True, blank=True)

    objects = MeetingManager()

    parent_page_types = ["meetings.MeetingIndexPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("status"),
                FieldRowPanel([FieldPanel("local_start"), FieldPanel("local_end")]),
                FieldPanel("time_zone"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [FieldPanel("host_government"), FieldPanel("venue"), FieldPanel("online_link")],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [FieldPanel("invited_governments"), FieldPanel("invited_members"), FieldPanel("pillars")],
            heading=_("Who and what"),
        ),
        FieldPanel("summary"),
    ]
    agenda_panels = [InlinePanel("agenda_items", label=_("Agenda item"), heading=_("Agenda"))]
    outcomes_panels = [
        FieldRowPanel([FieldPanel("outcomes_phase"), FieldPanel("corrections_deadline")]),
        FieldPanel("minutes"),
        InlinePanel("decisions", label=_("Decision"), heading=_("Decisions")),
        InlinePanel("action_items", label=_("Action item"), heading=_("Action items")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Meeting")),
            ObjectList(agenda_panels, heading=_("Agenda")),
            ObjectList(outcomes_panels, heading=_("Outcomes")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings"), classname="settings"),
        ]
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def clean(self):
        super().clean()
        if self.time_zone not in MEETING_ZONES:
            raise ValidationError(_("Unknown time zone: choose one of the region's zones or UTC."))
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(_("The meeting must end after it starts."))

    # --- Reading -------------------------------------------------------------------------------

    @property
    def zone(self):
        return get_zone(self.time_zone)

    @property
    def zone_name(self):
        """The meeting's zone by name, with its id: "hora de Guatemala (America/Guatemala)"."""
        return time_zone_name(self.time_zone, with_id=True)

    @property
    def local_starts_at(self):
        return timezone.localtime(self.starts_at, self.zone)

    @property
    def local_ends_at(self):
        return timezone.localtime(self.ends_at, self.zone)

    @property
    def duration(self):
        return self.ends_at - self.starts_at

    @cached_property
    def invited_government_codes(self):
        return sorted(link.government for link in self.invited_government_links.all())

    @cached_property
    def invited_member_ids(self):
        """The named invitees' ids (a revision's own, in memory, when previewed)."""
        if not self.pk:
            return frozenset()
        return frozenset(member.pk for member in self.invited_members.all())

    @cached_property
    def pillar_numbers(self):
        return sorted(link.pillar for link in self.pillar_links.all())

    def pillars(self):
        return [(number, Pillar(number).label) for number in self.pillar_numbers]

    def invited_government_names(self):
        return [(code, government_name(code)) for code in self.invited_government_codes]

    @property
    def host_name(self):
        return government_name(self.host_government) if self.host_government else ""

    def has_started(self, now=None):
        return (now or timezone.now()) >= self.starts_at

    @cached_property
    def agenda(self):
        """The agenda items, read once per page object (the panels of every item ask for them)."""
        return list(self.agenda_items.all())

    @property
    def agenda_minutes(self):
        return sum(item.duration_minutes or 0 for item in self.agenda)

    @property
    def agenda_days(self):
        return max((item.day or 1 for item in self.agenda), default=1)

    @property
    def meeting_minutes(self):
        return int(self.duration.total_seconds() // 60)

    @property
    def is_over_time(self):
        return self.agenda_minutes > self.meeting_minutes

    def capital_times(self):
        """Each capital's local start and end, flagged where an invited capital is outside 08–18 h."""
        invited = set(self.invited_government_codes)
        rows = []
        for code in GOVERNMENT_CODES:
            government = GOVERNMENTS_BY_CODE[code]
            zone = get_zone(government.time_zone)
            start = timezone.localtime(self.starts_at, zone)
            end = timezone.localtime(self.ends_at, zone)
            outside = start.hour < WORKING_HOURS[0] or (end.hour, end.minute) > (WORKING_HOURS[1], 0)
            rows.append(
                {
                    "code": code,
                    "name": government_name(code),
                    "capital": name_in(government.capital, get_language()),
                    "zone": government.time_zone,
                    "start": start,
                    "end": end,
                    "invited": code in invited,
                    "warning": code in invited and outside,
                }
            )
        return rows

    def calendar_fingerprint(self):
        """What invitees must hear about when it changes: time, place and status."""
        parts = [self.starts_at.isoformat(), self.ends_at.isoformat(), self.venue, self.online_link, self.status]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    # --- Discussable parts ---------------------------------------------------------------------

    def discussion_anchors(self):
        return {f"agenda-{item.uuid}": _("Agenda: %(title)s") % {"title": item.title} for item in self.agenda}

    def can_discuss(self, user, anchor=""):
        """Invitees and coordinators, until the outcomes are published (asked once per member and page object)."""
        from .access import can_discuss_meeting

        answers = self.__dict__.setdefault("_discuss_answers", {})
        key = getattr(user, "pk", None)
        if key not in answers:
            answers[key] = can_discuss_meeting(user, self)
        return answers[key]

    # --- Serving -------------------------------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        from .views import meeting_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(meeting_page_context(request, meeting=self))
        return context

    def serve(self, request, *args, **kwargs):
        from django.http import Http404

        from .access import can_view_meeting

        if not can_view_meeting(request.user, self):
            raise Http404(_("No such meeting."))
        return super().serve(request, *args, **kwargs)


class MeetingGovernment(models.Model):
    page = ParentalKey(MeetingPage, related_name="invited_government_links", on_delete=models.CASCADE)
    government = models.CharField(_("government"), max_length=2, choices=GOVERNMENT_CHOICES)

    class Meta:
        verbose_name = _("invited government")
        ordering = ["government"]
        constraints = [
            models.UniqueConstraint(fields=["page", "government"], name="meetings_invited_government_unique")
        ]

    def __str__(self):
        return self.government


class MeetingPillar(models.Model):
    page = ParentalKey(MeetingPage, related_name="pillar_links", on_delete=models.CASCADE)
    pillar = models.PositiveSmallIntegerField(_("pillar"), choices=Pillar.choices)

    class Meta:
        verbose_name = _("pillar of a meeting")
        ordering = ["pillar"]
        constraints = [models.UniqueConstraint(fields=["page", "pillar"], name="meetings_pillar_unique")]

    def __str__(self):
        return str(Pillar(self.pillar).label)


class AgendaItem(Orderable):
    """One item of the agenda; `uuid` is its stable id (discussion anchor) across revisions."""

    page = ParentalKey(MeetingPage, related_name="agenda_items", on_delete=models.CASCADE)
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    day = models.PositiveSmallIntegerField(_("day"), default=1, help_text=_("Day of the meeting (1 = first day)."))
    start_time = models.TimeField(_("start time"), null=True, blank=True, help_text=_("In the meeting's zone."))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    pillar = models.PositiveSmallIntegerField(_("pillar"), choices=Pillar.choices, null=True, blank=True)
    presenters = models.CharField(_("presenters"), max_length=255, blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldRowPanel([FieldPanel("day"), FieldPanel("start_time"), FieldPanel("duration_minutes")]),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("pillar"), FieldPanel("presenters")]),
        FieldPanel("document"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title

    @property
    def anchor(self):
        return f"agenda-{self.uuid}"


class Decision(Orderable):
    page = ParentalKey(MeetingPage, related_name="decisions", on_delete=models.CASCADE)
    text = models.TextField(_("decision"))

    panels = [FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return self.text[:80]


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])


class ActionItem(Orderable):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    page = ParentalKey(MeetingPage, related_name="action_items", on_delete=models.CASCADE)
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=255)
    owner_government = models.CharField(_("owner government"), max_length=2, choices=GOVERNMENT_CHOICES, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    activity_uuid = models.CharField(
        _("work-plan activity"), max_length=36, blank=True, help_text=_("The activity's identifier, if any.")
    )

    objects = ActionItemQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("owner_government"), FieldPanel("due_date"), FieldPanel("status")]),
        FieldPanel("activity_uuid", widget=ActivitySelect),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)

    def clean(self):
        super().clean()
        # The select offers approved plans' activities, but a form can post any text; a value
        # already stored (an activity since archived from its plan) stays as it was.
        if (
            self.activity_uuid
            and not is_approved_activity(self.activity_uuid)
            and not (self.pk and ActionItem.objects.filter(pk=self.pk, activity_uuid=self.activity_uuid).exists())
        ):
            raise ValidationError({"activity_uuid": _("Choose an activity of an approved work plan from the list.")})


# --- What lives beside the page (keyed by translation_key) ---------------------------------------


class Participation(models.Model):
    """A member's answer to a meeting's invitation and, afterwards, whether they attended."""

    class Answer(models.TextChoices):
        ATTENDING = "attending", _("Attending")
        TENTATIVE = "tentative", _("Tentative")
        DECLINED = "declined", _("Declined")

    meeting_key = models.UUIDField(db_index=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_participations"
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["meeting_key", "member"], name="meetings_one_participation_per_member"),
            models.CheckConstraint(
                condition=Q(answer__in=["", "attending", "tentative", "declined"]), name="meetings_answer_known"
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.answer or '-'}"


class CalendarState(models.Model):
    """The calendar SEQUENCE of a meeting and the fingerprint of what invitees were last told."""

    meeting_key = models.UUIDField(unique=True)
    sequence = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64, blank=True)
    announced_status = models.CharField(max_length=12, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar state")

    def __str__(self):
        return f"{self.meeting_key} #{self.sequence}"


class MeetingNotice(models.Model):
    """One notice sent to one member: the unique constraint makes re-runs send nothing twice."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Meeting scheduled")
        CHANGED = "changed", _("Meeting changed")
        REMINDER = "reminder", _("Reminder")

    meeting_key = models.UUIDField(db_index=True)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sequence = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting notice")
        constraints = [
            models.UniqueConstraint(fields=["meeting_key", "member", "kind", "sequence"], name="meetings_notice_once")
        ]

    def __str__(self):
        return f"{self.kind} #{self.sequence} → {self.member_id}"


class CalendarFeedToken(models.Model):
    """A member's secret calendar-feed address; only its SHA-256 hash is stored."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feed_token")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed token")

    def __str__(self):
        return str(self.member)

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()


REMINDER_LEAD = timedelta(hours=24)


# --- What members propose: agenda items (focal points) and corrections to the minutes (attendees) --


class AgendaProposal(models.Model):
    """An agenda item proposed by a focal point for their government; a coordinator accepts or declines it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Turned down")

    meeting = models.ForeignKey(MeetingPage, on_delete=models.CASCADE, related_name="agenda_proposals")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    government = models.CharField(_("government"), max_length=2, choices=GOVERNMENT_CHOICES)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    pillar = models.PositiveSmallIntegerField(_("pillar"), choices=Pillar.choices, null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decline_reason = models.TextField(_("reason"), blank=True)
    agenda_item_uuid = models.UUIDField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda proposal")
        verbose_name_plural = _("agenda proposals")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="meetings_declined_with_a_reason"
            ),
        ]

    def __str__(self):
        return self.title


class MinutesCorrection(models.Model):
    """A correction to circulated minutes, proposed by an attendee; a coordinator accepts or rejects it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    meeting = models.ForeignKey(MeetingPage, on_delete=models.CASCADE, related_name="minutes_corrections")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quote = models.TextField(_("passage"), blank=True, help_text=_("The passage of the minutes to correct, if any."))
    text = models.TextField(_("correction"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("correction to the minutes")
        verbose_name_plural = _("corrections to the minutes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:80]
