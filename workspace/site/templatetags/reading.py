"""Links and notes for pages read in another language than the reader's (the Spanish source)."""

from django import template
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from workspace.core import zones

register = template.Library()


def _reader_language():
    return (get_language() or "es")[:2]


@register.filter
def in_other_language(page):
    """True when `page` (with its locale loaded) is not in the reader's language: a fallback."""
    locale = getattr(page, "locale", None) if isinstance(page, Page) else None
    return locale is not None and locale.language_code != _reader_language()


@register.simple_tag(takes_context=True)
def reading_url(context, page):
    """The page's own URL in its language, or, for a fallback, the source page under the reader's language."""
    if in_other_language(page):
        return reverse("source_page", args=[page.pk])
    return page.get_url(request=context.get("request"))


# Whole sentences, so that each language words (and capitalises) the language's name its own way.
AVAILABLE_IN = {
    "es": _("Available in Spanish"),
    "en": _("Available in English"),
    "fr": _("Available in French"),
}


@register.simple_tag
def available_in(code):
    """ "Available in Spanish", in the reader's language."""
    return AVAILABLE_IN.get(code, "")


@register.filter
def time_zone_name(zone):
    """ "America/Guatemala" → "Guatemala time" ("hora de Guatemala"); other zones as they are."""
    return zones.time_zone_name(zone)
