"""The time zones a meeting may be held in: the nine capitals' zones and UTC (named by core's `time_zone_name`).

Derived from the reference data (one zone per government), so no second list of capitals exists.
"""

import zoneinfo
from datetime import UTC as UTC_ZONE
from datetime import datetime

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from workspace.core.reference import GOVERNMENTS, GOVERNMENTS_BY_CODE
from workspace.core.zones import time_zone_name

UTC = "UTC"
REGION_ZONES = tuple(dict.fromkeys(government.time_zone for government in GOVERNMENTS))
MEETING_ZONES = REGION_ZONES + (UTC,)


def zone_choices():
    """The admin's choice of zone: by name, with the id (it helps coordinators match calendar programs)."""
    return [(name, time_zone_name(name, with_id=True)) for name in MEETING_ZONES]


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
