"""One access rule for the panel, every endpoint and the websocket: who sees and who posts where."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import URLPattern, reverse

from tests.discussions.conftest import make_draft_page, make_thread
from tests.discussions.helpers import final_status
from tests.factories import government_page, make_member
from workspace.discussions import urls as discussion_urls
from workspace.discussions.access import can_post_in_thread, can_view_thread
from workspace.notifications import urls as notification_urls

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": lambda: None,
    "inactive participant": lambda: _inactive(make_member("participant")),
    "participant": lambda: make_member("participant"),
    "focal point GT": lambda: make_member("focal_point", government_code="GT"),
    "focal point HN": lambda: make_member("focal_point", government_code="HN"),
    "coordinator": lambda: make_member("coordinator"),
}


def _inactive(member):
    member.is_active = False
    member.save(update_fields=["is_active"])
    return member


def as_user(member):
    from django.contrib.auth.models import AnonymousUser

    return member or AnonymousUser()


# role → (see live thread, post in it, post when locked, see GT draft's thread, post in it)
ACCESS_TABLE = {
    "anonymous": (False, False, False, False, False),
    "inactive participant": (False, False, False, False, False),
    "participant": (True, True, False, False, False),
    "focal point GT": (True, True, False, True, True),
    "focal point HN": (True, True, False, False, False),
    "coordinator": (True, True, True, True, True),
}


@pytest.mark.parametrize(("role", "expected"), ACCESS_TABLE.items())
def test_access_table(role, expected):
    member = as_user(ROLES[role]())
    live = make_thread(government_page("GT"))
    locked = make_thread(government_page("GT"), anchor="agenda-1", locked=True)
    draft = make_thread(make_draft_page("GT"))
    assert (
        can_view_thread(member, live),
        can_post_in_thread(member, live),
        can_post_in_thread(member, locked),
        can_view_thread(member, draft),
        can_post_in_thread(member, draft),
    ) == expected


@pytest.mark.parametrize(("role", "expected"), ACCESS_TABLE.items())
def test_the_endpoints_and_the_panel_follow_the_same_rule(client, role, expected):
    member = ROLES[role]()
    if member is not None:
        client.force_login(member)
    draft_page = make_draft_page("GT")
    draft = make_thread(draft_page)
    sees_draft = expected[3]

    response = client.get(reverse("discussions:events", args=[draft.pk]))
    if member is None or not member.is_active:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert final_status(client, "get", response.request["PATH_INFO"]) == (200 if sees_draft else 404)

    url = reverse("discussions:post", args=[draft_page.pk])
    response = client.post(url, {"body": "Hello"})
    if member is None or not member.is_active:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        if sees_draft:
            assert response.status_code == 302
        else:
            assert final_status(client, "post", url, {"body": "Hello"}) == 404
        assert draft.comments.exists() == sees_draft

    request = RequestFactory().get("/")
    request.user = as_user(member if member is None or member.is_active else None)
    html = Template("{% load discussions_tags %}{% discussion_panel page %}").render(
        Context({"request": request, "page": draft_page})
    )
    assert ("data-discussion" in html) == sees_draft


# Every discussion URL, with what a member who may not see a draft's thread gets from it.
URL_RULES = {
    "post": ("post", lambda draft, comment: [draft.page_id]),
    "mention_candidates": ("get", lambda draft, comment: [draft.page_id]),
    "page_thread": ("get", lambda draft, comment: [draft.page_id]),
    "part_panel": ("get", lambda draft, comment: [draft.page_id]),
    "edit": ("post", lambda draft, comment: [comment.pk]),
    "delete": ("post", lambda draft, comment: [comment.pk]),
    "flag": ("post", lambda draft, comment: [comment.pk]),
    "hide": ("post", lambda draft, comment: [comment.pk]),
    "restore": ("post", lambda draft, comment: [comment.pk]),
    "comment_form": ("get", lambda draft, comment: [comment.pk, "reply"]),
    "moderation_form": ("get", lambda draft, comment: [comment.pk, "hide"]),
    "lock": ("post", lambda draft, comment: [draft.pk]),
    "unlock": ("post", lambda draft, comment: [draft.pk]),
    "comments": ("get", lambda draft, comment: [draft.pk]),
    "events": ("get", lambda draft, comment: [draft.pk]),
    "older": ("get", lambda draft, comment: [draft.pk]),
    "follow": ("post", lambda draft, comment: [draft.pk]),
    "unfollow": ("post", lambda draft, comment: [draft.pk]),
}

# The member's own notification centre: another member's notification is a 404, the rest is theirs only.
MEMBER_URL_RULES = {
    "list": ("get", lambda notification: []),
    "read_all": ("post", lambda notification: []),
    "preferences": ("post", lambda notification: []),
    "open": ("post", lambda notification: [notification.pk]),
    "read": ("post", lambda notification: [notification.pk]),
}


def test_every_discussion_url_has_an_access_rule():
    names = {pattern.name for pattern in discussion_urls.urlpatterns if isinstance(pattern, URLPattern)}
    assert names == set(URL_RULES), "a new discussion URL needs a row in URL_RULES"
    notification_names = {pattern.name for pattern in notification_urls.urlpatterns if isinstance(pattern, URLPattern)}
    assert notification_names == set(MEMBER_URL_RULES), "a new notification URL needs a row in MEMBER_URL_RULES"


@pytest.mark.parametrize("name", MEMBER_URL_RULES)
def test_notification_urls_touch_only_the_members_own_notifications(client, name, participant, focal_point_gt):
    from workspace.notifications.models import Notification, NotificationPreferences

    thread = make_thread(make_draft_page("GT"))
    notification = Notification.objects.create(recipient=focal_point_gt, kind="discussions.mention", page=thread.page)
    method, args = MEMBER_URL_RULES[name]
    url = reverse(f"notifications:{name}", args=args(notification))

    assert getattr(client, method)(url).status_code == 302  # anonymous: sign in first
    client.force_login(participant)
    status = final_status(client, method, url, {"email_mentions": "", "daily_digest": ""})
    assert status == (404 if args(notification) else 200 if method == "get" else 302)
    notification.refresh_from_db()
    assert notification.read_at is None
    assert not NotificationPreferences.objects.filter(member=focal_point_gt).exists()


@pytest.mark.parametrize("name", URL_RULES)
def test_every_discussion_url_refuses_strangers_to_a_draft(client, name, focal_point_gt, focal_point_hn):
    from workspace.discussions.services import post_comment

    draft = make_thread(make_draft_page("GT"))
    comment = post_comment(thread=draft, author=focal_point_gt, body="Internal")
    method, args = URL_RULES[name]
    url = reverse(f"discussions:{name}", args=args(draft, comment))

    assert getattr(client, method)(url).status_code == 302  # anonymous: sign in first
    client.force_login(focal_point_hn)
    assert final_status(client, method, url, {"body": "x", "reason": "spam"}) == 404
    comment.refresh_from_db()
    draft.refresh_from_db()
    assert comment.body == "<p>Internal</p>" and comment.is_visible and not draft.locked
    assert not comment.flags.exists()
