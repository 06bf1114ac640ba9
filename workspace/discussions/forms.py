from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Flag
from .services import MAX_COMMENT_SOURCE_LENGTH, MAX_IDEMPOTENCY_KEY_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea, max_length=MAX_COMMENT_SOURCE_LENGTH)
    anchor = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(required=False, max_length=MAX_IDEMPOTENCY_KEY_LENGTH, widget=forms.HiddenInput)


class EditCommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea, max_length=MAX_COMMENT_SOURCE_LENGTH)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Flag.Reason.choices)


class ModerationForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
