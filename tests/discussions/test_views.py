"""The HTTP side: posting without JavaScript (redirect + message), with it (JSON), and every refusal."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from tests.discussions.helpers import XSS_PAYLOADS, assert_clean_comment_html, comment_bodies
from tests.factories import parts_page
from workspace.discussions.models import Comment, Thread
from workspace.discussions.services import post_comment

JSON = {"HTTP_ACCEPT": "application/json"}


def render_panel(page, member, anchor=""):
    request = RequestFactory().get("/")
    request.user = member
    return Template("{% load discussions_tags %}{% discussion_panel page anchor=anchor %}").render(
        Context({"request": request, "page": page, "anchor": anchor})
    )


def test_posting_without_javascript_creates_the_thread_and_returns_to_the_comment(client_for, participant):
    page = parts_page()
    client = client_for(participant)
    response = client.post(reverse("discussions:post", args=[page.pk]), {"body": "Hola", "anchor": "part-3"})
    comment = Comment.objects.get()
    assert comment.thread.page_id == page.pk and comment.thread.anchor == "part-3"
    assert comment.thread.translation_key == page.translation_key
    assert response.status_code == 302
    # Back to the comment, its part's discussion open (a page with many parts shows them on demand).
    assert response["Location"] == f"{page.url}?discuss=part-3#comment-{comment.pk}"
    assert [str(m) for m in get_messages(response.wsgi_request)]


def test_posting_with_javascript_answers_the_rendered_comment(client_for, participant, live_thread):
    client = client_for(participant)
    url = reverse("discussions:post", args=[live_thread.page_id])
    response = client.post(url, {"body": "<em>Hola</em>", "idempotency_key": "abc"}, **JSON)
    assert response.status_code == 201
    data = response.json()
    comment = Comment.objects.get()
    assert data["comment_id"] == comment.pk and data["thread_id"] == live_thread.pk and data["sequence"] == 1
    assert f'id="comment-{comment.pk}"' in data["html"] and "<em>Hola</em>" in data["html"]
    # The retry of the same submission returns the same comment.
    again = client.post(url, {"body": "<em>Hola</em>", "idempotency_key": "abc"}, **JSON).json()
    assert again["comment_id"] == comment.pk and Comment.objects.count() == 1


def test_a_reply_posts_under_its_parent(client_for, participant, coordinator, live_thread):
    top = post_comment(thread=live_thread, author=coordinator, body="Question")
    client = client_for(participant)
    client.post(reverse("discussions:post", args=[live_thread.page_id]), {"body": "Answer", "parent": top.pk})
    assert Comment.objects.get(parent=top).author == participant


@pytest.mark.parametrize(
    "body", ["", "x" * 5001, "<script>alert(1)</script>"], ids=["empty", "too long", "nothing left"]
)
def test_a_bad_comment_shows_the_form_again_never_a_500(client_for, participant, live_thread, body):
    client = client_for(participant)
    url = reverse("discussions:post", args=[live_thread.page_id])
    response = client.post(url, {"body": body})
    assert response.status_code == 400
    assert b'class="form-errors"' in response.content and b'name="body"' in response.content
    response = client.post(url, {"body": body}, **JSON)
    assert response.status_code == 400 and response.json()["message"]
    assert not Comment.objects.exists()


def test_a_reply_to_a_missing_comment_is_a_form_error(client_for, participant, live_thread):
    response = client_for(participant).post(
        reverse("discussions:post", args=[live_thread.page_id]), {"body": "Hi", "parent": 999999}
    )
    assert response.status_code == 400


def test_the_http_path_answers_429_when_the_member_posts_too_fast(client_for, participant, live_thread, settings):
    settings.DISCUSSIONS_RATE_LIMITS = ((10**9, 2),)  # one fixed window for the whole test
    client = client_for(participant)
    url = reverse("discussions:post", args=[live_thread.page_id])
    assert client.post(url, {"body": "1"}).status_code == 302
    assert client.post(url, {"body": "2"}, **JSON).status_code == 201
    response = client.post(url, {"body": "3"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert b"too fast" in response.content or b"demasiado" in response.content
    response = client.post(url, {"body": "3"}, **JSON)
    assert response.status_code == 429 and response.json()["message"]
    assert Comment.objects.count() == 2


def test_a_locked_thread_refuses_members_with_403(client_for, participant, live_thread):
    Thread.objects.filter(pk=live_thread.pk).update(locked=True)
    response = client_for(participant).post(reverse("discussions:post", args=[live_thread.page_id]), {"body": "Hi"})
    assert response.status_code == 403


def test_moderation_endpoints_are_for_coordinators(client, participant, coordinator, live_thread):
    comment = post_comment(thread=live_thread, author=participant, body="Hmm")
    client.force_login(participant)
    assert client.post(reverse("discussions:hide", args=[comment.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("discussions:lock", args=[live_thread.pk])).status_code == 403
    client.force_login(coordinator)
    response = client.post(reverse("discussions:hide", args=[comment.pk]), {"reason": "Off topic"})
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    assert client.post(reverse("discussions:lock", args=[live_thread.pk])).status_code == 302
    comment.refresh_from_db()
    live_thread.refresh_from_db()
    assert comment.hidden and live_thread.locked
    assert client.post(reverse("discussions:restore", args=[comment.pk]), **JSON).status_code == 200
    assert client.post(reverse("discussions:unlock", args=[live_thread.pk]), **JSON).json()["sequence"] == 5


def test_edit_delete_and_flag_endpoints(client_for, participant, coordinator, live_thread):
    comment = post_comment(thread=live_thread, author=participant, body="Draft")
    client = client_for(participant)
    assert client.post(reverse("discussions:edit", args=[comment.pk]), {"body": "Final"}).status_code == 302
    Comment.objects.filter(pk=comment.pk).update(created=comment.created - timedelta(minutes=16))
    assert client.post(reverse("discussions:edit", args=[comment.pk]), {"body": "Later"}).status_code == 403
    assert client.post(reverse("discussions:delete", args=[comment.pk]), **JSON).status_code == 200
    comment.refresh_from_db()
    assert comment.deleted and comment.body == "<p>Final</p>"
    other = post_comment(thread=live_thread, author=coordinator, body="Something")
    assert client.post(reverse("discussions:flag", args=[other.pk]), {"reason": "nope"}).status_code == 400
    assert client.post(reverse("discussions:flag", args=[other.pk]), {"reason": "spam"}).status_code == 302
    assert other.flags.get().reason == "spam"


def test_get_on_a_post_endpoint_is_405(client_for, participant, live_thread):
    assert client_for(participant).get(reverse("discussions:lock", args=[live_thread.pk])).status_code == 405


def test_the_events_endpoint_catches_a_client_up(client_for, participant, live_thread):
    first = post_comment(thread=live_thread, author=participant, body="One")
    second = post_comment(thread=live_thread, author=participant, body="Two")
    data = client_for(participant).get(reverse("discussions:events", args=[live_thread.pk]), {"after": 1}).json()
    assert data["sequence"] == 2 and data["more"] is False
    assert [(e["sequence"], e["kind"], e["comment_id"]) for e in data["events"]] == [(2, "posted", second.pk)]
    assert first.pk != second.pk
    assert (
        client_for(participant).get(reverse("discussions:events", args=[live_thread.pk]), {"after": "x"}).status_code
        == 400
    )


def test_the_comments_fragment_lists_the_thread(client_for, participant, live_thread):
    post_comment(thread=live_thread, author=participant, body="Listed")
    response = client_for(participant).get(reverse("discussions:comments", args=[live_thread.pk]))
    assert response.status_code == 200 and b"Listed" in response.content


# --- The panel -------------------------------------------------------------------------------


def test_posting_on_a_part_the_page_does_not_declare_is_a_400_and_creates_nothing(client_for, participant):
    page = parts_page()
    client = client_for(participant)
    response = client.post(reverse("discussions:post", args=[page.pk]), {"body": "Hola", "anchor": "part-99"}, **JSON)
    assert response.status_code == 400 and response.json()["message"] == "Esta parte de la página no se puede comentar."
    response = client.post(reverse("discussions:post", args=[page.pk]), {"body": "Hola", "anchor": "Part 1"}, **JSON)
    assert response.status_code == 400
    assert not Thread.objects.exists() and not Comment.objects.exists()


def test_the_panel_of_an_undeclared_part_is_not_shown(participant, live_page):
    assert render_panel(live_page, participant, anchor="agenda-3").strip() == ""


def test_the_panel_without_a_thread_shows_an_empty_state_and_creates_nothing(participant):
    page = parts_page()
    html = render_panel(page, participant, anchor="part-3")
    assert "data-empty-state" in html and 'name="anchor" value="part-3"' in html
    assert f'data-live-socket="/ws/pages/{page.pk}/"' in html and 'data-stream="discussion:part-3"' in html
    assert 'src="/static/js/discussions.js" defer' in html
    assert not Thread.objects.exists()


def test_hostile_comments_are_harmless_in_the_page(participant, live_thread, settings):
    settings.DISCUSSIONS_RATE_LIMITS = ()
    for number, payload in enumerate(XSS_PAYLOADS):
        post_comment(thread=live_thread, author=participant, body=f"Hola {payload}", idempotency_key=str(number))
    html = render_panel(live_thread.page, participant)
    bodies = comment_bodies(html)
    assert len(bodies) == Comment.objects.count()
    for body in bodies:
        assert_clean_comment_html(body)
    lowered = html.lower()
    assert "onerror" not in lowered and "javascript:" not in lowered and "<script>alert" not in lowered
    assert "<iframe" not in lowered and "<svg" not in lowered


def test_a_stored_body_is_sanitised_again_on_output(participant, live_thread):
    comment = post_comment(thread=live_thread, author=participant, body="Fine")
    Comment.objects.filter(pk=comment.pk).update(body='<img src=x onerror="alert(1)"><p>Fine</p>')
    html = render_panel(live_thread.page, participant)
    assert "onerror" not in html and "<p>Fine</p>" in html


def test_deleted_and_hidden_comments_leave_placeholders(participant, coordinator, live_thread):
    from workspace.discussions.services import delete_comment, hide_comment

    gone = post_comment(thread=live_thread, author=participant, body="Gone text")
    post_comment(thread=live_thread, author=coordinator, body="Reply stays", parent=gone)
    delete_comment(comment=gone, member=participant)
    rude = post_comment(thread=live_thread, author=participant, body="Rude text")
    hide_comment(comment=rude, moderator=coordinator, reason="Insulting")
    member_view = render_panel(live_thread.page, participant)
    assert "Gone text" not in member_view and "Rude text" not in member_view and "Reply stays" in member_view
    assert member_view.count('class="comment__placeholder"') == 2
    assert "Insulting" in member_view  # the author learns why
    coordinator_view = render_panel(live_thread.page, coordinator)
    assert "Rude text" in coordinator_view and "Gone text" not in coordinator_view


def test_the_panel_costs_the_same_queries_for_3_or_30_comments(
    participant, coordinator, live_thread, django_assert_max_num_queries
):
    def count_queries(viewer):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        page = type(live_thread.page).objects.get(pk=live_thread.page_id)  # a fresh page, as a request has
        with CaptureQueriesContext(connection) as queries:
            render_panel(page, viewer)
        return len(queries)

    def add(n):
        with mock.patch("workspace.discussions.services.check_rate_limit"):
            for number in range(n):
                top = post_comment(thread=live_thread, author=participant, body=f"Top {number}")
                post_comment(thread=live_thread, author=coordinator, body=f"Reply {number}", parent=top)

    def both():
        return {viewer.pk: count_queries(viewer) for viewer in (participant, coordinator)}

    add(3)
    both()  # the member's own groups and permissions are read once per request's user
    few = both()  # the list from the cache (rendering.SharedCommentList)
    cache.clear()
    few_built = both()
    add(27)
    cache.clear()
    many_built = both()
    many = both()
    assert many == few and many_built == few_built
    assert few[participant.pk] < few_built[participant.pk] <= 20
