"""A select of the activities of approved plans, for the rooms above that point at an activity
(a meeting's action item: `FieldPanel("activity_uuid", widget=ActivitySelect)`)."""

from django import forms
from django.utils.translation import gettext_lazy as _


def activity_choices():
    """[("", "---"), (plan label, [(activity uuid, "Pillar n · title"), …]), …] of the live plans,
    newest year first (one query: the live pages hold the approved structure)."""
    from .models import WorkPlanPage, read_structure

    plans = (
        WorkPlanPage.objects.live()
        .with_government()
        .only("pk", "title", "year", "pillar_1", "pillar_2", "pillar_3", "pillar_4", "path")
        .order_by("-year", "government_title")
    )
    choices = [("", _("— No activity —"))]
    for plan in plans:
        options = [
            (activity.uuid, f"{pillar.number} · {activity.title}")
            for pillar in read_structure(plan)
            for activity in pillar.activities()
        ]
        if options:
            choices.append((f"{plan.government_title or plan.title} · {plan.year}", options))
    return choices


def is_approved_activity(activity_uuid):
    """Whether this identifier is an activity of a live (approved) plan."""
    return any(str(activity_uuid) == uuid for _label, options in activity_choices()[1:] for uuid, _title in options)


class ActivitySelect(forms.Select):
    """Read the choices when the form is shown (plans are approved all year), keeping a value that
    is no longer in an approved plan (an archived activity) visible as such."""

    def get_context(self, name, value, attrs):
        choices = activity_choices()
        known = {uuid for _label, options in choices[1:] for uuid, _title in options}
        if value and str(value) not in known:
            choices.append((str(value), _("An activity no longer in an approved plan")))
        self.choices = choices
        return super().get_context(name, value, attrs)
