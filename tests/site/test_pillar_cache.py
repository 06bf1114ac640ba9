"""The pillar page's practice listing is rendered once per version and language and kept in the
cache (`{% cache %}` in site/pillar_page.html): every change shows on the next request, for every
kind of member, and a draft never reaches it (docs/architecture.md, "Caching")."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import make_member
from tests.site.test_practice_support import make_practice, translate
from workspace.site.models import BestPracticePage, PillarPage

pytestmark = pytest.mark.django_db

KINDS = ("participant", "focal point GT", "focal point HN", "coordinator")
URL = "/{language}/pillars/capacity-building/"


@pytest.fixture
def clients(db):
    members = {
        "participant": make_member("participant"),
        "focal point GT": make_member("focal_point", government_code="GT"),
        "focal point HN": make_member("focal_point", government_code="HN"),
        "coordinator": make_member("coordinator"),
    }
    clients = {}
    for kind, member in members.items():
        clients[kind] = Client()
        clients[kind].force_login(member)
    return clients


def read_all(clients, language="es"):
    pages = {}
    for kind in KINDS:
        response = clients[kind].get(URL.format(language=language))
        assert response.status_code == 200, kind
        pages[kind] = response.content.decode()
    return pages


def test_the_listing_comes_from_the_cache_on_the_second_request(clients, django_assert_max_num_queries):
    make_practice("GT", title="Formación de funcionarios consulares", pillars=[1])
    first = clients["participant"].get(URL.format(language="es"))
    assert "Formación de funcionarios consulares" in first.content.decode()
    # A hit reads none of the listing's rows (practices, their pillars, the count).
    with django_assert_max_num_queries(8) as hit_queries:
        response = clients["participant"].get(URL.format(language="es"))
    assert "Formación de funcionarios consulares" in response.content.decode()
    assert not any("site_bestpracticepage" in query["sql"] for query in hit_queries.captured_queries)


def test_the_queries_do_not_grow_with_the_practices(clients):
    make_practice("GT", pillars=[1])
    clients["participant"].get(URL.format(language="es"))
    make_practice("MX", pillars=[1])
    miss = len(_queries_of(clients["participant"]))  # the publish gave the tree a new version
    for code in ("HN", "SV", "CR", "PA"):
        make_practice(code, pillars=[1])
    assert len(_queries_of(clients["participant"])) == miss
    hit = len(_queries_of(clients["participant"]))
    assert hit <= miss - 3 and hit <= 8


def _queries_of(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL.format(language="es")).status_code == 200
    return captured.captured_queries


def test_a_publish_and_an_unpublish_show_on_the_next_request_for_every_member(clients):
    read_all(clients)
    practice = make_practice("GT", title="Red de oficinas de retorno", pillars=[1])
    assert all("Red de oficinas de retorno" in body for body in read_all(clients).values())

    page = BestPracticePage.objects.get(pk=practice.pk)
    page.title = "Red nacional de oficinas de retorno"
    page.save_revision().publish()
    assert all("Red nacional de oficinas de retorno" in body for body in read_all(clients).values())

    BestPracticePage.objects.get(pk=practice.pk).unpublish()
    for kind, body in read_all(clients).items():
        assert "oficinas de retorno" not in body, kind


def test_a_drafts_title_never_reaches_the_cached_listing(clients):
    make_practice("GT", title="Práctica publicada", pillars=[1])
    author = make_member("focal_point", government_code="GT")
    # Read by its own government's focal point and by a coordinator (who may edit it) first.
    make_practice("GT", title="Borrador confidencial", pillars=[1], live=False, author=author)
    for first in ("focal point GT", "coordinator", "participant", "focal point HN"):
        cache.clear()
        bodies = {kind: clients[kind].get(URL.format(language="es")).content.decode() for kind in (first, *KINDS)}
        for kind, body in bodies.items():
            assert "Práctica publicada" in body, kind
            assert "Borrador confidencial" not in body, (first, kind)

    # A new draft revision of a live practice: the listing keeps the live title.
    live = BestPracticePage.objects.get(title="Práctica publicada")
    live.title = "Título aún no aprobado"
    live.save_revision()
    for kind, body in read_all(clients).items():
        assert "Práctica publicada" in body and "Título aún no aprobado" not in body, kind


def test_each_language_has_its_own_listing(clients):
    practice = make_practice("GT", title="Capacitación consular", pillars=[1])
    translate(practice, "en", title="Consular training")
    spanish = read_all(clients, "es")
    english = read_all(clients, "en")
    french = read_all(clients, "fr")
    for kind in KINDS:
        assert "Capacitación consular" in spanish[kind] and "Consular training" not in spanish[kind]
        assert "Consular training" in english[kind] and "Capacitación consular" not in english[kind]
        # Not translated into French yet: the Spanish source, said so in French.
        assert "Capacitación consular" in french[kind] and "Consular training" not in french[kind]


def test_the_pillar_page_own_changes_show_at_once(clients):
    read_all(clients)
    pillar = PillarPage.objects.get(slug="capacity-building", locale__language_code="es")
    pillar.description = "Una descripción revisada del pilar."
    pillar.save_revision().publish()
    assert all("Una descripción revisada del pilar." in body for body in read_all(clients).values())
