"""Sections are in the main navigation through Wagtail's `show_in_menus` (the navigation reads the tree)."""

from django.db import migrations


def show_in_menus(apps, schema_editor):
    apps.get_model("site", "GovernmentIndexPage").objects.update(show_in_menus=True)
    apps.get_model("site", "BestPracticeIndexPage").objects.update(show_in_menus=True)


class Migration(migrations.Migration):
    dependencies = [("site", "0002_best_practices")]

    operations = [migrations.RunPython(show_in_menus, migrations.RunPython.noop)]
