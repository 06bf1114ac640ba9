"""Library search runs its full-text query once per request, whatever the number of matches (issue 14)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_member
from tests.site.test_practice_support import library_url, make_practice
from workspace.site.models import BestPracticePage
from workspace.site.search import ranked_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def practices():
    made = [
        make_practice("GT", title="Retorno seguro", summary="Retorno y reintegración de personas retornadas."),
        make_practice("HN", title="Albergues", summary="Albergues temporales; un retorno asistido."),
        make_practice("MX", title="Protocolo consular", summary="Asistencia consular sin relación."),
        make_practice("PA", title="Retorno de la niñez", summary="Niñez migrante: retorno, retorno, retorno."),
    ]
    from django.core.management import call_command

    call_command("update_index", verbosity=0)
    return made


def wagtail_order(query):
    results = BestPracticePage.objects.live().search(query, operator="and")
    return list(results.get_queryset().values_list("pk", flat=True))


def test_the_ranking_is_wagtails_own_best_match_first(practices):
    queryset = BestPracticePage.objects.live()

    ranked = ranked_ids(queryset, "retorno")

    assert ranked == wagtail_order("retorno")
    assert set(ranked) == {practices[0].pk, practices[1].pk, practices[3].pk}
    assert ranked_ids(queryset, "retorno albergues") == [practices[1].pk]
    assert ranked_ids(queryset.filter(pk__in=[practices[0].pk]), "retorno") == [practices[0].pk]
    assert ranked_ids(queryset, "inexistente") == []


def test_a_search_runs_the_full_text_match_once_without_a_correlated_subquery(client, practices):
    client.force_login(make_member("participant"))
    client.get(library_url(q="retorno"))
    cache.clear()  # the library's results are cached per question: count the search itself

    with CaptureQueriesContext(connection) as queries:
        response = client.get(library_url(q="retorno"))

    assert response.status_code == 200
    assert "Retorno seguro" in response.content.decode()
    match = " MATCH " if connection.vendor == "sqlite" else " @@ "
    full_text = [query["sql"] for query in queries if match in query["sql"]]
    assert len(full_text) == 1
    assert full_text[0].count(match) == 1
