"""The moderation queue in the Wagtail admin: who sees it, its filters, and hide/restore through the services."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.factories import government_page, make_member
from workspace.accounts.models import COORDINATORS_GROUP
from workspace.discussions.models import Flag
from workspace.discussions.services import HIDE_ACTION, RESTORE_ACTION, flag_comment, hide_comment, post_comment
from workspace.notifications.models import Notification

from .conftest import make_thread

QUEUE = "discussion_moderation:index"
# What setup_workspace grants the Coordinators group.
COORDINATOR_PERMISSIONS = ("view_comment", "moderate_comment")


def test_setup_workspace_grants_coordinators_the_moderation_queue(db):
    granted = Group.objects.get(name=COORDINATORS_GROUP).permissions.filter(content_type__app_label="discussions")
    assert set(COORDINATOR_PERMISSIONS) <= set(granted.values_list("codename", flat=True))


@pytest.fixture
def moderators(db):
    group = Group.objects.get(name=COORDINATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="discussions", codename__in=COORDINATOR_PERMISSIONS)
    )


@pytest.fixture
def comments(live_thread, participant):
    """A flagged comment on Guatemala's page, a plain one on Honduras' page."""
    flagged = post_comment(thread=live_thread, author=participant, body="Buy cheap watches")
    for reason in ("spam", "spam", "offensive"):
        flag_comment(comment=flagged, member=make_member("participant"), reason=reason)
    plain = post_comment(thread=make_thread(government_page("HN")), author=participant, body="A useful remark")
    return flagged, plain


def listing(client, query=""):
    response = client.get(reverse(QUEUE) + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.usefixtures("moderators")
def test_the_queue_lists_comments_with_flag_reasons_and_counts(client_for, coordinator, comments):
    html = listing(client_for(coordinator), "?queue=all")
    assert "Buy cheap watches" in html and "A useful remark" in html
    assert re.search(r"Spam ×2, [^<]+ ×1", html)  # reasons with counts, most frequent first


@pytest.mark.usefixtures("moderators")
@pytest.mark.parametrize(
    ("query", "shown", "not_shown"),
    [
        ("?queue=all&flagged=true", "Buy cheap watches", "A useful remark"),
        ("?queue=all&flagged=false", "A useful remark", "Buy cheap watches"),
        ("?queue=all&government=HN", "A useful remark", "Buy cheap watches"),
        ("?queue=all&government=GT", "Buy cheap watches", "A useful remark"),
        ("?queue=all&hidden=false", "A useful remark", "nothing"),
    ],
)
def test_the_queue_filters(client_for, coordinator, comments, query, shown, not_shown):
    html = listing(client_for(coordinator), query)
    assert shown in html and not_shown not in html


@pytest.mark.usefixtures("moderators")
def test_the_queue_filters_by_page_and_hidden(client_for, coordinator, comments):
    flagged, plain = comments
    client = client_for(coordinator)
    html = listing(client, f"?queue=all&page={plain.thread.page_id}")
    assert "A useful remark" in html and "Buy cheap watches" not in html
    hide_comment(comment=flagged, moderator=coordinator, reason="Spam")
    html = listing(client, "?queue=all&hidden=true")
    assert "Buy cheap watches" in html and "A useful remark" not in html


@pytest.mark.usefixtures("moderators")
def test_hide_and_restore_from_the_queue_use_the_services(client_for, coordinator, participant, comments):
    flagged, _ = comments
    client = client_for(coordinator)
    hide_url = reverse("discussion_moderation:hide", args=[flagged.pk])
    assert hide_url in listing(client)

    response = client.post(hide_url, {"reason": ""})
    assert response.status_code == 200 and 'class="error-message"' in response.content.decode()
    flagged.refresh_from_db()
    assert not flagged.hidden

    response = client.post(hide_url, {"reason": "Advertising"})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.hidden and flagged.hidden_reason == "Advertising" and flagged.hidden_by == coordinator
    assert ModelLogEntry.objects.filter(action=HIDE_ACTION, object_id=str(flagged.pk)).exists()
    assert flagged.events.filter(kind="hidden").exists()  # broadcast to live clients like any hide
    assert Notification.objects.filter(recipient=participant, kind="discussions.moderation").about(flagged).exists()

    response = client.post(reverse("discussion_moderation:restore", args=[flagged.pk]), {"reason": "Appeal"})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert not flagged.hidden
    assert ModelLogEntry.objects.filter(action=RESTORE_ACTION, object_id=str(flagged.pk)).exists()


@pytest.mark.usefixtures("moderators")
def test_comments_change_only_through_moderation_even_for_superusers(client_for, coordinator, comments):
    flagged, _ = comments
    coordinator.is_superuser = True
    coordinator.save()
    client = client_for(coordinator)
    for name in ("edit", "delete"):
        assert client.get(reverse(f"discussion_moderation:{name}", args=[flagged.pk])).status_code in (302, 403)
    assert client.get(reverse("discussion_moderation:add")).status_code in (302, 403)


def test_without_the_model_permissions_there_is_no_queue(client_for, focal_point_gt, comments):
    flagged, _ = comments
    for member in (focal_point_gt,):  # only the Coordinators group has the grants
        client = client_for(member)
        assert client.get(reverse(QUEUE)).status_code in (302, 403)
        response = client.post(reverse("discussion_moderation:hide", args=[flagged.pk]), {"reason": "x"})
        assert response.status_code in (302, 403)
    flagged.refresh_from_db()
    assert not flagged.hidden


@pytest.mark.usefixtures("moderators")
def test_the_queue_opens_on_what_is_flagged_and_not_yet_handled_oldest_first(
    client_for, coordinator, participant, live_thread, django_assert_max_num_queries
):
    now = timezone.now()

    def flagged(body, *, reasons, days_ago):
        comment = post_comment(thread=live_thread, author=participant, body=body)
        for reason in reasons:
            flag_comment(comment=comment, member=make_member("participant"), reason=reason)
        Flag.objects.filter(comment=comment).update(created=now - timedelta(days=days_ago))
        return comment

    recent = flagged("Flagged yesterday", reasons=("offensive",), days_ago=1)
    oldest = flagged("Flagged last week", reasons=("spam", "spam", "off_topic"), days_ago=7)
    handled = flagged("Flagged and hidden", reasons=("spam",), days_ago=30)
    hide_comment(comment=handled, moderator=coordinator, reason="Advertising")
    post_comment(thread=live_thread, author=participant, body="Never flagged")
    client = client_for(coordinator)

    with django_assert_max_num_queries(40):
        html = listing(client)

    # Only what awaits a moderator, the longest-waiting first, with the count and the reasons.
    assert html.index("Flagged last week") < html.index("Flagged yesterday")
    assert "Flagged and hidden" not in html and "Never flagged" not in html
    assert re.search(r"Spam ×2, [^<]+ ×1", html)
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S)
    oldest_row = next(row for row in rows if "Flagged last week" in row)
    assert re.search(r">\s*3\s*<", oldest_row)  # three flags
    assert not oldest.hidden and not recent.hidden

    # Everything else is one choice away.
    html = listing(client, "?queue=all")
    assert all(text in html for text in ("Flagged last week", "Flagged and hidden", "Never flagged"))
