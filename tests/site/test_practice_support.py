"""Helpers shared by the practice tests (this module has no tests of its own)."""

import itertools

from django.utils import timezone
from wagtail.models import Locale

from tests.factories import government_page
from workspace.site.demo import build_practice, draft_practice
from workspace.site.models import BestPracticePage

_numbers = itertools.count(1)


def make_practice(code="GT", *, language="es", author=None, live=True, **fields):
    """A practice under the government's page: live (without revisions, which listings never read)
    or, with `live=False`, a draft with one revision."""
    number = next(_numbers)
    defaults = {
        "title": f"Práctica de prueba {number}",
        "summary": "Una práctica de prueba.",
        "pillars": [1],
        "instrument_type": BestPracticePage.InstrumentType.PROTOCOL,
        "start_year": 2018,
        "slug": f"practica-de-prueba-{number}",
    }
    defaults.update(fields)
    government = government_page(code, language)
    if not live:
        return draft_practice(government=government, author=author, **defaults)
    page = build_practice(government=government, author=author, **defaults)
    page.first_published_at = page.last_published_at = timezone.now()
    government.add_child(instance=page)
    return page


def translate(page, language, *, title, summary="Translated summary.", live=True):
    translation = page.copy_for_translation(Locale.objects.get(language_code=language))
    translation.title = title
    translation.summary = summary
    revision = translation.save_revision()
    if live:
        revision.publish()
        translation.refresh_from_db()
    return translation


def library_url(language="es", **params):
    from urllib.parse import urlencode

    query = urlencode(params, doseq=True)
    return f"/{language}/practices/" + (f"?{query}" if query else "")
