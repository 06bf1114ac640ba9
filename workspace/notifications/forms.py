from django import forms

from .models import NotificationPreferences


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = NotificationPreferences
        fields = ["email_mentions", "daily_digest"]
