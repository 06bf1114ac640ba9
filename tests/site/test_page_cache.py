"""What the cache keeps (the chrome, the library's facets, a practice page's shared body) shows
every change on the next request, for every kind of viewer (docs/architecture.md, "Caching").

The test settings use Django's local-memory cache, as the zero-config default does: the cache is
real here, and each test starts from an empty one.
"""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.models import MeetingPage
from tests.discussions.helpers import committed
from tests.factories import government_page, make_meeting, make_member
from tests.site.test_practice_support import library_url, make_practice, translate
from workspace.accounts.models import focal_points_group_name
from workspace.discussions.models import Comment, Thread
from workspace.discussions.rendering import LATEST_COMMENTS
from workspace.discussions.services import hide_comment, post_comment_on_page
from workspace.site.models import BestPracticePage

pytestmark = pytest.mark.django_db

KINDS = ("participant", "focal point GT", "focal point HN", "coordinator")


@pytest.fixture(autouse=True)
def empty_cache():
    backend = settings.CACHES["default"]["BACKEND"].lower()
    assert "locmem" in backend or "redis" in backend
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def viewers(db):
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
    return members, clients


def read_all(clients, url):
    """Each kind of viewer's page (the first read of each fills the cache)."""
    pages = {}
    for kind in KINDS:
        response = clients[kind].get(url)
        pages[kind] = (response.status_code, response.content.decode())
    return pages


def test_a_publish_shows_on_the_next_request_for_every_viewer(viewers):
    members, clients = viewers
    practice = make_practice("GT", title="Protocolo de retorno")
    related = make_practice("MX", title="Ruta de acogida")
    related_page = BestPracticePage.objects.get(pk=related.pk)
    related_page.related_links.create(practice=practice)
    related_page.save_revision().publish()
    for url in (practice.url, related.url, library_url()):
        assert all("Protocolo de retorno" in body for _, body in read_all(clients, url).values())

    page = BestPracticePage.objects.get(pk=practice.pk)
    page.title = "Protocolo de retorno digno"
    page.summary = "Resumen aprobado de nuevo."
    page.save_revision(user=members["coordinator"]).publish()

    for url in (practice.url, related.url, library_url()):
        for kind, (status, body) in read_all(clients, url).items():
            assert status == 200, (url, kind)
            assert "Protocolo de retorno digno" in body, (url, kind)
    assert all("Resumen aprobado de nuevo." in body for _, body in read_all(clients, practice.url).values())


def test_an_unpublish_shows_on_the_next_request_for_every_viewer(viewers):
    _, clients = viewers
    practice = make_practice("GT", title="Protocolo que se retira")
    neighbour = make_practice("GT", title="Protocolo vecino")  # lists the other under "same pillar"
    assert all("Protocolo que se retira" in body for _, body in read_all(clients, neighbour.url).values())
    assert all(status == 200 for status, _ in read_all(clients, practice.url).values())

    BestPracticePage.objects.get(pk=practice.pk).unpublish()

    for kind, (status, _) in read_all(clients, practice.url).items():
        assert status == 404, kind
    for url in (neighbour.url, library_url()):
        for kind, (status, body) in read_all(clients, url).items():
            assert status == 200 and "Protocolo que se retira" not in body, (url, kind)


def test_a_new_comment_and_a_hidden_one_show_on_the_next_request_for_every_viewer(viewers):
    members, clients = viewers
    practice = make_practice("GT", title="Protocolo comentado")
    read_all(clients, practice.url)

    comment = committed(
        post_comment_on_page, page=practice, anchor="", author=members["participant"], body="Una pregunta nueva"
    )
    for kind, (_, body) in read_all(clients, practice.url).items():
        assert "Una pregunta nueva" in body, kind

    committed(hide_comment, comment=comment, moderator=members["coordinator"], reason="Fuera de tema")
    pages = read_all(clients, practice.url)
    for kind in ("focal point GT", "focal point HN"):
        assert "Una pregunta nueva" not in pages[kind][1], kind
        assert "Hidden by a moderator." in pages[kind][1] or "Ocultado por" in pages[kind][1], kind
    # The coordinator (a moderator) still reads it, marked hidden; its author sees the reason.
    assert "Una pregunta nueva" in pages["coordinator"][1]
    assert "Fuera de tema" in pages["participant"][1]
    assert Comment.objects.get(pk=comment.pk).hidden


def test_leaving_a_focal_point_group_shows_on_the_next_request(viewers):
    members, clients = viewers
    member = members["focal point GT"]
    draft = make_practice("GT", author=member, live=False, title="Borrador de Guatemala")
    thread = Thread.objects.create(page=draft, anchor="")
    client = clients["focal point GT"]
    home = client.get("/es/")
    assert home.context["member_government"].code == "GT"
    assert home.context["user"].has_perm("wagtailadmin.access_admin")
    assert client.get(reverse("discussions:comments", args=[thread.pk])).status_code == 200

    member.groups.remove(member.groups.get(name=focal_points_group_name("GT")))

    home = client.get("/es/")
    assert home.status_code == 200
    assert home.context["member_government"] is None
    assert home.context["user"].government_code is None
    assert not home.context["user"].has_perm("wagtailadmin.access_admin")
    assert client.get(reverse("discussions:comments", args=[thread.pk])).status_code == 404


def test_a_language_switch_shows_on_the_next_request(viewers):
    members, clients = viewers
    practice = make_practice("GT", title="Protocolo bilingüe")
    english = translate(practice, "en", title="Bilingual protocol")
    for kind, (_, body) in read_all(clients, practice.url).items():
        assert "Buena práctica" in body and "Protocolo bilingüe" in body, kind

    for kind in KINDS:
        response = clients[kind].post("/i18n/setlang/", {"language": "en", "next": practice.url})
        assert response.status_code == 302 and response["Location"] == english.url, kind

    for kind, (status, body) in read_all(clients, english.url).items():
        assert status == 200, kind
        assert "Best practice" in body and "Bilingual protocol" in body, kind
        assert "Buena práctica" not in body, kind


def test_a_draft_amendment_never_reaches_another_government_through_the_cache(viewers, rf):
    members, clients = viewers
    practice = make_practice("GT", author=members["focal point GT"], title="Protocolo aprobado")
    page = BestPracticePage.objects.get(pk=practice.pk)
    page.title = "Enmienda confidencial de Guatemala"
    revision = page.save_revision(user=members["focal point GT"])

    # Guatemala's focal point reads the page and previews the amendment first (warming every cache).
    assert "Protocolo aprobado" in clients["focal point GT"].get(practice.url).content.decode()
    request = rf.get(practice.url)
    request.user = members["focal point GT"]
    preview = revision.as_object().make_preview_request(original_request=request)
    assert "Enmienda confidencial de Guatemala" in preview.content.decode()
    clients["focal point GT"].get(library_url())
    clients["focal point GT"].get(library_url(q="Enmienda"))

    for kind in ("focal point HN", "participant"):
        for url in (practice.url, library_url(), library_url(q="Enmienda"), "/es/"):
            body = clients[kind].get(url).content.decode()
            assert "Enmienda confidencial" not in body, (kind, url)
        assert "Protocolo aprobado" in clients[kind].get(practice.url).content.decode()


def discussion_of(page, count, *, authors):
    """A thread with `count` top-level comments, each with one reply after the first 10, written
    as the services would leave them (rows and sequences), in bulk."""
    thread = Thread.objects.create(page=page, translation_key=page.translation_key, anchor="")
    sequence = 0
    for number in range(count):
        sequence += 1
        comment = Comment.objects.create(
            thread=thread, author=authors[number % 2], body=f"<p>Mensaje {number}</p>", sequence=sequence
        )
        if number >= 10:
            sequence += 1
            Comment.objects.create(
                thread=thread, author=authors[0], parent=comment, body=f"<p>Respuesta {number}</p>", sequence=sequence
            )
    Thread.objects.filter(pk=thread.pk).update(last_sequence=sequence)
    return Thread.objects.get(pk=thread.pk)


def test_a_long_discussion_weighs_what_a_short_one_does(viewers, django_assert_max_num_queries):
    members, clients = viewers
    authors = [members["participant"], members["focal point GT"]]
    short = make_practice("GT", title="Pocos comentarios")
    long = make_practice("GT", title="Muchos comentarios")
    discussion_of(short, LATEST_COMMENTS, authors=authors)
    thread = discussion_of(long, 500, authors=authors)
    client = clients["focal point HN"]
    client.get(short.url), client.get(long.url)
    with django_assert_max_num_queries(100) as queries:
        short_page = client.get(short.url)
    short_queries = len(queries)
    with django_assert_max_num_queries(short_queries):
        long_page = client.get(long.url)
    body = long_page.content.decode()

    assert "Mensaje 499<" in body and "Respuesta 499<" in body and "Mensaje 479<" not in body
    assert "Show older comments" in body or "Ver comentarios anteriores" in body
    # 500 comments (and 490 replies) weigh what 20 do: the replies of the latest 20 at most.
    assert len(long_page.content) < len(short_page.content) * 2, (len(long_page.content), len(short_page.content))
    # The live cursor is still the thread's last sequence.
    assert f'data-sequence="{thread.last_sequence}"' in body

    # Without JavaScript the link opens the earlier comments as a page of their own…
    older_url = body.split("data-older-comments")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    older = client.get(older_url)
    assert older.status_code == 200
    assert "Mensaje 479<" in older.content.decode() and "Mensaje 460<" in older.content.decode()
    assert "Mensaje 480<" not in older.content.decode() and "Mensaje 459<" not in older.content.decode()
    # …and the panel's script fetches the same list as JSON, with the link to the ones before.
    data = client.get(older_url, HTTP_ACCEPT="application/json").json()
    assert "Mensaje 460<" in data["html"] and "before=" in data["older_url"]
    # The first page has no further link.
    first = client.get(f"{older_url.split('?')[0]}?before=5", HTTP_ACCEPT="application/json").json()
    assert "Mensaje 0<" in first["html"] and first["older_url"] is None


def test_a_new_practice_shows_on_its_government_page_and_home_on_the_next_request_and_never_a_draft(viewers):
    members, clients = viewers
    urls = (government_page("GT").url, "/es/")
    for url in urls:
        read_all(clients, url)

    practice = make_practice("GT", title="Protocolo recién publicado")
    make_practice("GT", author=members["focal point GT"], live=False, title="Borrador nunca compartido")
    for url in urls:
        for kind, (status, body) in read_all(clients, url).items():
            assert status == 200 and "Protocolo recién publicado" in body, (url, kind)
            # (The home page lists its author's own drafts under "Your drafts", above the practices.)
            practices = body[re.search(r'labelledby="(latest|government)-practices"', body).start() :]
            assert "Borrador nunca compartido" not in practices, (url, kind)

    BestPracticePage.objects.get(pk=practice.pk).unpublish()
    for url in urls:
        for kind, (_, body) in read_all(clients, url).items():
            assert "Protocolo recién publicado" not in body, (url, kind)


def test_the_home_pages_upcoming_meetings_follow_publishes_and_the_clock(viewers):
    _, clients = viewers
    meeting = make_meeting(title="Sesión que pronto termina")
    ends_at = timezone.now() + timedelta(seconds=5)
    MeetingPage.objects.filter(pk=meeting.pk).update(ends_at=ends_at)  # no page saved: no new version
    assert all("Sesión que pronto termina" in body for _, body in read_all(clients, "/es/").values())

    later = make_meeting(title="Sesión anunciada después")
    for kind, (_, body) in read_all(clients, "/es/").items():
        assert "Sesión que pronto termina" in body and "Sesión anunciada después" in body, kind

    # Time passes, nothing is saved: the meeting that has ended leaves the list.
    time.sleep(max((ends_at - timezone.now()).total_seconds(), 0) + 0.1)
    for kind, (_, body) in read_all(clients, "/es/").items():
        assert "Sesión que pronto termina" not in body and "Sesión anunciada después" in body, kind

    cancelled = MeetingPage.objects.get(pk=later.pk)
    cancelled.status = MeetingPage.Status.CANCELLED
    cancelled.save_revision().publish()
    for kind, (_, body) in read_all(clients, "/es/").items():
        assert "Sesión anunciada después" not in body, kind
