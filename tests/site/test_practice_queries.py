"""Hot pages make the same number of queries with 20 or 200 practices (no N+1)."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_member
from tests.site.test_practice_support import library_url, make_practice
from workspace.site.models import BestPracticePage

pytestmark = pytest.mark.django_db

GOVERNMENTS = ("BZ", "CR", "DO", "SV", "GT", "HT", "HN", "MX", "PA")
URLS = {
    "library": library_url(),
    "library, filtered": library_url(pillar=["1", "3"], government=["GT", "MX"], year="2019", sort="title"),
    "library, searched": library_url(q="migracion retorno", population="returnees"),
    "library, page 2": library_url(page="2"),
}


def add_practices(count, start):
    # The search and reference indexes are rebuilt on every save; they play no part in what
    # is measured here (the number of queries of a request), so they are skipped to save time.
    with (
        mock.patch("modelsearch.signal_handlers.insert_or_update_object_task"),
        mock.patch("workspace.site.models.insert_or_update_object_task"),
        mock.patch("wagtail.signal_handlers.update_reference_index_task"),
    ):
        for number in range(start, start + count):
            make_practice(
                GOVERNMENTS[number % 9],
                title=f"Protocolo de migración y retorno {number}",
                pillars=[number % 4 + 1, (number + 1) % 4 + 1],
                populations=["returnees", "migrants-in-transit"][: number % 2 + 1],
                tags=[f"etiqueta-{number % 7}", "retorno"],
                start_year=2010 + number % 10,
                instrument_type=("policy", "protocol", "campaign")[number % 3],
            )


def count_queries(client, url):
    client.get(url)  # warm per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_library_and_a_practice_page_do_not_grow_with_the_number_of_practices(client):
    client.force_login(make_member("participant"))
    add_practices(20, 0)
    practice_url = BestPracticePage.objects.filter(locale__language_code="es").first().url
    at_20 = {name: count_queries(client, url) for name, url in URLS.items()}
    at_20["practice page"] = count_queries(client, practice_url)

    add_practices(180, 20)
    at_200 = {name: count_queries(client, url) for name, url in URLS.items()}
    at_200["practice page"] = count_queries(client, practice_url)

    assert at_200 == at_20
    # A ceiling too, so that a new per-request query is a conscious decision.
    assert max(at_20.values()) <= 45, at_20
