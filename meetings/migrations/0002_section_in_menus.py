"""Sections are in the main navigation through Wagtail's `show_in_menus` (the navigation reads the tree)."""

from django.db import migrations


def show_in_menus(apps, schema_editor):
    apps.get_model("meetings", "MeetingIndexPage").objects.update(show_in_menus=True)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(show_in_menus, migrations.RunPython.noop)]
