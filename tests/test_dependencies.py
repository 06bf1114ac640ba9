"""The installed framework versions are at or above the floors with known advisories fixed."""

from importlib.metadata import version

import pytest
from packaging.version import Version

FLOORS = {
    "django": "5.2.19",
    "wagtail": "8.0.1",
    "django-allauth": "65.22.1",
    "channels": "4.3.0",
    "channels-redis": "4.3.0",
}


@pytest.mark.parametrize(("package", "floor"), FLOORS.items())
def test_installed_version_is_at_or_above_the_floor(package, floor):
    assert Version(version(package)) >= Version(floor)


def test_django_is_the_5_2_lts_series():
    assert Version(version("django")).release[:2] == (5, 2)
