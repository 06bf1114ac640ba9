from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from workspace.core.reference import GOVERNMENTS


def government_choices():
    language = (get_language() or "es")[:2]
    return [(government.code, government.names.get(language, government.names["es"])) for government in GOVERNMENTS]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=get_user_model().Role.choices)
    government_code = forms.ChoiceField(
        label=_("Government (focal points only)"),
        required=False,
        choices=lambda: [("", "—")] + government_choices(),
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)


# The region's zones first (the names the site shows), then UTC.
PROFILE_TIME_ZONES = (
    "America/Belize",
    "America/Costa_Rica",
    "America/Santo_Domingo",
    "America/El_Salvador",
    "America/Guatemala",
    "America/Port-au-Prince",
    "America/Tegucigalpa",
    "America/Mexico_City",
    "America/Panama",
    "UTC",
)


def time_zone_choices():
    from workspace.core.zones import time_zone_name

    return [("", _("My government's time zone"))] + [(zone, time_zone_name(zone)) for zone in PROFILE_TIME_ZONES]


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    institution = forms.CharField(label=_("Institution"), max_length=200, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, required=False)

    @classmethod
    def initial_for(cls, member):
        profile = member.profile
        return {
            "first_name": member.first_name,
            "last_name": member.last_name,
            "institution": member.institution,
            "position": member.position,
            "language": member.preferred_language or get_language()[:2],
            "time_zone": (profile.current_time_zone if profile else "") or "",
        }
