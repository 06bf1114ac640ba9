"""A panel opened before the page's first comment asks whether the thread exists yet."""

import pytest
from django.urls import reverse

from tests.discussions.conftest import make_draft_page, make_thread
from tests.factories import government_page
from workspace.discussions.services import post_comment

pytestmark = pytest.mark.django_db


def ask(client, page, anchor=""):
    return client.get(reverse("discussions:page_thread", args=[page.pk]), {"anchor": anchor})


def test_no_thread_until_the_first_comment_then_the_thread_and_its_sequence(client_for, participant):
    page = government_page("GT")
    client = client_for(participant)
    assert ask(client, page).json() == {"thread_id": None, "sequence": 0}

    thread = make_thread(page, anchor="activity-2")
    post_comment(thread=thread, author=participant, body="First")

    assert ask(client, page).json() == {"thread_id": None, "sequence": 0}  # another part of the page
    assert ask(client, page, "activity-2").json() == {"thread_id": thread.pk, "sequence": 1}


def test_a_draft_s_thread_is_not_revealed_to_another_government(client_for, focal_point_gt, focal_point_hn):
    draft = make_draft_page("GT")
    make_thread(draft)
    assert ask(client_for(focal_point_gt), draft).json()["thread_id"] is not None
    response = ask(client_for(focal_point_hn), draft)
    assert response.status_code == 404 and b"thread_id" not in response.content
