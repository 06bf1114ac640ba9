"""The time zones a meeting may be held in: the nine capitals' zones and UTC, named for the reader.

Derived from the reference data (one zone per government), so no second list of capitals exists.
"""

import zoneinfo
from datetime import UTC as UTC_ZONE
from datetime import datetime

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from workspace.core.reference import GOVERNMENTS, GOVERNMENTS_BY_CODE

UTC = "UTC"
REGION_ZONES = tuple(dict.fromkeys(government.time_zone for government in GOVERNMENTS))
MEETING_ZONES = REGION_ZONES + (UTC,)


def zone_label(zone_name, language=None):
    """“Hora de Ciudad de Guatemala (America/Guatemala)” in the reader's language."""
    language = (language or get_language() or "es")[:2]
    if zone_name == UTC:
        return "UTC"
    for government in GOVERNMENTS:
        if government.time_zone == zone_name:
            capital = government.capital.get(language) or government.capital["es"]
            return f"{capital} ({zone_name})"
    return zone_name


def zone_choices():
    return [(name, zone_label(name)) for name in MEETING_ZONES]


def get_zone(zone_name):
    """The ZoneInfo of a meeting zone; ValueError for anything outside the region's list."""
    if zone_name not in MEETING_ZONES:
        raise ValueError(_("Unknown time zone: choose one of the region's zones or UTC."))
    return zoneinfo.ZoneInfo(zone_name)


def government_name(code, language=None):
    """A government's name in the reader's language (the code itself if unknown)."""
    government = GOVERNMENTS_BY_CODE.get(code)
    if government is None:
        return code
    return government.names.get((language or get_language() or "es")[:2]) or government.names["es"]


def local_to_utc(value, zone_name):
    """A wall-clock time typed in a meeting zone, as an aware UTC datetime (ValueError: unknown zone)."""
    zone = get_zone(zone_name)
    naive = value.replace(tzinfo=None)
    return datetime.combine(naive.date(), naive.time(), tzinfo=zone).astimezone(UTC_ZONE)
