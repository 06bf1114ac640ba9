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


def pending_moderation(queryset):
    """Flagged comments that no moderator has handled yet (not hidden) and that are still there."""
    return queryset.filter(Exists(Flag.objects.filter(comment=OuterRef("pk"))), hidden=False, deleted=False)


class CommentModerationFilterSet(WagtailFilterSet):
    """The queue opens on the comments awaiting a moderator: flagged, still visible and not deleted.

    Hiding a comment (or its author deleting it) handles its flags; "All comments" shows the rest.
    """

    QUEUE_PENDING = "pending"
    QUEUE_ALL = "all"

    queue = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=((QUEUE_PENDING, _("Flagged, not yet handled")), (QUEUE_ALL, _("All comments"))),
        method="filter_queue",
        empty_label=None,
        null_value=None,
    )
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
        fields = ["queue", "flagged", "hidden", "government", "page", "created"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("queue"):
            data["queue"] = self.QUEUE_PENDING
        super().__init__(data, *args, **kwargs)
        # Unchanged from its default, the queue is not listed as an active filter.
        self.form.fields["queue"].initial = self.QUEUE_PENDING

    def filter_queue(self, queryset, name, value):
        if value != self.QUEUE_PENDING:
            return queryset
        return pending_moderation(queryset)

    def filter_flagged(self, queryset, name, value):
        flagged = Exists(Flag.objects.filter(comment=OuterRef("pk")))
        return queryset.filter(flagged) if value else queryset.exclude(flagged)

    def filter_government(self, queryset, name, value):
        return in_government(queryset, value) if value else queryset
