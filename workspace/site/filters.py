"""The practice library's filters, search, facet counts, sort order and pagination.

`BestPracticeFilterSet` validates the query string (a plain GET form: the filter state lives in
the URL) and narrows a queryset; `PracticeLibrary` runs it for one language and adds what the
page shows beside the results: facet counts that respect the other active filters, the sort
order and one page of results. Invalid input is reported on the form and ignored, never a 500.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass

import django_filters
from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Value
from django.db.models.functions import Length, Lower, Substr
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.models import Locale, Page

from workspace.core import memo
from workspace.core.reference import GOVERNMENT_CODES

from .models import (
    FIRST_YEAR,
    LAST_YEAR,
    BestPracticePage,
    BestPracticePillar,
    BestPracticeTag,
    GovernmentPage,
    Pillar,
    TargetPopulation,
    search_words,
)
from .search import ranked_ids

PER_PAGE = 20
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
TAG_FACET_SIZE = 15


class LibraryForm(forms.Form):
    """Fields of the library's form that are not filters: sort order and page number."""

    SORT_CHOICES = [
        ("relevance", _("Relevance")),
        ("newest", _("Newest")),
        ("title", _("Title")),
    ]

    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(label=_("Page"), min_value=1, max_value=100_000, required=False)


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


class BestPracticeFilterSet(django_filters.FilterSet):
    """Filters of the library; within a facet the options add up (OR), across facets they narrow (AND)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Words in the title, summary, results or body; accents do not matter."),
    )
    pillar = django_filters.MultipleChoiceFilter(label=_("Pillar"), choices=Pillar.choices, method="filter_pillar")
    government = django_filters.MultipleChoiceFilter(
        label=_("Government"), choices=[(code, code) for code in GOVERNMENT_CODES], method="filter_government"
    )
    population = django_filters.ModelMultipleChoiceFilter(
        label=_("Target population"),
        queryset=TargetPopulation.objects.all(),
        to_field_name="slug",
        field_name="target_populations",
        method="filter_population",
    )
    instrument = django_filters.MultipleChoiceFilter(
        label=_("Type of instrument"), choices=BestPracticePage.InstrumentType.choices, field_name="instrument_type"
    )
    year = YearFilter(label=_("Active in"), method="filter_year", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    tag = django_filters.ModelMultipleChoiceFilter(
        label=_("Tag"), queryset=Tag.objects.all(), to_field_name="slug", method="filter_tag"
    )

    class Meta:
        model = BestPracticePage
        fields = []
        form = LibraryForm

    FACETS = ("pillar", "government", "population", "instrument", "year", "tag")

    def __init__(self, *args, search_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._rankings = {}
        # The search backend filters on indexed fields only: it searches this plain queryset
        # (live pages of the reader's language and of the source language); the library's own
        # queryset then keeps the ids it holds.
        self.search_queryset = self.queryset if search_queryset is None else search_queryset

    def filter_search(self, queryset, name, value):
        ranking = self.search_ranking(value)
        return queryset if ranking is None else queryset.filter(pk__in=ranking)

    def search_ranking(self, value):
        """Ids of the live pages of this language matching the query, best first (None: no search).

        The search runs once per request, on the plain "live pages of this language" queryset
        (the search backend accepts filters on indexed fields only); the other filters and the
        facet counts then narrow by id, so that the full-text query is not repeated in each.
        """
        words = search_words(value, limit=MAX_QUERY_WORDS)
        if not words:
            return None
        query = " ".join(words)
        if query not in self._rankings:
            self._rankings[query] = ranked_ids(self.search_queryset, query)
        return self._rankings[query]

    def filter_pillar(self, queryset, name, value):
        return queryset.on_pillar(*[int(number) for number in value]) if value else queryset

    def filter_government(self, queryset, name, value):
        return queryset.of_government(*value) if value else queryset

    def filter_population(self, queryset, name, value):
        if not value:
            return queryset
        through = BestPracticePage.target_populations.through
        return queryset.filter(pk__in=through.objects.filter(targetpopulation__in=value).values("bestpracticepage_id"))

    def filter_year(self, queryset, name, value):
        return queryset.active_in(int(value)) if value is not None else queryset

    def filter_tag(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=BestPracticeTag.objects.filter(tag__in=value).values("content_object_id"))

    def filter_queryset(self, queryset, *, skip=None):
        """Apply the valid filters (the search first), leaving out `skip` for its facet counts."""
        for name, value in self.form.cleaned_data.items():
            if name == skip or name not in self.filters:
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def queryset_without(self, facet):
        """The results as they would be without this facet's own choice."""
        self.is_valid()  # fills form.cleaned_data with the valid fields
        return self.filter_queryset(self.queryset.all(), skip=facet)


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list
    multiple: bool = True

    @property
    def selected(self):
        return [option for option in self.options if option.selected]


class PracticeLibrary:
    """One request's view of the library: form, facets, sort order and one page of results."""

    def __init__(self, data, *, locale):
        self.locale = locale
        self.data = data
        # A practice not translated yet is listed in its Spanish source (with a note on its card).
        base = BestPracticePage.objects.with_fallback(locale)
        languages = {locale.language_code, settings.LANGUAGE_CODE}
        locale_ids = list(Locale.objects.filter(language_code__in=languages).values_list("pk", flat=True))
        searched = BestPracticePage.objects.live().filter(locale_id__in=locale_ids)
        self.filterset = BestPracticeFilterSet(data, queryset=base, search_queryset=searched)

    @property
    def form(self):
        return self.filterset.form

    @cached_property
    def is_valid(self):
        return self.filterset.is_valid()

    @cached_property
    def cleaned(self):
        self.filterset.is_valid()  # fills cleaned_data with the valid fields, also for an invalid form
        return self.form.cleaned_data

    @cached_property
    def query(self):
        return " ".join(search_words(self.cleaned.get("q"), limit=MAX_QUERY_WORDS))

    @cached_property
    def sort(self):
        sort = self.cleaned.get("sort") or ("relevance" if self.query else "newest")
        return "newest" if sort == "relevance" and not self.query else sort

    @cached_property
    def is_filtered(self):
        return any(self._selected(name) for name in self.filterset.filters)

    def _ordered(self, queryset):
        if self.sort == "title":
            return queryset.order_by(Lower("title"), "pk")
        return queryset.newest_first()

    @cached_property
    def results(self):
        return self._ordered(self.filterset.qs).for_listing(locale=self.locale)

    @cached_property
    def page(self):
        number = self.cleaned.get("page") or 1
        if self.sort != "relevance":
            return Paginator(self.results, PER_PAGE).get_page(number)
        # Relevance: the search's ranking, kept to the ids the other filters let through; only
        # the practices of the requested page are then loaded.
        matching = set(self.filterset.qs.values_list("pk", flat=True))
        ranked = [pk for pk in self.filterset.search_ranking(self.cleaned.get("q")) if pk in matching]
        page = Paginator(ranked, PER_PAGE).get_page(number)
        practices = BestPracticePage.objects.filter(pk__in=page.object_list).for_listing(locale=self.locale).in_bulk()
        page.object_list = [practices[pk] for pk in page.object_list if pk in practices]
        return page

    @cached_property
    def requested_page_missing(self):
        requested = self.cleaned.get("page")
        return bool(requested and requested > self.page.paginator.num_pages and self.page.paginator.count)

    @cached_property
    def errors(self):
        """Readable errors of the form, one per invalid field, labelled."""
        return [
            (self.form.fields[name].label if name in self.form.fields else "", ", ".join(messages))
            for name, messages in self.form.errors.items()
        ]

    # --- Facets: each counted over the results without its own selection --------------------

    def _matching_ids(self, facet):
        return self.filterset.queryset_without(facet).order_by().values("pk")

    @cached_property
    def governments(self):
        return list(GovernmentPage.objects.live().filter(locale=self.locale).order_by("title"))

    @cached_property
    def facets(self):
        """The facets, from the cache: they are the same for every member who asks the same
        question in the same language (the library lists published practices only). Keyed by the
        filters and search (not the page number or the sort), the language and the year; namespace
        "pages" (new on every publish, unpublish, move or save of a page: `site.caching`)."""
        question = sorted((name, sorted(self.data.getlist(name))) for name in self.data if name not in {"page", "sort"})
        return memo.get_or_build(
            "library-facets",
            self.locale.pk,
            get_language(),
            timezone.now().year,
            hashlib.sha256(repr(question).encode()).hexdigest(),
            namespaces=("pages",),
            build=self._read_facets,
        )

    def _read_facets(self):
        return [
            self._pillar_facet(),
            self._government_facet(),
            self._population_facet(),
            self._instrument_facet(),
            self._year_facet(),
            self._tag_facet(),
        ]

    def _selected(self, name):
        value = self.cleaned.get(name)
        if value in (None, ""):
            return set()
        if isinstance(value, list | tuple) or hasattr(value, "model"):
            return {str(getattr(item, "slug", item)) for item in value}
        return {str(value)}

    def _pillar_facet(self):
        counts = dict(
            BestPracticePillar.objects.filter(page_id__in=self._matching_ids("pillar"))
            .order_by()
            .values_list("pillar")
            .annotate(count=Count("page_id", distinct=True))
        )
        selected = self._selected("pillar")
        options = [
            FacetOption(str(number), label, counts.get(number, 0), str(number) in selected)
            for number, label in Pillar.choices
        ]
        return Facet("pillar", _("Pillar"), options)

    def _government_facet(self):
        rows = (
            Page.objects.filter(pk__in=self._matching_ids("government"))
            .annotate(parent_path=Substr("path", 1, Length("path") - Value(Page.steplen)))
            .order_by()
            .values_list("parent_path")
            .annotate(count=Count("pk"))
        )
        counts = dict(rows)
        selected = self._selected("government")
        options = [
            FacetOption(government.code, government.title, counts.get(government.path, 0), government.code in selected)
            for government in self.governments
        ]
        return Facet("government", _("Government"), options)

    def _population_facet(self):
        through = BestPracticePage.target_populations.through
        counts = dict(
            through.objects.filter(bestpracticepage_id__in=self._matching_ids("population"))
            .order_by()
            .values_list("targetpopulation_id")
            .annotate(count=Count("bestpracticepage_id", distinct=True))
        )
        selected = self._selected("population")
        options = [
            FacetOption(population.slug, population.name, counts.get(population.pk, 0), population.slug in selected)
            for population in TargetPopulation.objects.all()
        ]
        return Facet("population", _("Target population"), options)

    def _instrument_facet(self):
        counts = dict(
            BestPracticePage.objects.filter(pk__in=self._matching_ids("instrument"))
            .order_by()
            .values_list("instrument_type")
            .annotate(count=Count("pk"))
        )
        selected = self._selected("instrument")
        options = [
            FacetOption(value, label, counts.get(value, 0), value in selected)
            for value, label in BestPracticePage.InstrumentType.choices
        ]
        return Facet("instrument", _("Type of instrument"), options)

    def _year_facet(self):
        periods = BestPracticePage.objects.filter(pk__in=self._matching_ids("year")).values_list(
            "start_year", "end_year"
        )
        this_year = timezone.now().year
        counts = Counter()
        for start, end in periods:
            counts.update(range(start, min(end or this_year, this_year) + 1))
        selected = self._selected("year")
        years = sorted(set(counts) | {int(year) for year in selected}, reverse=True)
        options = [FacetOption(str(year), str(year), counts.get(year, 0), str(year) in selected) for year in years]
        return Facet("year", _("Active in"), options, multiple=False)

    def _tag_facet(self):
        rows = (
            BestPracticeTag.objects.filter(content_object_id__in=self._matching_ids("tag"))
            .order_by()
            .values("tag__slug", "tag__name")
            .annotate(count=Count("content_object_id", distinct=True))
            .order_by("-count", "tag__name")
        )
        selected = self._selected("tag")
        options = [
            FacetOption(row["tag__slug"], row["tag__name"], row["count"], row["tag__slug"] in selected)
            for row in rows[:TAG_FACET_SIZE]
        ]
        shown = {option.value for option in options}
        missing = selected - shown
        if missing:
            for tag in Tag.objects.filter(slug__in=missing):
                options.append(FacetOption(tag.slug, tag.name, 0, True))
        return Facet("tag", _("Tag"), options)

    # --- What the template needs beyond the facets -------------------------------------------

    @cached_property
    def active_filters(self):
        """(facet label, option label, URL without it) for the "remove this filter" chips."""
        chips = []
        for facet in self.facets:
            for option in facet.selected:
                chips.append((facet.label, option.label, self._url_without(facet.name, option.value)))
        return chips

    def _url_without(self, name, value):
        params = self.data.copy()
        params.setlist(name, [item for item in params.getlist(name) if item != value])
        params.pop("page", None)
        return "?" + params.urlencode() if params else "?"

    @property
    def sort_choices(self):
        choices = LibraryForm.SORT_CHOICES
        return choices if self.query else [choice for choice in choices if choice[0] != "relevance"]

    @property
    def search_value(self):
        value = self.data.get("q", "")
        return value[:MAX_QUERY_LENGTH]
