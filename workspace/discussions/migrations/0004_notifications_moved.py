"""Notifications and email preferences live in the notifications room now (its 0002 copied them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0003_thread_per_page_across_languages"),
        ("notifications", "0002_from_discussions"),
    ]

    operations = [
        migrations.DeleteModel(name="Notification"),
        migrations.DeleteModel(name="NotificationPreferences"),
    ]
