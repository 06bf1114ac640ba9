"""Translating pages in the admin (wagtail-localize) and reading a page not translated yet.

`setup_translation` is part of setting up the workspace (idempotent): the members who edit a
government's pages may also translate them, and the default site answers at the address the
emails link to.
"""

import copy
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext, gettext_noop
from wagtail.models import Site

from workspace.accounts.models import COORDINATORS_GROUP, focal_points_group_name
from workspace.core.reference import GOVERNMENT_CODES

TRANSLATE_PERMISSION = ("wagtail_localize", "submit_translation")


@transaction.atomic
def setup_translation():
    """Coordinators and focal points may start translations; the site's address follows the base URL."""
    # wagtail-localize creates it in a data migration on a model-less content type: a flushed
    # database (a transactional test) no longer has it, so make sure it exists, as it does.
    content_type, _ = ContentType.objects.get_or_create(app_label=TRANSLATE_PERMISSION[0], model="translation")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=TRANSLATE_PERMISSION[1], defaults={"name": "Can submit translations"}
    )
    names = [COORDINATORS_GROUP] + [focal_points_group_name(code) for code in GOVERNMENT_CODES]
    for group in Group.objects.filter(name__in=names):
        group.permissions.add(permission)
    align_site_with_base_url()


def align_site_with_base_url():
    """Give the default Wagtail site the host and port of WAGTAILADMIN_BASE_URL.

    Wagtail builds a page's full URL (emails, workflow notices) from its Site; with the
    "localhost:80" of a first setup, links would miss the port that `make run` serves.
    """
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    if not address.hostname:
        return
    port = address.port or (443 if address.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port) != (address.hostname, port):
        site.hostname, site.port = address.hostname, port
        site.save(update_fields=["hostname", "port"])


# --- Names the workspace stores in the database, shown in the member's language -------------
# Wagtail keeps a workflow's and a task's name in a column and shows it as it is ("Enviar a
# Coordinator review"). The names setup creates are in the catalogue. Reading `name` gives a
# `DisplayedName`: a str equal to the stored value, so that comparisons, look-ups, saves, copies,
# refresh_from_db(), Wagtail's specific_deferred and the audit log's JSON all carry the stored
# value, and that only str() translates: templates, "%s" and format() call it to show the name.
# (Reading it translated, as an earlier version did, let refresh_from_db() copy the member's
# language into the instance; the next save stored "Revisión de la coordinación" and setup, which
# looks the workflow up by name, made a second one.)
WORKSPACE_NAMES = {
    gettext_noop("Coordinator review"),
    gettext_noop("Coordinator approval"),
}

WORKFLOW_LOG_ACTIONS = (
    "wagtail.workflow.start",
    "wagtail.workflow.approve",
    "wagtail.workflow.reject",
    "wagtail.workflow.resume",
    "wagtail.workflow.cancel",
)


class DisplayedName(str):
    """A stored name, equal to it, that shows itself in the active language."""

    __slots__ = ()

    @property
    def stored(self):
        return str.__str__(self)

    def __str__(self):
        return gettext(self.stored)

    def __format__(self, format_spec):
        return format(str(self), format_spec)


def displayed(value):
    """`value` as shown to members if it is one of the workspace's names, else unchanged."""
    return DisplayedName(value) if isinstance(value, str) and value in WORKSPACE_NAMES else value


def stored(value):
    return value.stored if isinstance(value, DisplayedName) else value


class DisplayedNameAttribute(DeferredAttribute):
    """A data descriptor (it has __set__), so that it is read even once the value is loaded."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = stored(value)

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        return value if instance is None else displayed(value)


def _value_from_object(field):
    # Form widgets and serializers (dumpdata, the test snapshots) call str() on it: hand them the
    # stored value, or an edit form submitted unchanged would save the member's language.
    def value_from_object(obj):
        return stored(getattr(obj, field.attname))

    return value_from_object


def _shown_name(self):
    # Wagtail's `return self.name` would hand "%s" the DisplayedName's stored text.
    return str(self.name)


def translate_stored_names():
    """Show workflow and task names translated (called once, from SiteConfig.ready)."""
    from wagtail.models import Task, Workflow

    for model in (Workflow, Task):
        field = model._meta.get_field("name")
        if isinstance(model.__dict__.get(field.attname), DisplayedNameAttribute):
            continue
        setattr(model, field.attname, DisplayedNameAttribute(field))
        field.value_from_object = _value_from_object(field)
        model.__str__ = _shown_name


def translate_logged_names(log_actions):
    """Wagtail's workflow history lines name the workflow and task as logged, i.e. as stored:
    show them like the rest (registered by the `register_log_actions` hook)."""
    for action in WORKFLOW_LOG_ACTIONS:
        formatter = log_actions.formatters[action]
        formatter.format_message = _with_displayed_names(formatter.format_message)


def _with_displayed_names(format_message):
    def format_with_displayed_names(log_entry):
        entry = copy.copy(log_entry)
        entry.data = _displayed_in(log_entry.data)
        return format_message(entry)

    return format_with_displayed_names


def _displayed_in(data):
    if isinstance(data, dict):
        return {key: _displayed_in(value) for key, value in data.items()}
    return displayed(data)
