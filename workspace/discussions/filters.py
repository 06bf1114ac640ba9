"""Filters of the moderation queue (Wagtail admin): flagged, hidden, government, page, date."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.models import Page

from workspace.site.models import GovernmentPage

from .models import Comment, Flag, Thread


def government_choices():
    codes = GovernmentPage.objects.order_by("code").values_list("code", flat=True).distinct()
    return [(code, code) for code in codes]


def in_government(queryset, code):
    """Comments on pages in a government's subtrees (one per language), found by page path."""
    paths = GovernmentPage.objects.filter(code=code).values_list("path", flat=True)
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(thread__page__path__startswith=path)
    return queryset.filter(condition)


class CommentModerationFilterSet(WagtailFilterSet):
    flagged = django_filters.BooleanFilter(label=pgettext_lazy("moderation filter", "Flagged"), method="filter_flagged")
    hidden = django_filters.BooleanFilter(label=pgettext_lazy("moderation filter", "Hidden"))
    government = django_filters.ChoiceFilter(
        label=_("Government"), choices=government_choices, method="filter_government", empty_label=_("All")
    )
    page = django_filters.ModelChoiceFilter(
        label=_("Page"),
        field_name="thread__page",
        queryset=lambda request: Page.objects.filter(pk__in=Thread.objects.values("page_id")).order_by("title"),
    )
    created = django_filters.DateFromToRangeFilter(label=_("Date"))

    class Meta:
        model = Comment
        fields = ["flagged", "hidden", "government", "page", "created"]

    def filter_flagged(self, queryset, name, value):
        flagged = Exists(Flag.objects.filter(comment=OuterRef("pk")))
        return queryset.filter(flagged) if value else queryset.exclude(flagged)

    def filter_government(self, queryset, name, value):
        return in_government(queryset, value) if value else queryset
