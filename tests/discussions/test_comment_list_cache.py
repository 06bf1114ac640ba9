"""A practice page's latest comments are rendered once per kind of viewer and kept in the cache
(`rendering.SharedCommentList`); the comments' reply, flag and moderation controls are links to
the panel's one form of each kind (or, without JavaScript, to a page with the form).

Every change shows on the next request for a participant, a focal point and a coordinator; a
moderator's controls, a hidden comment's text, a member's own controls and anyone's CSRF token
never reach another member through the cache; the page's weight and queries do not grow with
the comments' controls.
"""

import re

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.discussions.helpers import committed
from tests.factories import make_member
from tests.site.test_practice_support import make_practice, translate
from workspace.discussions.models import Comment, Flag
from workspace.discussions.rendering import LATEST_COMMENTS
from workspace.discussions.services import (
    delete_comment,
    edit_comment,
    hide_comment,
    post_comment_on_page,
    restore_comment,
)

pytestmark = pytest.mark.django_db

KINDS = ("participant", "focal point", "coordinator")


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.DISCUSSIONS_RATE_LIMITS = ()


@pytest.fixture
def members(db):
    return {
        "participant": make_member("participant", first_name="Paula", last_name="Pérez"),
        "focal point": make_member("focal_point", government_code="GT", first_name="Fabio", last_name="Gómez"),
        "coordinator": make_member("coordinator", first_name="Carla", last_name="Ruiz"),
    }


@pytest.fixture
def clients(members):
    clients = {}
    for kind, member in members.items():
        clients[kind] = Client()
        clients[kind].force_login(member)
    return clients


@pytest.fixture
def practice(db):
    return make_practice("GT", title="Protocolo conversado")


def post(practice, author, body, parent=None):
    return committed(
        post_comment_on_page, page=practice, anchor="", author=author, body=body, parent_id=parent and parent.pk
    )


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def read_all(clients, url):
    return {kind: read(clients[kind], url) for kind in KINDS}


def article(body, comment):
    match = re.search(rf'<article [^>]*id="comment-{comment.pk}".*?</article>', body, re.S)
    assert match, comment
    return match.group(0)


def test_new_edited_hidden_restored_and_deleted_comments_show_on_the_next_request(members, clients, practice):
    first = post(practice, members["focal point"], "Primera pregunta sobre el protocolo")
    read_all(clients, practice.url)  # every kind's list is in the cache now

    second = post(practice, members["participant"], "Segunda pregunta nueva")
    for kind, body in read_all(clients, practice.url).items():
        assert "Segunda pregunta nueva" in body, kind

    committed(edit_comment, comment=first, editor=members["focal point"], body="Primera pregunta corregida")
    for kind, body in read_all(clients, practice.url).items():
        assert "Primera pregunta corregida" in body and "comment__edited" in article(body, first), kind

    committed(hide_comment, comment=first, moderator=members["coordinator"], reason="Datos personales")
    pages = read_all(clients, practice.url)
    assert "Primera pregunta corregida" not in pages["participant"]
    assert "comment__placeholder" in article(pages["participant"], first)
    assert "Datos personales" not in pages["participant"]
    assert "Datos personales" in pages["focal point"]  # its author reads the reason
    assert "Primera pregunta corregida" in pages["coordinator"]
    assert "/moderate/restore/" in article(pages["coordinator"], first)

    committed(restore_comment, comment=first, moderator=members["coordinator"])
    for kind, body in read_all(clients, practice.url).items():
        assert "Primera pregunta corregida" in body and "comment__placeholder" not in body, kind

    committed(delete_comment, comment=second, member=members["participant"])
    for kind, body in read_all(clients, practice.url).items():
        assert "Segunda pregunta nueva" not in body, kind
        assert "comment__placeholder" in article(body, second), kind


def test_a_language_switch_shows_on_the_next_request(members, clients, practice):
    post(practice, members["focal point"], "Una pregunta en una conversación")
    english = translate(practice, "en", title="A discussed protocol")
    spanish = read_all(clients, practice.url)
    for kind in KINDS:
        assert "Responder" in spanish[kind] and "Reply" not in re.sub(r"<script.*?</script>", "", spanish[kind]), kind
        response = clients[kind].post("/i18n/setlang/", {"language": "en", "next": practice.url})
        assert response["Location"] == english.url
    for kind, body in read_all(clients, english.url).items():
        assert "Una pregunta en una conversación" in body, kind  # one conversation in every language
        assert ">Reply</a>" in body and "Responder" not in body, kind


def test_a_moderators_list_never_reaches_a_participant(members, clients, practice):
    comment = post(practice, members["focal point"], "Un comentario que se ocultará")
    committed(hide_comment, comment=comment, moderator=members["coordinator"], reason="Fuera de tema")
    coordinator_page = read(clients["coordinator"], practice.url)  # the coordinator fills the cache first
    assert "Un comentario que se ocultará" in coordinator_page and "/moderate/restore/" in coordinator_page

    for kind in ("participant", "focal point"):
        body = read(clients[kind], practice.url)
        assert "Un comentario que se ocultará" not in body, kind
        assert "/moderate/" not in body and 'data-shared-form="hide"' not in body, kind
        assert "discussions:lock" not in body and "/lock/" not in body, kind


def test_a_members_own_controls_and_token_never_reach_another_member(members, clients, practice):
    mine = post(practice, members["participant"], "Mi propio comentario")
    theirs = post(practice, members["focal point"], "El comentario de otra persona")
    for order in (("participant", "focal point", "coordinator"), ("coordinator", "focal point", "participant")):
        cache.clear()
        pages = {kind: read(clients[kind], practice.url) for kind in order}
        own = article(pages["participant"], mine)
        assert reverse("discussions:edit", args=[mine.pk]) in own
        assert reverse("discussions:delete", args=[mine.pk]) in own
        assert "/form/flag/" not in own  # nobody flags their own comment
        assert reverse("discussions:edit", args=[theirs.pk]) not in pages["participant"]
        for kind in ("focal point", "coordinator"):
            assert reverse("discussions:edit", args=[mine.pk]) not in pages[kind], (order, kind)
            assert "/form/flag/" in article(pages[kind], mine), (order, kind)
        assert reverse("discussions:edit", args=[theirs.pk]) in pages["focal point"]
        # Each page's forms carry the member's own token (Django masks it anew in each response;
        # a token cached with the list would be the same string in two members' pages).
        tokens = {kind: set(re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', body)) for kind, body in pages.items()}
        assert not tokens["participant"] & tokens["focal point"]
        assert not tokens["participant"] & tokens["coordinator"]

    # What the cache keeps holds no token and no member's own controls.
    entries = list(cache._cache.values()) if isinstance(cache, LocMemCache) else []  # (Redis: the pages' tokens)
    for raw in entries:
        text = str(raw)
        assert "csrfmiddlewaretoken" not in text
        assert reverse("discussions:edit", args=[mine.pk]) not in text


def test_an_authors_new_name_shows_on_the_next_request(members, clients, practice):
    post(practice, members["focal point"], "Un comentario firmado")
    assert "Fabio Gómez" in read(clients["participant"], practice.url)
    author = members["focal point"]
    author.first_name = "Fabiola"
    author.save()
    body = read(clients["participant"], practice.url)
    assert "Fabiola Gómez" in body and "Fabio Gómez" not in body


def test_the_page_has_one_form_of_each_kind_however_many_comments(members, clients, practice):
    for number in range(6):
        comment = post(practice, members["focal point"], f"Comentario número {number}")
        post(practice, members["coordinator"], f"Respuesta número {number}", parent=comment)
    pages = read_all(clients, practice.url)
    for kind, body in pages.items():
        assert body.count('data-shared-form="reply"') == 1, kind
        assert body.count('data-shared-form="flag"') == 1, kind
        assert body.count('<select id="flag-') == 1, kind
        assert body.count('name="parent"') == 1, kind
    assert pages["coordinator"].count('data-shared-form="hide"') == 1
    assert pages["coordinator"].count('data-shared-form="restore"') == 1
    assert 'data-shared-form="hide"' not in pages["participant"]

    # Each further comment adds its article, not its forms.
    before = len(pages["participant"])
    comment = post(practice, members["focal point"], "Uno más")
    after = len(read(clients["participant"], practice.url))
    assert after - before < 1200


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        read(client, url)
    return len(captured.captured_queries)


@pytest.mark.parametrize("kind", KINDS)
def test_a_cached_list_costs_fewer_queries_and_they_do_not_grow(clients, practice, kind):
    client = clients[kind]
    others = [make_member("participant"), make_member("participant")]
    first = post(practice, others[0], "Comentario inicial")
    read(client, practice.url)
    # A new comment: the list is built again (a miss); the next read takes it from the cache.
    post(practice, others[1], "Otro comentario", parent=first)
    miss = queries_of(client, practice.url)
    hit = queries_of(client, practice.url)
    assert hit <= miss - 2, (miss, hit)
    assert hit <= 15

    for number in range(LATEST_COMMENTS + 5):
        comment = post(practice, others[number % 2], f"Comentario {number}")
        post(practice, others[(number + 1) % 2], f"Respuesta {number}", parent=comment)
    assert queries_of(client, practice.url) == miss
    assert queries_of(client, practice.url) == hit


def test_a_members_own_comments_cost_one_query_on_a_cached_list(members, clients, practice):
    post(practice, members["focal point"], "Un comentario ajeno")
    read(clients["participant"], practice.url)
    without = queries_of(clients["participant"], practice.url)
    for number in range(3):
        post(practice, members["participant"], f"Mi comentario {number}")
    read(clients["participant"], practice.url)
    assert queries_of(clients["participant"], practice.url) == without + 1


def test_without_javascript_a_comments_link_opens_a_page_with_its_form(members, clients, practice):
    comment = post(practice, members["focal point"], "Un comentario para responder")
    participant = clients["participant"]
    page = read(participant, practice.url)
    reply_url = reverse("discussions:comment_form", args=[comment.pk, "reply"])
    assert f'href="{reply_url}"' in page

    form_page = read(participant, reply_url)
    assert f'action="{reverse("discussions:post", args=[practice.pk])}"' in form_page
    assert f'name="parent" value="{comment.pk}"' in form_page
    assert 'for="reply-' in form_page and "Un comentario para responder" in form_page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page).group(1)
    response = participant.post(
        reverse("discussions:post", args=[practice.pk]),
        {"csrfmiddlewaretoken": token, "anchor": "", "parent": comment.pk, "body": "Mi respuesta sin script"},
    )
    assert response.status_code == 302
    assert Comment.objects.get(parent=comment).body == "<p>Mi respuesta sin script</p>"

    flag_page = read(participant, reverse("discussions:comment_form", args=[comment.pk, "flag"]))
    assert f'action="{reverse("discussions:flag", args=[comment.pk])}"' in flag_page
    assert all(f'<option value="{value}">' in flag_page for value, _ in Flag.Reason.choices)

    # What the member may not do is refused, not offered.
    assert clients["focal point"].get(reverse("discussions:comment_form", args=[comment.pk, "flag"])).status_code == 403
    assert participant.get(reverse("discussions:moderation_form", args=[comment.pk, "hide"])).status_code == 403
    assert participant.get(reverse("discussions:comment_form", args=[comment.pk, "edit"])).status_code == 404
    hide_page = read(clients["coordinator"], reverse("discussions:moderation_form", args=[comment.pk, "hide"]))
    assert f'action="{reverse("discussions:hide", args=[comment.pk])}"' in hide_page
    restore_url = reverse("discussions:moderation_form", args=[comment.pk, "restore"])
    assert clients["coordinator"].get(restore_url).status_code == 403

    committed(hide_comment, comment=comment, moderator=members["coordinator"], reason="Fuera de tema")
    assert participant.get(reply_url).status_code == 403  # no replies to a hidden comment
    restore_page = read(clients["coordinator"], restore_url)
    assert f'action="{reverse("discussions:restore", args=[comment.pk])}"' in restore_page


def test_a_drafts_cached_discussion_never_reaches_a_member_who_may_not_see_the_draft(members):
    author = members["focal point"]
    draft = make_practice("GT", author=author, live=False, title="Borrador discutido")
    post(draft, author, "Comentario interno del borrador")
    panel_url = reverse("discussions:part_panel", args=[draft.pk]) + "?anchor="
    insiders = [author, members["coordinator"]]
    strangers = [make_member("focal_point", government_code="HN"), members["participant"]]
    for member in insiders:  # they fill the cache first
        client = Client()
        client.force_login(member)
        assert "Comentario interno del borrador" in read(client, panel_url)
    for member in strangers:
        client = Client()
        client.force_login(member)
        response = client.get(panel_url)
        assert response.status_code == 404
        assert "Comentario interno del borrador" not in response.content.decode()
