import re

import pytest
from wagtail.users.models import UserProfile

from tests.factories import make_member

pytestmark = pytest.mark.django_db

PAGES = [
    "",
    "pillars/",
    "pillars/partnerships/",
    "governments/",
    "governments/guatemala/",
    "practices/",
    "workplans/",
    "meetings/",
]
# A UI string from this project's own catalogue, per language.
SKIP_LINK = {
    "es": "Saltar al contenido principal",
    "en": "Skip to main content",
    "fr": "Aller au contenu principal",
}
HOME_TITLES = {
    "es": "Espacio regional de diálogo y coordinación",
    "en": "Regional dialogue and coordination workspace",
    "fr": "Espace régional de dialogue et de coordination",
}


def html_lang(response):
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize("language", ["es", "en", "fr"])
@pytest.mark.parametrize("path", PAGES)
def test_every_section_renders_in_each_language(client_for, participant, language, path):
    response = client_for(participant).get(f"/{language}/{path}")
    assert response.status_code == 200
    assert html_lang(response) == language
    assert SKIP_LINK[language] in response.content.decode()


@pytest.mark.parametrize("language", ["es", "en", "fr"])
def test_home_page_title_is_the_translated_page(client_for, participant, language):
    response = client_for(participant).get(f"/{language}/")
    assert f"<h1>{HOME_TITLES[language]}</h1>" in response.content.decode()


def test_the_navigation_points_to_the_current_language(client_for, participant):
    content = client_for(participant).get("/fr/").content.decode()
    for path in ("/fr/practices/", "/fr/workplans/", "/fr/meetings/", "/fr/governments/"):
        assert f'href="{path}"' in content


@pytest.mark.parametrize("path", ["/es/", "/en/governments/", "/fr/pillars/partnerships/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert path in response["Location"].replace("%2F", "/")


def test_the_root_redirects_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_the_sign_in_page_is_public_and_closed_to_signup(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'name="login"' in response.content.decode()
    signup = client.get("/accounts/signup/")
    assert "signup" not in signup.get("Location", "")
    assert 'name="password1"' not in signup.content.decode()


def test_wagtail_admin_login_redirects_to_the_one_door(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"


def test_the_admin_sends_anonymous_visitors_to_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_focal_point_sees_their_government_on_the_home_page(client_for, focal_point_gt):
    content = client_for(focal_point_gt).get("/es/").content.decode()
    assert 'href="/es/governments/guatemala/"' in content


def test_the_government_page_lists_its_focal_points(client_for, participant):
    member = make_member("focal_point", government_code="HN", first_name="Karla", last_name="Mejía")
    other = make_member("focal_point", government_code="GT", first_name="Ana", last_name="Morales")
    content = client_for(participant).get("/es/governments/honduras/").content.decode()
    assert "Karla Mejía" in content and member.email in content
    assert other.email not in content


def test_switching_language_redirects_and_remembers_the_preference(client_for, focal_point_gt):
    client = client_for(focal_point_gt)
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/es/governments/"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/governments/"
    member = type(focal_point_gt).objects.get(pk=focal_point_gt.pk)
    assert member.preferred_language == "fr"


def test_signing_in_applies_the_members_language(client):
    member = make_member("focal_point", government_code="HT")  # Haiti: French by default
    response = client.post("/accounts/login/", {"login": member.email, "password": "correct-horse-battery-42"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "fr"
    assert client.get("/", follow=False)["Location"] == "/fr/"


def test_times_are_shown_in_the_members_zone(client_for):
    member = make_member("focal_point", government_code="MX")
    response = client_for(member).get("/es/")
    assert response.context["TIME_ZONE"] == "America/Mexico_City"


def test_a_chosen_time_zone_wins_over_the_governments(client_for):
    member = make_member("focal_point", government_code="MX")
    UserProfile.objects.filter(user=member).update(current_time_zone="America/Panama")
    response = client_for(member).get("/es/")
    assert response.context["TIME_ZONE"] == "America/Panama"


def test_an_unprefixed_page_url_still_redirects_to_its_language(client_for, participant):
    response = client_for(participant).get("/governments/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == "/en/governments/"


def test_a_404_answered_by_a_view_stays_a_404(client_for, coordinator):
    response = client_for(coordinator).post("/accounts/invitations/999999/revoke/")
    assert response.status_code == 404
