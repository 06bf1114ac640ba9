"""Issue 12: the government page lists each focal point once and names its time zone in words."""

import pytest
from django.utils import translation

from tests.factories import government_page, make_member
from workspace.accounts.services import designate_focal_point
from workspace.site.templatetags.reading import time_zone_name

pytestmark = pytest.mark.django_db


def test_government_page_lists_each_focal_point_once(client, coordinator, django_assert_max_num_queries):
    primary = make_member("focal_point", government_code="GT", first_name="Ana Lucía", last_name="Morales")
    other = make_member("focal_point", government_code="GT", first_name="Jorge", last_name="Castillo")
    designate_focal_point(member=primary, designation="primary", by=coordinator)
    client.force_login(make_member("participant"))
    with django_assert_max_num_queries(40):
        body = client.get(government_page("GT").url).content.decode()
    assert body.count(primary.email) == 2  # name · mailto link, once
    assert body.count(other.email) == 2
    assert "hora de Guatemala" in body and "America/Guatemala" not in body


def test_time_zone_names_in_the_readers_language():
    with translation.override("fr"):
        assert time_zone_name("America/Port-au-Prince") == "heure d'Haïti"
    with translation.override("en"):
        assert time_zone_name("America/Mexico_City") == "Mexico City time"
    assert time_zone_name("Europe/Madrid") == "Europe/Madrid"


def test_the_bell_is_an_svg_icon_not_an_emoji(client):
    client.force_login(make_member("participant"))
    body = client.get(government_page("GT").url).content.decode()
    assert "🔔" not in body and "icon--bell" in body
