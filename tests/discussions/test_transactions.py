"""With real commits and several connections: concurrent retries, and a websocket fed by an HTTP POST.

Slower than the other discussion tests (the database is emptied and the workspace rebuilt for
each), so only what needs real transactions is here. Run them on PostgreSQL too (see README).
"""

import threading

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.discussions.conftest import make_thread
from tests.discussions.helpers import open_stream, page_socket, session_cookie_for
from tests.factories import government_page, make_member
from workspace.discussions.models import Comment, ThreadEvent
from workspace.discussions.services import post_comment

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_retries_of_one_post_make_one_comment(workspace):
    member = make_member("participant")
    thread = make_thread(government_page("GT"))
    attempts = 4
    barrier = threading.Barrier(attempts)
    results, errors = [], []

    def attempt():
        try:
            barrier.wait()
            results.append(post_comment(thread=thread, author=member, body="Once", idempotency_key="same").pk)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=attempt) for _ in range(attempts)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors
    assert len(results) == attempts and len(set(results)) == 1
    assert Comment.objects.filter(thread=thread).count() == 1
    assert list(ThreadEvent.objects.filter(thread=thread).values_list("sequence", "kind")) == [(1, "posted")]
    thread.refresh_from_db()
    assert thread.last_sequence == 1


def test_concurrent_posts_get_distinct_gapless_sequences(workspace):
    members = [make_member("participant") for _ in range(4)]
    thread = make_thread(government_page("GT"))
    barrier = threading.Barrier(len(members))
    errors = []

    def attempt(member):
        try:
            barrier.wait()
            for number in range(3):
                post_comment(thread=thread, author=member, body=f"{member.pk}-{number}")
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=attempt, args=[member]) for member in members]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors
    sequences = list(ThreadEvent.objects.filter(thread=thread).order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, 13))


async def test_a_post_over_http_reaches_a_connected_socket(workspace):
    member = await sync_to_async(make_member)("participant")
    page = await sync_to_async(government_page)("GT")
    cookie = await sync_to_async(session_cookie_for)(member)
    comm = page_socket(page.pk, cookie)
    assert (await open_stream(comm, "discussion:", after=0))["sequence"] == 0

    def post_over_http():
        client = Client()
        client.force_login(member)
        return client.post(reverse("discussions:post", args=[page.pk]), {"body": "Over HTTP"})

    response = await sync_to_async(post_over_http)()
    assert response.status_code == 302
    while (message := await comm.receive_json_from(timeout=3))["type"] != "event":
        pass
    assert (message["stream"], message["sequence"]) == ("discussion:", 1) and "Over HTTP" in message["html"]
    await comm.disconnect()
