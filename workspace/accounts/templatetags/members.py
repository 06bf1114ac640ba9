from django import template
from django.utils.translation import gettext as _

from ..models import FocalPointDesignation

register = template.Library()


@register.simple_tag
def focal_point_designations(government_code):
    """{"primary": member, "alternate": member} for a government, in one query (active members only)."""
    designations = FocalPointDesignation.objects.filter(
        government_code=government_code, member__is_active=True
    ).select_related("member")
    return {designation.designation: designation.member for designation in designations}


# (marker in the user agent, name shown), first match wins: Edge and Opera also say "Chrome".
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


@register.filter
def device_in_words(user_agent):
    """ "Mozilla/5.0 (Windows NT 10.0; …) Firefox/133.0" → "Firefox on Windows, computer"."""
    text = str(user_agent or "")
    browser = next((name for marker, name in BROWSERS if marker in text), None)
    system = next((name for marker, name in SYSTEMS if marker in text), None)
    if not browser and not system:
        return _("Unknown browser")
    if "iPad" in text or "Tablet" in text:
        device = _("tablet")
    elif "Mobile" in text or "iPhone" in text:
        device = _("phone")
    else:
        device = _("computer")
    return _("%(browser)s on %(system)s, %(device)s") % {
        "browser": browser or _("Unknown browser"),
        "system": system or _("unknown system"),
        "device": device,
    }
