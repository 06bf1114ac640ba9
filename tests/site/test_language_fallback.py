"""Issue 12: a practice not translated yet is readable in every language, with a note."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import Locale, Site

from tests.factories import government_page, make_member
from tests.site.test_practice_support import make_practice, translate
from workspace.site.models import BestPracticePage
from workspace.site.translation import align_site_with_base_url, setup_translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    client.force_login(make_member("participant", language="fr"))
    return client


@pytest.fixture
def practices():
    untranslated = make_practice("HT", title="Centro de acogida en Ouanaminthe", summary="Migración y retorno.")
    source = make_practice("HT", title="Protocolo de retorno digno", summary="Recepción en el aeropuerto.")
    translated = translate(source, "fr", title="Protocole de retour digne")
    return untranslated, source, translated


def test_fallback_queryset_keeps_translations_and_untranslated_sources_in_one_query(
    practices, django_assert_num_queries
):
    untranslated, source, translated = practices
    french = Locale.objects.get(language_code="fr")
    with django_assert_num_queries(2):  # the practices, their pillars
        listed = list(BestPracticePage.objects.in_library_with_fallback(french).of_government("HT"))
    by_pk = {practice.pk: practice for practice in listed}
    assert untranslated.pk in by_pk and translated.pk in by_pk and source.pk not in by_pk
    # The government is named in the reader's language, also for the Spanish source.
    assert by_pk[untranslated.pk].government_title == government_page("HT", "fr").title


def test_fallback_listing_queries_stay_constant_as_data_grows(reader, django_assert_max_num_queries):
    for number in range(3):
        make_practice("HT", title=f"Práctica {number}")
    url = government_page("HT", "fr").url
    with django_assert_max_num_queries(40) as captured:
        reader.get(url)
    few = len(captured.captured_queries)
    for number in range(30):
        make_practice("HT", title=f"Otra práctica {number}")
    with django_assert_max_num_queries(few):
        response = reader.get(url)
    assert response.status_code == 200


def test_government_page_in_french_lists_spanish_practices_with_a_note(reader, practices):
    untranslated, _source, translated = practices
    body = reader.get(government_page("HT", "fr").url).content.decode()
    assert "This government has not shared" not in body
    assert untranslated.title in body and translated.title in body
    assert "Protocolo de retorno digno" not in body
    assert "Disponible en espagnol" in body
    assert f'href="/fr/source/{untranslated.pk}/"' in body


def test_home_and_library_of_the_english_site_show_spanish_sources(client, practices):
    client.force_login(make_member("participant", language="en"))
    untranslated, source, _translated = practices
    for url in ("/en/", "/en/practices/", "/en/practices/?q=ouanaminthe"):
        body = client.get(url).content.decode()
        assert untranslated.title in body, url
        assert "Available in Spanish" in body, url


def test_source_page_shows_the_spanish_page_with_the_french_interface(reader, practices):
    untranslated, _source, translated = practices
    response = reader.get(f"/fr/source/{untranslated.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert untranslated.title in body and "Disponible en espagnol" in body
    assert '<html lang="fr">' in body
    # Where a translation exists, the reader goes to it.
    response = reader.get(f"/fr/source/{_source_of(translated).pk}/")
    assert response.status_code == 302 and response["Location"] == translated.url


def test_the_way_around_a_source_page_is_in_the_readers_language(reader, practices):
    """Breadcrumbs and facts of a Spanish page read in French lead to the French library and government."""
    untranslated, _source, _translated = practices
    body = reader.get(f"/fr/source/{untranslated.pk}/").content.decode()
    breadcrumbs = body.split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/fr/practices/"' in breadcrumbs and "Bonnes pratiques" in breadcrumbs
    assert 'href="/fr/governments/haiti/"' in breadcrumbs
    assert "/es/" not in breadcrumbs


def _source_of(translation):
    return BestPracticePage.objects.get(translation_key=translation.translation_key, locale__language_code="es")


def test_source_page_is_members_only_and_never_shows_drafts(client, practices):
    untranslated, *_ = practices
    response = client.get(f"/fr/source/{untranslated.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    draft = make_practice("HT", title="Borrador", live=False)
    client.force_login(make_member("participant"))
    assert client.get(f"/fr/source/{draft.pk}/").status_code == 404


@pytest.mark.parametrize("language", ["fr", "en"])
def test_language_switcher_never_leads_to_a_404(reader, practices, language):
    untranslated, source, translated = practices
    response = reader.post("/i18n/setlang/", {"language": language, "next": untranslated.url})
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/source/{untranslated.pk}/"
    assert reader.get(response["Location"]).status_code == 200
    response = reader.post("/i18n/setlang/", {"language": "fr", "next": source.url})
    assert response["Location"] == translated.url
    response = reader.post("/i18n/setlang/", {"language": "es", "next": f"/fr/source/{untranslated.pk}/"})
    assert response["Location"] == untranslated.url


def test_language_switcher_keeps_non_page_urls(reader):
    response = reader.post("/i18n/setlang/", {"language": "en", "next": "/accounts/email/"})
    assert response["Location"] == "/accounts/email/"


def test_setup_translation_lets_focal_points_and_coordinators_translate(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    setup_translation()
    setup_translation()  # idempotent
    permission = Permission.objects.get(codename="submit_translation")
    assert permission in Group.objects.get(name="Focal points · GT").permissions.all()
    assert permission in Group.objects.get(name="Coordinators").permissions.all()
    assert permission not in Group.objects.get(name="Participants").permissions.all()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8000)
    assert government_page("GT").full_url.startswith("http://127.0.0.1:8000/es/")


def test_site_address_follows_an_https_base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://workspace.example.org"
    align_site_with_base_url()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("workspace.example.org", 443)
