"""Forms of meetings: the admin page form (local times in the meeting's zone) and the RSVP form."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.widgets import AdminDateTimeInput

from workspace.core.choices import Pillar
from workspace.core.reference import GOVERNMENT_CODES

from .zones import get_zone, government_name, local_to_utc


class MeetingPageForm(WagtailAdminPageForm):
    """Start and end are typed in the meeting's own zone; the page stores them in UTC."""

    local_start = forms.DateTimeField(label=_("Starts (local time)"), widget=AdminDateTimeInput)
    local_end = forms.DateTimeField(label=_("Ends (local time)"), widget=AdminDateTimeInput)
    invited_governments = forms.MultipleChoiceField(
        label=_("Invited governments"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their focal points are invited."),
    )
    pillars = forms.TypedMultipleChoiceField(
        label=_("Pillars"), choices=Pillar.choices, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_governments"].choices = [(code, government_name(code)) for code in GOVERNMENT_CODES]
        if "host_government" in self.fields:
            self.fields["host_government"].choices = [("", "---------")] + [
                (code, government_name(code)) for code in GOVERNMENT_CODES
            ]
        if "invited_members" in self.fields:
            self.fields["invited_members"].widget = forms.CheckboxSelectMultiple()
            self.fields["invited_members"].queryset = get_user_model().objects.filter(is_active=True)
            self.fields["invited_members"].label_from_instance = lambda member: f"{member} · {member.email}"
        if not self.is_bound:
            instance = self.instance
            self.initial["invited_governments"] = [link.government for link in instance.invited_government_links.all()]
            self.initial["pillars"] = [link.pillar for link in instance.pillar_links.all()]
            if instance.starts_at and instance.ends_at and instance.time_zone:
                try:
                    zone = get_zone(instance.time_zone)
                except ValueError:
                    zone = None
                if zone is not None:
                    self.initial["local_start"] = timezone.localtime(instance.starts_at, zone).replace(tzinfo=None)
                    self.initial["local_end"] = timezone.localtime(instance.ends_at, zone).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        try:
            get_zone(cleaned.get("time_zone"))
        except ValueError as error:
            if "time_zone" not in self.errors:
                self.add_error("time_zone", str(error))
            return cleaned
        start, end = cleaned.get("local_start"), cleaned.get("local_end")
        if start is None or end is None:
            return cleaned
        start = local_to_utc(start, cleaned["time_zone"])
        end = local_to_utc(end, cleaned["time_zone"])
        if end <= start:
            self.add_error("local_end", _("The meeting must end after it starts."))
            return cleaned
        self.instance.starts_at = start
        self.instance.ends_at = end
        return cleaned

    def save(self, commit=True):
        from .models import MeetingGovernment, MeetingPillar

        existing = {link.government: link for link in self.instance.invited_government_links.all()}
        chosen = self.cleaned_data.get("invited_governments") or []
        self.instance.invited_government_links = [
            existing.get(code) or MeetingGovernment(government=code) for code in chosen
        ]
        pillars = {link.pillar: link for link in self.instance.pillar_links.all()}
        self.instance.pillar_links = [
            pillars.get(number) or MeetingPillar(pillar=number) for number in self.cleaned_data.get("pillars") or []
        ]
        return super().save(commit=commit)


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(label=_("Your answer"), choices=[])

    def __init__(self, *args, **kwargs):
        from .models import Participation

        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = Participation.Answer.choices


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(required=False, choices=[])

    def __init__(self, *args, invitees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(member.pk), str(member)) for member in invitees]


class AgendaProposalForm(forms.Form):
    """A focal point's proposed agenda item (the government must be their own: the service checks)."""

    government = forms.ChoiceField(label=_("For the government of"), choices=[])
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    pillar = forms.TypedChoiceField(
        label=_("Pillar"), choices=[("", "---------"), *Pillar.choices], coerce=int, empty_value=None, required=False
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=600, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["government"].choices = [(code, government_name(code)) for code in GOVERNMENT_CODES]


class DecisionForm(forms.Form):
    """A coordinator's answer to a proposal or a correction: accept, or decline/reject with a reason or note."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CorrectionForm(forms.Form):
    quote = forms.CharField(
        label=_("Passage to correct (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    text = forms.CharField(label=_("Your correction"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
