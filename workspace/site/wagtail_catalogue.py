"""Wagtail's own admin strings that its Spanish catalogue lacks (Wagtail 8), kept in ours.

Wagtail's French catalogue is complete; its Spanish one misses about 200 strings of the newer
screens, and a Spanish focal point would read "106 Pages", "Privacy and access" or "Exploring:
Guatemala" on the dashboard and in the explorer. Django looks in the project's catalogue
(LOCALE_PATHS) before the apps' ones: the strings below, marked here so that makemessages keeps
them, are translated in locale/es (and in locale/fr as Wagtail's French has them). The msgids
must match Wagtail's exactly; nothing imports this module.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

SUMMARY_PLURALS = (
    ngettext_lazy(
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
    ngettext_lazy(
        '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Images <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
    ngettext_lazy(
        '%(total)s Document <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Documents <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
)

STRINGS = (
    gettext_noop("Privacy and access"),
    gettext_noop("Access level"),
    gettext_noop("Last login"),
    gettext_noop("Exploring"),
    gettext_noop("%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s"),
    gettext_noop("%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s across entire site."),
    gettext_noop(
        "%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s in "
        "'<span class=\"w-title-ellipsis\">%(title)s</span>'."
    ),
    gettext_noop("Search all pages…"),
    gettext_noop("Search…"),
    gettext_noop("You do not have permission to access the admin."),
    gettext_noop("Your pages and snippets in a workflow"),
    gettext_noop("No pages/snippets have been submitted for moderation yet"),
    gettext_noop("Show filters"),
    gettext_noop("Filter by"),
    gettext_noop("There are no results."),
    gettext_noop("No results across entire site."),
    gettext_noop("Search the whole site"),
    gettext_noop("Saved"),
    gettext_noop("Save changes"),
    gettext_noop("Keyboard shortcuts"),
    gettext_noop("Content metrics"),
    gettext_noop("Words"),
    gettext_noop("Reading time"),
    gettext_noop("Checks"),
    gettext_noop("Date updated"),
    gettext_noop("Edited by"),
    gettext_noop("Page type"),
    gettext_noop("Has child pages"),
    gettext_noop("Locked by"),
    gettext_noop("Sort by '%(label)s' in ascending order."),
    gettext_noop("Sort by '%(label)s' in descending order."),
    gettext_noop("More options for '%(title)s'"),
    gettext_noop("Compare"),
    gettext_noop("Item %(index)s of %(total)s"),
    gettext_noop("Choose parent"),
    gettext_noop("Publishing this %(model_name)s will cancel the current workflow."),
    gettext_noop("Schedule to publish"),
    gettext_noop("First published"),
    gettext_noop("Refresh"),
    gettext_noop("A network error occurred"),
    gettext_noop("There are validation errors, click save to highlight them."),
    gettext_noop("Go to the first error"),
    gettext_noop("Currently viewing"),
    gettext_noop("%(model_name)s '%(object)s' has been submitted for moderation."),
    gettext_noop("The page could not be saved due to validation errors."),
    gettext_noop("The page could not be created due to validation errors."),
    gettext_noop("There are no %(model_name)s to display."),
    gettext_noop("No %(model_name)s match your query."),
)
