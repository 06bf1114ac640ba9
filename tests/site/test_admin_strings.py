"""The admin in Spanish for a Spanish focal point and coordinator: no English words on their screens.

Wagtail's Spanish catalogue lacks strings of its newer screens; the workspace's catalogue fills
the ones its members meet (workspace/site/wagtail_catalogue.py). The English below are the ones
the issue saw, and the workspace's own admin strings.
"""

import re

import pytest
from django.utils.html import strip_tags

from tests.factories import government_page, make_member
from workspace.site.demo import draft_practice
from workspace.site.models import BestPracticePage

pytestmark = pytest.mark.django_db

ENGLISH = (
    "Privacy and access",
    "Exploring",
    "created in",
    "Search all pages",
    "editor guide",
    "Access level",
    "Last login",
    "Coordinator review",
    "You do not have permission",
    "Moderation queue",
    "Flagged, not yet handled",
    "First flagged",
    "Focal points",
    " of ",
)


def visible_text(response):
    html = response.content.decode()
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    # Attribute values a reader sees: placeholders, labels for screen readers, titles.
    attributes = " ".join(re.findall(r'(?:placeholder|aria-label|title)="([^"]*)"', html))
    return re.sub(r"\s+", " ", strip_tags(html) + " " + attributes)


def english_on(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    text = visible_text(response)
    found = [word for word in ENGLISH if word in text]
    found += [
        f"{cell} (a table cell)"
        for cell in ("True", "False")
        if re.search(rf">\s*{cell}\s*<", response.content.decode())
    ]
    return found


@pytest.fixture
def practice():
    author = make_member("focal_point", government_code="GT", language="es")
    page = draft_practice(
        government=government_page("GT"),
        author=author,
        title="Protocolo de recepción",
        summary="Recepción de personas retornadas.",
        pillars=[1],
        instrument_type=BestPracticePage.InstrumentType.PROTOCOL,
        start_year=2020,
    )
    return author, page


def test_a_spanish_focal_point_reads_the_admin_in_spanish(client, practice):
    focal_point, page = practice
    client.force_login(focal_point)
    urls = [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{government_page('GT').pk}/",
        f"/admin/pages/{page.pk}/edit/",
        f"/admin/pages/{page.pk}/history/",
        "/admin/pages/search/?q=protocolo",
    ]
    assert {url: english_on(client, url) for url in urls} == dict.fromkeys(urls, [])


def test_a_spanish_coordinator_reads_the_admin_in_spanish(client, practice):
    _author, page = practice
    coordinator = make_member("coordinator", language="es")
    client.force_login(coordinator)
    urls = [
        "/admin/",
        "/admin/users/",
        "/admin/focal-points/",
        "/admin/discussion_moderation/",
        "/admin/workflows/list/",
        "/admin/workflows/tasks/index/",
        "/admin/reports/locked/",
        "/admin/reports/workflow/",
        f"/admin/pages/{page.pk}/edit/",
    ]
    assert {url: english_on(client, url) for url in urls} == dict.fromkeys(urls, [])
