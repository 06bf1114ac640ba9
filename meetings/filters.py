"""The meetings index's filters (django-filter): when, kind, pillar, government, status and text."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workspace.core.choices import Pillar
from workspace.core.reference import GOVERNMENT_CODES

from .models import MeetingGovernment, MeetingPage, MeetingPillar
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
