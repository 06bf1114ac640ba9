"""A government page shows a fixed number of its latest practices and links to the rest in the
library, whatever the number the government has shared (issue 14)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.site.test_practice_support import make_practice
from workspace.site.models import GOVERNMENT_PAGE_PRACTICES, BestPracticePage

pytestmark = pytest.mark.django_db

URL = "/es/governments/guatemala/"


def shared_practices(count, code="GT"):
    """`count` practices, the first the oldest, published a day apart."""
    start = timezone.now() - timedelta(days=count)
    practices = []
    for day in range(count):
        practice = make_practice(code, title=f"Práctica número {day + 1:02d}")
        BestPracticePage.objects.filter(pk=practice.pk).update(first_published_at=start + timedelta(days=day))
        practices.append(practice)
    return practices


def titles_on(content):
    """The practice cards' titles, in the order shown."""
    return re.findall(r'class="practice-card__title"[^>]*><a [^>]*>([^<]+)</a>', content)


def test_it_shows_only_the_latest_practices_and_links_to_all_of_them_in_the_library(client_for, participant):
    shared_practices(GOVERNMENT_PAGE_PRACTICES + 4)
    make_practice("HN", title="Práctica de Honduras")
    content = client_for(participant).get(URL).content.decode()

    assert titles_on(content) == [
        f"Práctica número {number:02d}" for number in range(GOVERNMENT_PAGE_PRACTICES + 4, 4, -1)
    ]
    assert "Práctica de Honduras" not in content
    total = GOVERNMENT_PAGE_PRACTICES + 4
    assert f'href="/es/practices/?government=GT">Ver las {total} prácticas de este gobierno en la biblioteca</a>' in (
        content
    )


def test_the_same_number_of_cards_with_ten_times_the_practices(client_for, participant):
    shared_practices(GOVERNMENT_PAGE_PRACTICES)
    client = client_for(participant)
    few = client.get(URL).content.decode().count('class="practice-card"')
    shared_practices(10 * GOVERNMENT_PAGE_PRACTICES)
    many = client.get(URL).content.decode().count('class="practice-card"')
    assert few == many == GOVERNMENT_PAGE_PRACTICES


@pytest.mark.parametrize(
    ("language", "path", "link"),
    [
        ("en", "/en/governments/guatemala/", "See the practice of this government in the library"),
        ("fr", "/fr/governments/guatemala/", "Voir la pratique de ce gouvernement dans la bibliothèque"),
        ("es", URL, "Ver la práctica de este gobierno en la biblioteca"),
    ],
)
def test_the_library_link_in_each_language(client_for, participant, language, path, link):
    make_practice("GT", title="Práctica única")
    content = client_for(participant).get(path).content.decode()
    assert f'?government=GT">{link}</a>' in content
