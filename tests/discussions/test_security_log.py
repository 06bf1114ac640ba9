"""Security events of the discussions: another government's draft asked for by id, rate-limit hits."""

import json

import pytest
from django.urls import reverse

from tests.discussions.conftest import make_thread
from workspace.discussions.services import post_comment

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def security_lines(caplog, event):
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "workspace.security"]
    return [line for line in lines if line["event"] == event]


@pytest.fixture
def draft_comment(draft_thread, focal_point_gt):
    return post_comment(thread=draft_thread, author=focal_point_gt, body="Borrador de Guatemala")


def test_a_thread_of_another_governments_draft_is_a_404_and_one_log_line(
    client_for, focal_point_hn, draft_thread, caplog
):
    client = client_for(focal_point_hn)
    url = reverse("discussions:comments", args=[draft_thread.pk])
    assert client.get(url).status_code == 404
    [line] = security_lines(caplog, "foreign_object_404")
    assert line["user_id"] == focal_point_hn.pk and line["path"] == url
    assert line["kind"] == "thread" and line["object_id"] == draft_thread.pk
    assert client.session.session_key not in caplog.text


def test_a_comment_of_another_governments_draft_is_logged(client_for, participant, draft_comment, caplog):
    url = reverse("discussions:flag", args=[draft_comment.pk])
    assert client_for(participant).post(url, {"reason": "spam"}).status_code == 404
    [line] = security_lines(caplog, "foreign_object_404")
    assert (line["kind"], line["object_id"], line["user_id"]) == ("comment", draft_comment.pk, participant.pk)


def test_posting_on_another_governments_draft_page_is_logged(client_for, focal_point_hn, draft_page, caplog):
    url = reverse("discussions:post", args=[draft_page.pk])
    assert client_for(focal_point_hn).post(url, {"body": "Hola"}, **JSON).status_code == 404
    [line] = security_lines(caplog, "foreign_object_404")
    assert (line["kind"], line["object_id"], line["path"]) == ("page", draft_page.pk, url)


def test_an_object_that_does_not_exist_is_a_plain_404(client_for, focal_point_hn, caplog):
    assert client_for(focal_point_hn).get(reverse("discussions:comments", args=[999999])).status_code == 404
    assert security_lines(caplog, "foreign_object_404") == []


def test_the_drafts_own_government_is_not_logged(client_for, focal_point_gt, draft_thread, caplog):
    assert client_for(focal_point_gt).get(reverse("discussions:comments", args=[draft_thread.pk])).status_code == 200
    assert security_lines(caplog, "foreign_object_404") == []


def test_a_live_pages_thread_is_not_logged(client_for, participant, live_page, caplog):
    thread = make_thread(live_page)
    assert client_for(participant).get(reverse("discussions:comments", args=[thread.pk])).status_code == 200
    assert security_lines(caplog, "foreign_object_404") == []


def test_a_rate_limit_hit_is_one_log_line(client_for, participant, live_thread, settings, caplog):
    settings.DISCUSSIONS_RATE_LIMITS = ((10**9, 2),)  # one fixed window for the whole test
    client = client_for(participant)
    url = reverse("discussions:post", args=[live_thread.page_id])
    for body in ("1", "2"):
        assert client.post(url, {"body": body}, **JSON).status_code == 201
    assert security_lines(caplog, "discussion_rate_limited") == []
    assert client.post(url, {"body": "3"}, **JSON).status_code == 429
    [line] = security_lines(caplog, "discussion_rate_limited")
    assert line["user_id"] == participant.pk
    assert (line["window"], line["limit"]) == (10**9, 2)
    assert "body" not in line
