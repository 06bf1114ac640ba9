"""Model choices built from the reference data (so a pillar's name is written once, in three languages)."""

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import get_language

from .reference import PILLARS, PILLARS_BY_NUMBER, name_in


def _pillar_name(number):
    return name_in(PILLARS_BY_NUMBER[number].names, get_language())


pillar_name = lazy(_pillar_name, str)


class Pillar(models.IntegerChoices):
    """The programme's four pillars, by number (the same in every language); labels in the active language."""

    CAPACITY_BUILDING = 1, pillar_name(1)
    PARTNERSHIPS = 2, pillar_name(2)
    CRISIS_MANAGEMENT = 3, pillar_name(3)
    PREVENTION = 4, pillar_name(4)


assert [choice.value for choice in Pillar] == [pillar.number for pillar in PILLARS]
