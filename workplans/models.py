"""Work plans: one page per government per year, its structure per pillar, and its progress log.

The plan's structure (objectives → activities → indicators) lives in four StreamFields, one per
pillar, so that every part has Wagtail's block UUID and travels with the page's revisions. What
happens to an activity during the year (progress updates) is not content: it lives in rows keyed
by the plan's `translation_key` and the activity's UUID, never cascaded from the page, so a
removed activity keeps its history (it is listed as archived) and a deleted page orphans nothing.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, ObjectList, TabbedInterface
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from workspace.core.choices import Pillar
from workspace.core.pages import CachedViewRestrictions
from workspace.live.models import SequencedStream
from workspace.site.models import GovernmentPage, IntroPage

from .blocks import PillarPlanBlock

FIRST_YEAR = 2000
LAST_YEAR = 2100
PILLAR_FIELDS = {1: "pillar_1", 2: "pillar_2", 3: "pillar_3", 4: "pillar_4"}


def current_programme_year():
    """The programme works by calendar year."""
    return timezone.localdate().year


# --- The structure, read from the StreamFields ------------------------------------------------


@dataclass
class Indicator:
    uuid: str
    name: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    means_of_verification: str


@dataclass
class Activity:
    uuid: str
    title: str
    description: str
    responsible_institutions: list
    start_month: int
    end_month: int
    target_group: str
    budget_amount: Decimal | None
    budget_currency: str
    indicators: list
    best_practices: list
    predecessor: str
    pillar: int
    objective_uuid: str
    objective_title: str
    progress: object = None  # ActivityProgress, attached by the page or the dashboard
    history_count: int = 0  # its progress updates, counted by the page (read on demand)
    links: list = field(default_factory=list)  # links.ActivityLink: what points at it (meeting action items)

    @property
    def anchor(self):
        return f"activity-{self.uuid}"

    @property
    def status(self):
        return self.progress.status if self.progress else ActivityProgress.Status.PLANNED

    @property
    def status_label(self):
        return ActivityProgress.Status(self.status).label

    @property
    def percent_complete(self):
        return self.progress.percent_complete if self.progress else 0

    def current_value(self, indicator):
        values = self.progress.indicator_values if self.progress else {}
        return _decimal_or_none(values.get(indicator.uuid))

    def indicator_rows(self):
        """(indicator, current value) pairs for templates and exports."""
        return [(indicator, self.current_value(indicator)) for indicator in self.indicators]


@dataclass
class Objective:
    uuid: str
    title: str
    description: str
    pillar: int
    activities: list

    @property
    def anchor(self):
        return f"objective-{self.uuid}"


@dataclass
class PillarPlan:
    number: int
    label: str
    objectives: list

    def activities(self):
        return [activity for objective in self.objectives for activity in objective.activities]


def _decimal_or_none(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _list_items(raw):
    """(id, value) of a ListBlock's raw items (Wagtail stores {"type": "item", "id", "value"})."""
    items = []
    for item in raw or []:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            items.append((str(item.get("id") or ""), item["value"]))
        else:
            items.append(("", item))
    return items


def _activity(activity_id, value, *, pillar, objective):
    return Activity(
        uuid=activity_id,
        title=value.get("title") or "",
        description=value.get("description") or "",
        responsible_institutions=[
            line.strip() for line in (value.get("responsible_institutions") or "").splitlines() if line.strip()
        ],
        start_month=int(value.get("start_month") or 1),
        end_month=int(value.get("end_month") or 12),
        target_group=value.get("target_group") or "",
        budget_amount=_decimal_or_none(value.get("budget_amount")),
        budget_currency=value.get("budget_currency") or "",
        indicators=[
            Indicator(
                uuid=indicator_id,
                name=indicator.get("name") or "",
                unit=indicator.get("unit") or "",
                baseline=_decimal_or_none(indicator.get("baseline")),
                target=_decimal_or_none(indicator.get("target")),
                means_of_verification=indicator.get("means_of_verification") or "",
            )
            for indicator_id, indicator in _list_items(value.get("indicators"))
        ],
        best_practices=[page_id for _id, page_id in _list_items(value.get("best_practices")) if page_id],
        predecessor=value.get("predecessor") or "",
        pillar=pillar,
        objective_uuid=objective.uuid,
        objective_title=objective.title,
    )


def read_structure(plan):
    """The plan's pillars → objectives → activities → indicators (plain objects, in order).

    Read from the StreamFields' raw data: no query (best practices stay ids, see
    `resolve_best_practices`), and the same for a stored page and for a preview.
    """
    pillars = []
    for number, field_name in PILLAR_FIELDS.items():
        objectives = []
        for block in getattr(plan, field_name).raw_data:
            value = block.get("value") or {}
            objective = Objective(
                uuid=str(block.get("id") or ""),
                title=value.get("title") or "",
                description=value.get("description") or "",
                pillar=number,
                activities=[],
            )
            objective.activities = [
                _activity(activity_id, activity, pillar=number, objective=objective)
                for activity_id, activity in _list_items(value.get("activities"))
            ]
            objectives.append(objective)
        pillars.append(PillarPlan(number=number, label=Pillar(number).label, objectives=objectives))
    return pillars


def resolve_best_practices(pillars, locale):
    """Replace each activity's best-practice ids by the live practices (one query for the plan)."""
    from workspace.site.models import BestPracticePage

    activities = [activity for pillar in pillars for activity in pillar.activities()]
    ids = {page_id for activity in activities for page_id in activity.best_practices}
    pages = BestPracticePage.objects.live().in_bulk(ids) if ids else {}
    for activity in activities:
        activity.best_practices = [pages[page_id] for page_id in activity.best_practices if page_id in pages]


# --- The plan page -------------------------------------------------------------------------------


def _parent_path(path):
    return Substr(path, 1, Length(path) - Page.steplen)


class WorkPlanQuerySet(PageQuerySet):
    def of_year(self, year):
        return self.filter(year=year)

    def with_government(self):
        """Annotate `government_code` and `government_title` (of the parent GovernmentPage)."""
        parent = GovernmentPage.objects.filter(path=_parent_path(OuterRef("path")))
        return self.annotate(
            government_code=Subquery(parent.values("code")[:1]),
            government_title=Subquery(parent.values("title")[:1]),
        )


WorkPlanManager = PageManager.from_queryset(WorkPlanQuerySet)


class WorkPlanPageForm(WagtailAdminPageForm):
    """One plan per government and year, and no save over a version someone else saved meanwhile."""

    def clean(self):
        cleaned_data = super().clean()
        self._check_one_plan_per_year(cleaned_data.get("year"))
        self._check_not_stale()
        return cleaned_data

    def _government(self):
        parent = self.parent_page or (self.instance.get_parent() if self.instance.pk else None)
        return parent.specific if parent else None

    def _check_one_plan_per_year(self, year):
        government = self._government()
        if not year or government is None:
            return
        others = WorkPlanPage.objects.child_of(government).filter(year=year)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            self.add_error(
                "year",
                _("%(government)s already has a work plan for %(year)s: open it and amend it instead.")
                % {"government": government.title, "year": year},
            )

    def _check_not_stale(self):
        """Wagtail 8 refuses a stale save only for autosave (JSON) requests; an ordinary form POST
        would silently overwrite the newer revision. A plan is official: refuse it here too, with
        the same rule as Wagtail's `EditView.is_out_of_date`."""
        if not self.instance.pk or not self.is_bound:
            return
        latest = self.instance.get_latest_revision()
        if latest is None:
            return
        overwrite_id = self.data.get("overwrite_revision_id")
        loaded_id = self.data.get("loaded_revision_id")
        if overwrite_id:
            stale = overwrite_id != str(latest.pk)
        elif loaded_id:
            stale = loaded_id != str(latest.pk) or self.data.get("loaded_revision_created_at", "") != (
                latest.created_at.isoformat()
            )
        else:
            stale = False
        if stale:
            editor = latest.user.get_full_name() if latest.user else ""
            raise ValidationError(
                _(
                    "Saving will overwrite a newer version: %(editor)s saved this plan after you opened it. "
                    "Copy your changes, reload the page and apply them again."
                )
                % {"editor": editor or _("someone else")},
                code="stale_revision",
            )


class WorkPlanPage(CachedViewRestrictions, Page):
    """A government's annual work plan against the four pillars (approved by the coordinators)."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text=_("The calendar year the plan covers. A government has one plan per year."),
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Two or three sentences: the plan's priorities this year.")
    )
    pillar_1 = StreamField(
        PillarPlanBlock(),
        verbose_name=Pillar.CAPACITY_BUILDING.label,
        blank=True,
        help_text=_("Add the objectives for this pillar; under each objective, its activities and indicators."),
    )
    pillar_2 = StreamField(PillarPlanBlock(), verbose_name=Pillar.PARTNERSHIPS.label, blank=True)
    pillar_3 = StreamField(PillarPlanBlock(), verbose_name=Pillar.CRISIS_MANAGEMENT.label, blank=True)
    pillar_4 = StreamField(PillarPlanBlock(), verbose_name=Pillar.PREVENTION.label, blank=True)

    objects = WorkPlanManager()

    parent_page_types = ["site.GovernmentPage"]
    subpage_types = []
    base_form_class = WorkPlanPageForm

    content_panels = Page.content_panels + [FieldPanel("year"), FieldPanel("summary")]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Plan")),
            ObjectList([FieldPanel("pillar_1")], heading=_("Pillar 1")),
            ObjectList([FieldPanel("pillar_2")], heading=_("Pillar 2")),
            ObjectList([FieldPanel("pillar_3")], heading=_("Pillar 3")),
            ObjectList([FieldPanel("pillar_4")], heading=_("Pillar 4")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings"), classname="settings"),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("pillar_1"),
        index.SearchField("pillar_2"),
        index.SearchField("pillar_3"),
        index.SearchField("pillar_4"),
        index.FilterField("year"),
    ]

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")

    def __str__(self):
        return self.title

    def government(self):
        """The plan's government page (from the cache: namespace "pages")."""
        from workspace.core import memo

        return memo.get_or_build(
            "plan-government",
            self.pk,
            self.path,
            namespaces=("pages",),
            build=lambda: GovernmentPage.objects.parent_of(self).first(),
        )

    # Served from its URL, the plan is read without its pillars (200 activities are ~230 KB of
    # JSON to decode on every view): a reader's body usually comes from the cache
    # (`services.plan_body_version`); the pillars are read, all at once, when something asks.
    fields_read_on_demand = tuple(PILLAR_FIELDS.values())

    def read_pillars(self):
        deferred = self.get_deferred_fields() & set(PILLAR_FIELDS.values())
        if deferred:
            self.refresh_from_db(fields=sorted(deferred))

    def structure(self):
        self.read_pillars()
        return read_structure(self)

    def activities(self):
        return [activity for pillar in self.structure() for activity in pillar.activities()]

    def activity(self, activity_uuid):
        return next((activity for activity in self.activities() if activity.uuid == str(activity_uuid)), None)

    # Discussable parts (the discussions app asks these; it never imports this module).
    def discussion_anchors(self):
        anchors = {}
        for pillar in self.structure():
            for objective in pillar.objectives:
                anchors[objective.anchor] = _("Objective: %(title)s") % {"title": objective.title}
                for activity in objective.activities:
                    anchors[activity.anchor] = _("Activity: %(title)s") % {"title": activity.title}
        return anchors

    def part_anchors(self):
        """The anchors of `discussion_anchors` without their labels: a walk of the raw data, made
        once per version of the pillars this object holds (every panel of a plan asks it)."""
        self.read_pillars()
        streams = tuple(getattr(self, field_name) for field_name in PILLAR_FIELDS.values())
        known = self.__dict__.get("_part_anchors")
        if known is not None and all(a is b for a, b in zip(known[0], streams, strict=True)):
            return known[1]
        anchors = set()
        for stream in streams:
            for block in stream.raw_data:
                anchors.add(f"objective-{block.get('id') or ''}")
                for activity_id, _activity_value in _list_items((block.get("value") or {}).get("activities")):
                    anchors.add(f"activity-{activity_id}")
        self.__dict__["_part_anchors"] = (streams, frozenset(anchors))
        return frozenset(anchors)

    def can_discuss(self, user, anchor):
        from .access import can_view_plan

        return can_view_plan(user, self) and (anchor == "" or anchor in self.part_anchors())

    def get_context(self, request, *args, **kwargs):
        from .services import plan_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(plan_page_context(plan=self, viewer=request.user, request=request))
        return context


class WorkPlanIndexPage(IntroPage):
    """The regional dashboard of the approved work plans."""

    parent_page_types = ["site.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("work-plan index")

    def get_context(self, request, *args, **kwargs):
        from .dashboard import dashboard_context

        context = super().get_context(request, *args, **kwargs)
        context.update(dashboard_context(request, locale=self.locale))
        return context


# --- Progress: the plan's log (immutable) and each activity's current state --------------------


class ProgressStream(SequencedStream):
    """The sequence counter of a plan's progress log (one per plan, shared by its translations)."""

    plan_key = models.UUIDField(_("plan"), unique=True)

    class Meta:
        verbose_name = _("progress stream")

    def __str__(self):
        return f"{self.plan_key} #{self.last_sequence}"


class ActivityProgress(models.Model):
    """The current state of one activity of one plan (the last update's values)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DELAYED = "delayed", _("Delayed")
        CANCELLED = "cancelled", _("Cancelled")

    plan_key = models.UUIDField(_("plan"), db_index=True)
    activity_uuid = models.UUIDField(_("activity"))
    activity_title = models.CharField(_("activity title"), max_length=250)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MaxValueValidator(100)]
    )
    indicator_values = models.JSONField(_("indicator values"), default=dict, blank=True)
    last_sequence = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("activity progress")
        verbose_name_plural = _("activity progress")
        constraints = [
            models.UniqueConstraint(fields=["plan_key", "activity_uuid"], name="workplans_progress_one_per_activity")
        ]

    def __str__(self):
        return f"{self.activity_title}: {self.get_status_display()} ({self.percent_complete} %)"


UNFINISHED = (ActivityProgress.Status.PLANNED, ActivityProgress.Status.IN_PROGRESS, ActivityProgress.Status.DELAYED)


class ProgressUpdateQuerySet(models.QuerySet):
    def of_plan(self, plan):
        return self.filter(plan_key=plan.translation_key)

    def for_display(self):
        return self.select_related("author", "evidence").order_by("-sequence")


class ProgressUpdate(models.Model):
    """One progress report on an activity: who, when, what changed. Never edited, never deleted."""

    plan_key = models.UUIDField(_("plan"), db_index=True)
    activity_uuid = models.UUIDField(_("activity"), db_index=True)
    activity_title = models.CharField(_("activity title"), max_length=250)
    sequence = models.PositiveBigIntegerField(_("sequence"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=ActivityProgress.Status.choices)
    previous_status = models.CharField(
        _("previous status"), max_length=20, choices=ActivityProgress.Status.choices, blank=True
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    previous_percent_complete = models.PositiveSmallIntegerField(_("previous percent complete"), default=0)
    indicator_values = models.JSONField(_("indicator values"), default=dict, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    evidence = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["plan_key", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["plan_key", "sequence"], name="workplans_progress_sequence_unique")
        ]

    def __str__(self):
        return f"#{self.sequence} {self.activity_title}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A progress update cannot be changed once recorded."))
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A progress update cannot be deleted."))

    @property
    def status_changed(self):
        return self.status != self.previous_status

    @property
    def percent_changed(self):
        return self.percent_complete != self.previous_percent_complete
