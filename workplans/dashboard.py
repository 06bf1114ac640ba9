"""The regional dashboard: approved plans of a year, governments × pillars, in a constant number of queries.

Only live (approved) plans count, for every viewer: a draft or a pending amendment never reaches
the dashboard or its exports. Year and government choose the plans; pillar and status narrow the
drill-down list (and its export), so the heatmap keeps the whole picture.

Its lists have a fixed length whatever the number of plans: the first delayed activities (all of
them in the drill-down list filtered by status) and one page of the drill-down list at a time. What
it shows is the same for every member (approved plans only), so the page renders it once per
question and language (`{% cache %}`, key `dashboard_version`): a publish ("pages") or a progress
update (`PROGRESS`) gives the key a new version.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

import django_filters
from django.core.paginator import Paginator
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from workspace.core import memo
from workspace.core.choices import Pillar
from workspace.core.reference import GOVERNMENTS

from .models import ActivityProgress, WorkPlanPage, current_programme_year

HEAT_LEVELS = 5
DELAYED_SHOWN = 10
ACTIVITIES_PER_PAGE = 25
# The memo namespace of the activities' progress (new version on every recorded update).
PROGRESS = "workplan-progress"


class DashboardFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))
    government = django_filters.ChoiceFilter(
        label=_("Government"), choices=[], method="filter_government", empty_label=_("All governments")
    )
    pillar = django_filters.ChoiceFilter(
        label=_("Pillar"),
        choices=[(str(number), label) for number, label in Pillar.choices],
        method="keep",
        empty_label=_("All pillars"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ActivityProgress.Status.choices, method="keep", empty_label=_("Any status")
    )

    class Meta:
        model = WorkPlanPage
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("year"):
            data["year"] = str(current_programme_year())
        super().__init__(data, *args, **kwargs)
        language = _language()
        self.filters["government"].extra["choices"] = [
            (government.code, government.names.get(language, government.names["es"])) for government in GOVERNMENTS
        ]

    def filter_government(self, queryset, name, value):
        return queryset.filter(government_code=value) if value else queryset

    def keep(self, queryset, name, value):
        return queryset  # applied to activities, not to plans (see module docstring)


def _language():
    return (get_language() or "es")[:2]


@dataclass
class Cell:
    activities: int = 0
    completion: int = 0  # sum of percent complete
    has_plan: bool = False

    @property
    def average(self):
        return round(self.completion / self.activities) if self.activities else 0

    @property
    def level(self):
        if not self.activities:
            return "none"
        return str(min(self.average * HEAT_LEVELS // 100, HEAT_LEVELS - 1))


@dataclass
class Achievement:
    indicators: int = 0
    ratio_sum: Decimal = Decimal(0)
    reached: int = 0

    @property
    def percent(self):
        return round(self.ratio_sum * 100 / self.indicators) if self.indicators else 0


@dataclass
class ActivityRow:
    government_code: str
    government_name: str
    year: int
    plan: object
    activity: object


@dataclass
class Dashboard:
    year: int
    filter: object
    plans: list
    governments: list  # (code, name, [Cell per pillar], total Cell)
    pillars: list  # (number, label)
    pillar_totals: list  # Cell per pillar
    total: Cell
    achievements: list  # (number, label, Achievement)
    delayed: list  # ActivityRow
    rows: list = field(default_factory=list)  # the drill-down list (pillar/status applied)
    government_code: str = ""

    @property
    def delayed_shown(self):
        return self.delayed[:DELAYED_SHOWN]


def live_plans(*, year, locale, government_code=""):
    """The approved plans of a year, one per plan (its translation in `locale` when there is one)."""
    plans = WorkPlanPage.objects.live().of_year(year).with_government().select_related("locale")
    if government_code:
        plans = plans.filter(government_code=government_code)
    by_key = {}
    for plan in plans.order_by("pk"):
        current = by_key.get(plan.translation_key)
        if current is None or plan.locale_id == locale.pk:
            by_key[plan.translation_key] = plan
    return sorted(by_key.values(), key=lambda plan: plan.government_code or "")


def build_dashboard(dashboard_filter, *, locale):
    dashboard_filter.is_valid()
    data = dashboard_filter.form.cleaned_data if dashboard_filter.is_bound else {}
    year = data.get("year") or current_programme_year()
    government_code = data.get("government") or ""
    pillar_wanted = int(data["pillar"]) if data.get("pillar") else None
    status_wanted = data.get("status") or ""

    plans = live_plans(year=int(year), locale=locale, government_code=government_code)
    states = {
        (state.plan_key, str(state.activity_uuid)): state
        for state in ActivityProgress.objects.filter(plan_key__in=[plan.translation_key for plan in plans])
    }
    language = _language()
    names = {government.code: government.names.get(language, government.names["es"]) for government in GOVERNMENTS}
    numbers = [number for number, _label in Pillar.choices]
    cells = {(government.code, number): Cell() for government in GOVERNMENTS for number in numbers}
    achievements = {number: Achievement() for number in numbers}
    rows, delayed = [], []
    for plan in plans:
        code = plan.government_code
        for pillar in plan.structure():
            cell = cells[(code, pillar.number)]
            cell.has_plan = True
            for activity in pillar.activities():
                activity.progress = states.get((plan.translation_key, activity.uuid))
                cell.activities += 1
                cell.completion += activity.percent_complete
                for indicator, current in activity.indicator_rows():
                    if indicator.target:
                        achievement = achievements[pillar.number]
                        achievement.indicators += 1
                        ratio = min((current or Decimal(0)) / indicator.target, Decimal(1))
                        achievement.ratio_sum += ratio
                        achievement.reached += ratio >= 1
                row = ActivityRow(code, names.get(code, code), plan.year, plan, activity)
                if activity.status == ActivityProgress.Status.DELAYED:
                    delayed.append(row)
                if pillar_wanted and pillar.number != pillar_wanted:
                    continue
                if status_wanted and activity.status != status_wanted:
                    continue
                rows.append(row)

    shown = [government for government in GOVERNMENTS if not government_code or government.code == government_code]
    governments = []
    for government in shown:
        row_cells = [cells[(government.code, number)] for number in numbers]
        governments.append((government.code, names[government.code], row_cells, _sum(row_cells)))
    pillar_totals = [_sum([cells[(government.code, number)] for government in shown]) for number in numbers]
    return Dashboard(
        year=int(year),
        filter=dashboard_filter,
        plans=plans,
        governments=governments,
        pillars=list(Pillar.choices),
        pillar_totals=pillar_totals,
        total=_sum(pillar_totals),
        achievements=[(number, label, achievements[number]) for number, label in Pillar.choices],
        delayed=delayed,
        rows=rows,
        government_code=government_code,
    )


def _sum(cells):
    total = Cell()
    for cell in cells:
        total.activities += cell.activities
        total.completion += cell.completion
        total.has_plan = total.has_plan or cell.has_plan
    return total


def dashboard_for_request(request, *, locale=None):
    if locale is None:
        locale = Locale.objects.filter(language_code=_language()).first() or Locale.get_default()
    return build_dashboard(DashboardFilter(request.GET), locale=locale)


def dashboard_version(request, *, locale):
    """The key of the dashboard's shared fragment: the question (every parameter, sorted), the
    programme year (the default year), the language's locale and the versions of the plans
    ("pages") and of their progress. A preview of the dashboard page shares it too: the fragment
    reads only approved plans, never the page being previewed."""
    question = sorted((name, sorted(request.GET.getlist(name))) for name in request.GET)
    digest = hashlib.sha256(repr(question).encode()).hexdigest()[:32]
    return ":".join([str(locale.pk), digest, str(current_programme_year()), *memo.versions("pages", PROGRESS)])


def _years():
    years = set(WorkPlanPage.objects.live().values_list("year", flat=True).distinct()) | {current_programme_year()}
    return sorted(years, reverse=True)


def _query(request, **changes):
    """The request's query string without its page number, with `changes`."""
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def dashboard_context(request, *, locale):
    """Built only when the template renders it (lazily): on a cache hit nothing is read."""
    dashboard = SimpleLazyObject(lambda: dashboard_for_request(request, locale=locale))
    return {
        "dashboard": dashboard,
        "activities": SimpleLazyObject(
            lambda: Paginator(dashboard.rows, ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
        ),
        "years": SimpleLazyObject(_years),
        "query": _query(request),
        "delayed_query": _query(request, status=ActivityProgress.Status.DELAYED),
        "dashboard_version": dashboard_version(request, locale=locale),
    }
