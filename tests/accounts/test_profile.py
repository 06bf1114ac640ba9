"""Issue 12: the account page (profile, links) and sessions described in words."""

import pytest
from django.utils import translation

from tests.factories import make_member
from workspace.accounts.templatetags.members import device_in_words

pytestmark = pytest.mark.django_db

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


def test_account_link_opens_the_profile(client, django_assert_max_num_queries):
    member = make_member("focal_point", government_code="GT", language="es")
    client.force_login(member)
    with django_assert_max_num_queries(25):
        response = client.get("/accounts/profile/")
    assert response.status_code == 200
    body = response.content.decode()
    for url in ("/accounts/email/", "/accounts/2fa/", "/accounts/sessions/", "/notifications/"):
        assert f'href="{url}' in body, url
    home = client.get("/es/").content.decode()
    assert 'href="/accounts/profile/"' in home


def test_profile_saves_name_institution_language_and_zone(client):
    member = make_member("participant", language="es")
    client.force_login(member)
    response = client.post(
        "/accounts/profile/",
        {
            "first_name": "Nadège",
            "last_name": "Pierre",
            "institution": "Ministère des Affaires étrangères",
            "position": "Conseillère",
            "language": "fr",
            "time_zone": "America/Port-au-Prince",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    member.refresh_from_db()
    assert (member.first_name, member.institution, member.position) == (
        "Nadège",
        "Ministère des Affaires étrangères",
        "Conseillère",
    )
    member.__dict__.pop("profile", None)
    assert member.preferred_language == "fr" and member.time_zone == "America/Port-au-Prince"
    assert response.cookies["django_language"].value == "fr"


def test_profile_rejects_an_unknown_zone_and_changes_nothing(client):
    member = make_member("participant", language="es")
    client.force_login(member)
    response = client.post(
        "/accounts/profile/", {"first_name": "X", "language": "es", "time_zone": "Europe/Paris", "role": "coordinator"}
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.first_name != "X" and member.role == "participant"


def test_profile_is_for_members_only(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_sessions_show_the_browser_and_device_in_words():
    with translation.override("en"):
        assert device_in_words(FIREFOX_WINDOWS) == "Firefox on Windows, computer"
        assert device_in_words(SAFARI_IPHONE) == "Safari on iOS, phone"
        assert device_in_words(EDGE) == "Edge on Windows, computer"
        assert device_in_words("") == "Unknown browser"
    with translation.override("es"):
        assert device_in_words(FIREFOX_WINDOWS) == "Firefox en Windows, computadora"
