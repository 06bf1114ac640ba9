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


def time_zone_name(zone, *, with_id=False):
    """ "America/Guatemala" → "Guatemala time" ("hora de Guatemala"), in the reader's language.

    `with_id` adds the IANA id where it helps (a meeting's own zone, which calendar programs name
    by its id: "hora de Guatemala (America/Guatemala)"); UTC's name already says it. Zones outside
    the region are shown as they are.
    """
    zone = str(zone)
    name = TIME_ZONE_NAMES.get(zone)
    if name is None:
        return zone
    return f"{name} ({zone})" if with_id and zone != "UTC" else str(name)
