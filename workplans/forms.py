from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ActivityProgress
from .services import MAX_NOTE_LENGTH

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
INDICATOR_PREFIX = "indicator-"


class ProgressForm(forms.Form):
    """A progress update on one activity; one optional number field per indicator of the activity."""

    activity = forms.UUIDField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=ActivityProgress.Status.choices)
    percent_complete = forms.IntegerField(
        label=_("Percent complete"),
        min_value=0,
        max_value=100,
        help_text=_("A whole number from 0 to 100."),
    )
    note = forms.CharField(
        label=_("Short note"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, what is blocking, what comes next."),
    )
    evidence = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("A list of participants, a report, minutes… It is kept with your government's documents."),
    )

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        if activity is None:
            return
        self.fields["activity"].initial = activity.uuid
        if activity.progress is not None:
            self.fields["status"].initial = activity.progress.status
            self.fields["percent_complete"].initial = activity.progress.percent_complete
        for indicator, current in activity.indicator_rows():
            label = indicator.name + (f" ({indicator.unit})" if indicator.unit else "")
            self.fields[INDICATOR_PREFIX + indicator.uuid] = forms.DecimalField(
                label=label,
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=current,
                help_text=_("Current value; target: %(target)s") % {"target": indicator.target},
            )

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence is not None and evidence.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 20 MB)."))
        return evidence

    def indicator_fields(self):
        return [self[name] for name in self.fields if name.startswith(INDICATOR_PREFIX)]

    def indicator_values(self):
        return {
            name.removeprefix(INDICATOR_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(INDICATOR_PREFIX) and value is not None
        }
