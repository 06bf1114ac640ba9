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
