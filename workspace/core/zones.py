"""The region's time zones by the names people use for them, in the reader's language."""

from django.utils.translation import gettext_lazy as _

# The region's zones by the name people use for them, in the reader's language.
TIME_ZONE_NAMES = {
    "America/Belize": _("Belize time"),
    "America/Costa_Rica": _("Costa Rica time"),
    "America/Santo_Domingo": _("Dominican Republic time"),
    "America/El_Salvador": _("El Salvador time"),
    "America/Guatemala": _("Guatemala time"),
    "America/Port-au-Prince": _("Haiti time"),
    "America/Tegucigalpa": _("Honduras time"),
    "America/Mexico_City": _("Mexico City time"),
    "America/Panama": _("Panama time"),
    "UTC": _("Coordinated Universal Time (UTC)"),
}


def time_zone_name(zone):
    """ "America/Guatemala" → "Guatemala time" ("hora de Guatemala"); other zones as they are."""
    return TIME_ZONE_NAMES.get(str(zone), zone)
