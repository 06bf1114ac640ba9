"""Translating pages in the admin (wagtail-localize) and reading a page not translated yet.

`setup_translation` is part of setting up the workspace (idempotent): the members who edit a
government's pages may also translate them, and the default site answers at the address the
emails link to.
"""

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
# Coordinator review"). The names setup creates are in the catalogue; reading the column through
# gettext shows them translated, while the stored value (saved, edited in the admin form, looked
# up by setup) stays the one written in code.
WORKSPACE_NAMES = {
    gettext_noop("Coordinator review"),
    gettext_noop("Coordinator approval"),
}


class TranslatedNameAttribute(DeferredAttribute):
    """A data descriptor (it has __set__), so that it is read even once the value is loaded."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if instance is None or value not in WORKSPACE_NAMES:
            return value
        return gettext(value)


def _stored_value(field):
    def pre_save(model_instance, add):
        return model_instance.__dict__.get(field.attname)

    def value_from_object(obj):
        return obj.__dict__.get(field.attname)

    return pre_save, value_from_object


def translate_stored_names():
    """Show workflow and task names translated (called once, from SiteConfig.ready)."""
    from wagtail.models import Task, Workflow

    for model in (Workflow, Task):
        field = model._meta.get_field("name")
        if isinstance(model.__dict__.get(field.attname), TranslatedNameAttribute):
            continue
        setattr(model, field.attname, TranslatedNameAttribute(field))
        field.pre_save, field.value_from_object = _stored_value(field)
