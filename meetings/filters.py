"""The meetings index's filters (django-filter): when, kind, pillar, government, status and text."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workspace.core.choices import Pillar
from workspace.core.reference import GOVERNMENT_CODES

from .models import ActionItem, Decision, MeetingGovernment, MeetingPage, MeetingPillar
from .zones import government_name


class MeetingFilter(django_filters.FilterSet):
    WHEN_CHOICES = (("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All")))

    when = django_filters.ChoiceFilter(
        label=_("When"), choices=WHEN_CHOICES, method="filter_when", empty_label=None, null_value=None
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MeetingPage.Kind.choices, empty_label=_("Any kind"))
    pillar = django_filters.ChoiceFilter(
        label=_("Pillar"), choices=Pillar.choices, method="filter_pillar", empty_label=_("Any pillar")
    )
    government = django_filters.ChoiceFilter(
        label=_("Government"), choices=[], method="filter_government", empty_label=_("Any government")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=MeetingPage.Status.choices, empty_label=_("Any status")
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")

    class Meta:
        model = MeetingPage
        fields = []

    def __init__(self, data=None, *args, now=None, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("when"):
            data["when"] = "upcoming"
        self.now = now or timezone.now()
        super().__init__(data, *args, **kwargs)
        self.filters["government"].extra["choices"] = [(code, government_name(code)) for code in GOVERNMENT_CODES]
        self.form.fields["q"].widget = forms.TextInput(attrs={"type": "search"})

    def at_all_times(self):
        """The same question without upcoming/past (the month view shows the month asked for),
        from this filter's own form: no second FilterSet."""
        queryset = self.queryset.all()
        self.errors  # noqa: B018 (validates the form, as `qs` does)
        for name, value in self.form.cleaned_data.items():
            if name != "when":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_when(self, queryset, name, value):
        if value == "past":
            return queryset.past(self.now)
        if value == "all":
            return queryset.order_by("-starts_at")
        return queryset.upcoming(self.now)

    def filter_pillar(self, queryset, name, value):
        return queryset.filter(pk__in=MeetingPillar.objects.filter(pillar=int(value)).values("page_id"))

    def filter_government(self, queryset, name, value):
        hosted = Q(host_government=value)
        invited = Q(pk__in=MeetingGovernment.objects.filter(government=value).values("page_id"))
        return queryset.filter(hosted | invited)

    def filter_text(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(summary__icontains=word))
        return queryset


class OutcomeFilter(django_filters.FilterSet):
    """The outcomes listing's filters: the meeting's kind, year, pillar and government, and what to show."""

    SHOW_CHOICES = (("decisions", _("Decisions")), ("action_items", _("Action items")))

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MeetingPage.Kind.choices, empty_label=_("Any kind"))
    year = django_filters.ChoiceFilter(label=_("Year"), choices=[], method="filter_year", empty_label=_("Any year"))
    pillar = django_filters.ChoiceFilter(
        label=_("Pillar"), choices=Pillar.choices, method="filter_pillar", empty_label=_("Any pillar")
    )
    government = django_filters.ChoiceFilter(
        label=_("Government"), choices=[], method="filter_government", empty_label=_("Any government")
    )
    show = django_filters.ChoiceFilter(
        label=_("Show"), choices=SHOW_CHOICES, method="filter_show", empty_label=_("Decisions and action items")
    )

    class Meta:
        model = MeetingPage
        fields = []

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["government"].extra["choices"] = [(code, government_name(code)) for code in GOVERNMENT_CODES]
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in years]

    filter_pillar = MeetingFilter.filter_pillar

    def filter_year(self, queryset, name, value):
        return queryset.filter(starts_at__year=int(value))

    def filter_government(self, queryset, name, value):
        """Hosted, invited, or owning one of the meeting's action items."""
        hosted = Q(host_government=value)
        invited = Q(pk__in=MeetingGovernment.objects.filter(government=value).values("page_id"))
        owner = Q(pk__in=ActionItem.objects.filter(owner_government=value).values("page_id"))
        return queryset.filter(hosted | invited | owner)

    def filter_show(self, queryset, name, value):
        model = Decision if value == "decisions" else ActionItem
        return queryset.filter(pk__in=model.objects.values("page_id"))
