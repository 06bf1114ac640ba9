"""The library `/practices/`: filters, facet counts, search, sorting, pagination, invalid input, htmx."""

import re

import pytest
from django.db import transaction

from tests.factories import make_member
from tests.site.test_practice_support import library_url, make_practice, translate
from workspace.site.filters import PER_PAGE

pytestmark = pytest.mark.django_db

PROTOCOL = "Protocolo de recepción de personas retornadas"
CAMPAIGN = "Campaña contra el tráfico ilícito de migrantes"
ALLIANCE = "Alianza para la reinserción laboral"
APP = "Aplicación de asistencia consular"
REGISTRY = "Registro de migración laboral"
SHELTERS = "Coordinación de albergues"


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """Built once for this module, inside a transaction rolled back at its end (each test
    still runs in its own savepoint): the tests only read it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        practices = _build_catalogue()
    yield practices
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _build_catalogue():
    """Six published practices of three governments, plus drafts that must stay invisible."""
    author_gt = make_member("focal_point", government_code="GT")
    practices = {
        PROTOCOL: make_practice(
            "GT",
            author=author_gt,
            title=PROTOCOL,
            summary="Recepción digna en el aeropuerto y referencia a servicios municipales.",
            pillars=[1, 3],
            populations=["returnees"],
            instrument_type="protocol",
            start_year=2017,
            tags=["retorno"],
        ),
        CAMPAIGN: make_practice(
            "GT",
            title=CAMPAIGN,
            summary="Mensajes en radios comunitarias sobre los riesgos del viaje irregular.",
            pillars=[4],
            populations=["at-risk-of-irregular-migration"],
            instrument_type="campaign",
            start_year=2019,
            end_year=2020,
            tags=["comunicación"],
        ),
        ALLIANCE: make_practice(
            "HN",
            title=ALLIANCE,
            summary="Empresas que contratan a personas retornadas con competencias certificadas.",
            pillars=[2],
            populations=["returnees", "migrant-workers"],
            instrument_type="partnership",
            start_year=2018,
            tags=["retorno", "empleo"],
        ),
        APP: make_practice(
            "MX",
            title=APP,
            summary="Consulados, números de emergencia y derechos, sin conexión.",
            pillars=[4, 1],
            populations=["migrants-in-transit"],
            instrument_type="tool",
            start_year=2017,
            tags=["aplicación"],
        ),
        REGISTRY: make_practice(
            "MX",
            title=REGISTRY,
            summary="Documenta a las personas trabajadoras temporales de la frontera sur.",
            pillars=[1, 2],
            populations=["migrant-workers"],
            instrument_type="policy",
            start_year=2016,
        ),
        SHELTERS: make_practice(
            "MX",
            title=SHELTERS,
            summary="Un tablero compartido asigna plazas cuando aumenta la migración en tránsito.",
            pillars=[3],
            populations=["migrants-in-transit", "host-communities"],
            instrument_type="protocol",
            start_year=2014,
            end_year=2016,
        ),
    }
    # A draft never approved, and a pending amendment of a live practice: both invisible.
    make_practice(
        "GT",
        author=author_gt,
        live=False,
        title="Borrador sobre migración en revisión",
        summary="Contenido confidencial del borrador.",
        pillars=[1, 2, 3, 4],
        populations=["returnees"],
    )
    protocol = practices[PROTOCOL]
    protocol.title = "Enmienda secreta del protocolo"
    protocol.summary = "Palabraclave confidencial de la enmienda."
    protocol.save_revision(user=author_gt)
    translate(practices[PROTOCOL], "en", title="Reception protocol for returnees", summary="Dignified reception.")
    return practices


def titles(response):
    assert response.status_code == 200
    return [practice.title for practice in response.context["library"].page.object_list]


def facet(response, name):
    library = response.context["library"]
    return {option.value: option.count for option in next(f for f in library.facets if f.name == name).options}


@pytest.fixture
def member_client(client):
    client.force_login(make_member("participant"))
    return client


# --- Filters ---------------------------------------------------------------------------------


def test_the_library_lists_every_published_practice_of_the_language(member_client, catalogue):
    assert sorted(titles(member_client.get(library_url()))) == sorted(catalogue)
    # A practice not translated yet is listed in its Spanish source (issue 12).
    untranslated = sorted(set(catalogue) - {PROTOCOL})
    assert sorted(titles(member_client.get(library_url("en")))) == sorted(
        ["Reception protocol for returnees"] + untranslated
    )
    assert sorted(titles(member_client.get(library_url("fr")))) == sorted(catalogue)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"pillar": "3"}, {PROTOCOL, SHELTERS}),
        ({"pillar": ["2", "3"]}, {PROTOCOL, SHELTERS, ALLIANCE, REGISTRY}),
        ({"government": "MX"}, {APP, REGISTRY, SHELTERS}),
        ({"government": ["GT", "HN"]}, {PROTOCOL, CAMPAIGN, ALLIANCE}),
        ({"population": "returnees"}, {PROTOCOL, ALLIANCE}),
        ({"instrument": "protocol"}, {PROTOCOL, SHELTERS}),
        ({"year": "2015"}, {SHELTERS}),
        ({"year": "2020"}, {PROTOCOL, CAMPAIGN, ALLIANCE, APP, REGISTRY}),
        ({"tag": "retorno"}, {PROTOCOL, ALLIANCE}),
        ({"pillar": "1", "government": "MX"}, {APP, REGISTRY}),
        ({"pillar": "1", "government": "MX", "population": "migrant-workers"}, {REGISTRY}),
        ({"population": "returnees", "instrument": "partnership", "year": "2019"}, {ALLIANCE}),
        ({"government": "GT", "tag": "retorno", "pillar": "3"}, {PROTOCOL}),
        ({"government": "HN", "pillar": "4"}, set()),
    ],
)
def test_filters_combine(member_client, catalogue, params, expected):
    assert set(titles(member_client.get(library_url(**params)))) == expected


def test_the_filter_state_lives_in_the_url(member_client, catalogue):
    url = library_url(pillar="1", government="MX", sort="title")
    response = member_client.get(url)
    body = response.content.decode()
    assert 'id="facet-pillar-1" checked' in body
    assert 'id="facet-government-MX" checked' in body
    assert '<option value="title" selected>' in body
    assert titles(response) == [APP, REGISTRY]


# --- Facet counts ------------------------------------------------------------------------------


def test_facet_counts_without_filters(member_client, catalogue):
    response = member_client.get(library_url())
    assert facet(response, "pillar") == {"1": 3, "2": 2, "3": 2, "4": 2}
    assert facet(response, "government")["MX"] == 3
    assert facet(response, "government")["GT"] == 2
    assert facet(response, "government")["PA"] == 0
    assert facet(response, "instrument") == {
        "policy": 1,
        "protocol": 2,
        "campaign": 1,
        "training": 0,
        "tool": 1,
        "partnership": 1,
    }
    assert facet(response, "population")["returnees"] == 2
    assert facet(response, "tag") == {"retorno": 2, "comunicación": 1, "empleo": 1, "aplicación": 1}
    assert facet(response, "year")["2015"] == 1


def test_facet_counts_respect_the_other_filters(member_client, catalogue):
    response = member_client.get(library_url(government="MX"))
    # Other facets count within Mexico…
    assert facet(response, "pillar") == {"1": 2, "2": 1, "3": 1, "4": 1}
    assert facet(response, "instrument")["protocol"] == 1
    # …while the government facet keeps counting every government, to widen the choice.
    assert facet(response, "government")["GT"] == 2
    assert facet(response, "government")["MX"] == 3

    response = member_client.get(library_url(government="MX", pillar="1"))
    assert facet(response, "government") == {**facet(response, "government"), "GT": 1, "MX": 2, "HN": 0}
    assert facet(response, "pillar")["1"] == 2


def test_facet_counts_respect_the_search(member_client, catalogue):
    response = member_client.get(library_url(q="retornadas"))
    assert facet(response, "government")["GT"] == 1
    assert facet(response, "government")["HN"] == 1
    assert facet(response, "government")["MX"] == 0


def test_facet_labels_show_the_counts(member_client, catalogue):
    body = member_client.get(library_url("en")).content.decode()
    # The English translation of the protocol and the Spanish source of the shelters' practice.
    assert 'Migration crisis management <span class="facet__count">(2)</span>' in body
    assert re.search(r'Partnerships <span class="facet__count">\(\d+\)</span>', body)


# --- Search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The campaign's target population is "Personas en riesgo de migración irregular".
        ("migracion", {REGISTRY, SHELTERS, CAMPAIGN}),
        ("migración", {REGISTRY, SHELTERS, CAMPAIGN}),
        ("MIGRACIÓN laboral", {REGISTRY}),
        ("recepcion", {PROTOCOL}),
        ("campana", {CAMPAIGN}),
        ("trafico ilicito", {CAMPAIGN}),
        ("aplicacion", {APP}),
        ("retornadas", {PROTOCOL, ALLIANCE}),
    ],
)
def test_search_in_spanish_is_accent_insensitive(member_client, catalogue, query, expected):
    assert set(titles(member_client.get(library_url(q=query)))) == expected


def test_search_in_english_is_accent_insensitive_and_finds_untranslated_spanish(member_client, catalogue):
    english = make_practice(
        "CR",
        language="en",
        title="Seasonal work permits in San José",
        summary="Coffee cooperatives hire through a regular channel.",
        pillars=[1],
    )
    assert titles(member_client.get(library_url("en", q="san jose"))) == [english.title]
    assert titles(member_client.get(library_url("en", q="José"))) == [english.title]
    # The Spanish alliance (not translated) serves returnees too: found from the English site.
    assert set(titles(member_client.get(library_url("en", q="returnees")))) == {
        "Reception protocol for returnees",
        ALLIANCE,
    }
    # A translated practice is found in its translation only, never twice.
    assert titles(member_client.get(library_url("es", q="aeropuerto"))) == [PROTOCOL]
    assert titles(member_client.get(library_url("en", q="aeropuerto"))) == []
    assert titles(member_client.get(library_url("es", q="seasonal"))) == []


def test_search_ranks_title_matches_first(member_client, catalogue):
    assert titles(member_client.get(library_url(q="migracion")))[0] == REGISTRY
    assert titles(member_client.get(library_url(q="migracion", sort="relevance")))[0] == REGISTRY


def test_search_never_finds_drafts_or_pending_amendments(member_client, catalogue):
    assert titles(member_client.get(library_url(q="borrador"))) == []
    assert titles(member_client.get(library_url(q="confidencial"))) == []
    assert titles(member_client.get(library_url(q="palabraclave"))) == []
    assert titles(member_client.get(library_url(q="enmienda"))) == []
    assert titles(member_client.get(library_url(q="protocolo"))) == [PROTOCOL]


def test_search_combines_with_filters(member_client, catalogue):
    assert titles(member_client.get(library_url(q="retornadas", government="HN"))) == [ALLIANCE]
    assert titles(member_client.get(library_url(q="migracion", pillar="3"))) == [SHELTERS]


# --- Sorting and pagination --------------------------------------------------------------------


def test_sort_by_title_and_newest(member_client, catalogue):
    assert titles(member_client.get(library_url(sort="title"))) == sorted(catalogue, key=str.lower)
    newest = titles(member_client.get(library_url(sort="newest")))
    assert newest[0] == SHELTERS and newest[-1] == PROTOCOL


def test_relevance_is_offered_only_with_a_search(member_client, catalogue):
    response = member_client.get(library_url(sort="relevance"))
    assert response.context["library"].sort == "newest"
    assert 'value="relevance"' not in response.content.decode()
    assert 'value="relevance"' in member_client.get(library_url(q="migracion")).content.decode()


@pytest.fixture
def many_practices(db):
    """21 practices of Panama (the catalogue has none): one more than a page."""
    return [make_practice("PA", title=f"Práctica {number:02d}") for number in range(PER_PAGE + 1)]


def test_pagination(member_client, many_practices):
    first = member_client.get(library_url(government="PA", sort="title"))
    assert len(titles(first)) == PER_PAGE
    assert first.context["library"].page.paginator.num_pages == 2
    assert 'rel="next" href="?government=PA&amp;sort=title&amp;page=2"' in first.content.decode()
    second = member_client.get(library_url(government="PA", sort="title", page="2"))
    assert titles(second) == ["Práctica 20"]


@pytest.mark.parametrize(
    ("page", "shown", "error"), [("0", 1, True), ("-1", 1, True), ("abc", 1, True), ("999", 2, False)]
)
def test_pagination_edges(member_client, many_practices, page, shown, error):
    response = member_client.get(library_url(government="PA", page=page))
    assert response.status_code == 200
    library = response.context["library"]
    assert library.page.number == shown
    assert bool(library.form.errors.get("page")) is error
    if page == "999":
        assert library.requested_page_missing
        assert 'class="notice"' in response.content.decode()


# --- Invalid input: 200 with the error shown, never a 500 ------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pillar": "999"}, "pillar"),
        ({"pillar": "abc"}, "pillar"),
        ({"year": "abc"}, "year"),
        ({"year": "1200"}, "year"),
        ({"year": "2019.5"}, "year"),
        ({"government": "XX"}, "government"),
        ({"population": "martians"}, "population"),
        ({"instrument": "rocket"}, "instrument"),
        ({"tag": "no-such-tag"}, "tag"),
        ({"sort": "price"}, "sort"),
        ({"page": "-1"}, "page"),
        ({"q": "x" * 5000}, "q"),
    ],
)
def test_invalid_values_show_the_error_and_ignore_the_filter(member_client, catalogue, params, field):
    response = member_client.get(library_url(**params))
    assert response.status_code == 200
    assert field in response.context["library"].form.errors
    body = response.content.decode()
    assert 'class="form-errors" role="alert"' in body
    assert len(titles(response)) == len(catalogue)


def test_one_invalid_filter_keeps_the_valid_ones(member_client, catalogue):
    response = member_client.get(library_url(pillar=["3", "999"], government="MX"))
    assert "pillar" in response.context["library"].form.errors
    assert set(titles(response)) == {APP, REGISTRY, SHELTERS}
    response = member_client.get(library_url(year="abc", government="MX"))
    assert set(titles(response)) == {APP, REGISTRY, SHELTERS}


@pytest.mark.parametrize("query", ['"', "'", "(", "*", "migra*", "NOT", "AND OR", "a\\b", "-", "#$%&", "☃", "\x00"])
def test_search_syntax_characters_are_plain_text(member_client, catalogue, query):
    response = member_client.get(library_url(q=query))
    assert response.status_code == 200


def test_a_query_longer_than_allowed_is_cut_in_the_search_box(member_client, catalogue):
    response = member_client.get(library_url("en", q="y" * 5000))
    body = response.content.decode()
    assert f'value="{"y" * 200}"' in body
    assert "Ensure this value has at most 200 characters (it has 5000)." in body


# --- Empty states and htmx ---------------------------------------------------------------------


def test_no_match(member_client, catalogue):
    body = member_client.get(library_url("en", q="inexistent")).content.decode()
    assert "No practice matches these filters." in body
    assert "0 practices found" in body


def test_htmx_gets_the_results_and_the_facets_only(member_client, catalogue):
    response = member_client.get(library_url(pillar="3"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="practice-results"' in body
    assert 'id="practice-facets" class="practice-facets" hx-swap-oob="true"' in body
    assert "HX-Request" in response["Vary"]
    assert set(titles(response)) == {PROTOCOL, SHELTERS}


def test_without_javascript_the_form_is_a_plain_get_form(member_client, catalogue):
    body = member_client.get(library_url()).content.decode()
    assert '<form id="practice-filters" class="library__filters" method="get"' in body
    assert 'type="submit"' in body
    # No inline script (the CSP forbids them): every script is a file served by the project.
    scripts = re.findall(r"<script[^>]*>", body)
    assert scripts and all('src="/static/' in tag for tag in scripts)


def test_anonymous_visitors_are_sent_to_sign_in(client, catalogue):
    response = client.get(library_url())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
