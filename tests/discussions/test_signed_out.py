"""A live client whose session ended gets a 401 it can explain, never a sign-in page taken for success."""

import time

import pytest
from django.urls import reverse

from workspace.discussions.models import Comment

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def test_an_anonymous_json_post_is_a_401_with_a_message_and_the_sign_in_address(client, live_thread):
    response = client.post(reverse("discussions:post", args=[live_thread.page_id]), {"body": "Hola"}, **JSON)
    assert response.status_code == 401
    assert response.json()["message"]
    assert response.json()["login_url"] == reverse("account_login")
    assert not Comment.objects.exists()


def test_an_anonymous_page_post_is_still_sent_to_sign_in(client, live_thread):
    response = client.post(reverse("discussions:post", args=[live_thread.page_id]), {"body": "Hola"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["comments", "events"])
def test_the_live_clients_reads_answer_401_too(client, live_thread, name):
    assert client.get(reverse(f"discussions:{name}", args=[live_thread.pk]), **JSON).status_code == 401


def test_an_idle_session_that_ended_answers_the_live_client_with_401(client_for, participant, live_thread, settings):
    client = client_for(participant)
    assert client.get("/es/").status_code == 200
    session = client.session
    session["workspace_seen_at"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 60
    session.save()

    response = client.post(reverse("discussions:post", args=[live_thread.page_id]), {"body": "Texto largo"}, **JSON)

    assert response.status_code == 401
    assert not Comment.objects.exists()
