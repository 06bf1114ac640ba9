"""The discussion services: what a comment may contain, who may change it, and what gets recorded."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from wagtail.models import ModelLogEntry

from tests.discussions.helpers import XSS_PAYLOADS, assert_clean_comment_html, committed
from tests.factories import make_member
from workspace.discussions.models import Comment, CommentRevision, Flag, ThreadEvent
from workspace.discussions.services import (
    RateLimited,
    delete_comment,
    edit_comment,
    flag_comment,
    hide_comment,
    lock_thread,
    post_comment,
    restore_comment,
    unlock_thread,
)


def events_of(thread):
    return list(ThreadEvent.objects.filter(thread=thread).order_by("sequence").values_list("sequence", "kind"))


# --- Content ---------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_a_hostile_comment_is_stored_sanitised(live_thread, participant, payload):
    comment = post_comment(thread=live_thread, author=participant, body=f"Hola {payload} adiós")
    assert_clean_comment_html(comment.body)
    lowered = comment.body.lower()
    assert "javascript:" not in lowered and "onerror" not in lowered and "<script" not in lowered


def test_light_formatting_is_kept_and_links_are_nofollow(live_thread, participant):
    body = '<p><strong>Bold</strong> <em>it</em> <a href="https://iom.int">IOM</a></p><ul><li>one</li></ul>'
    comment = post_comment(thread=live_thread, author=participant, body=body)
    assert comment.body == (
        '<p><strong>Bold</strong> <em>it</em> <a href="https://iom.int" rel="nofollow noopener">IOM</a></p>'
        "<ul><li>one</li></ul>"
    )


def test_plain_text_keeps_its_paragraphs_and_line_breaks(live_thread, participant):
    comment = post_comment(thread=live_thread, author=participant, body="First line\nsecond line\n\nNew paragraph")
    assert comment.body == "<p>First line<br>second line</p>\n\n<p>New paragraph</p>"


def test_a_comment_of_5000_characters_is_accepted_and_one_more_is_refused(live_thread, participant):
    assert post_comment(thread=live_thread, author=participant, body="a" * 5000)
    with pytest.raises(ValidationError) as error:
        post_comment(thread=live_thread, author=participant, body="a" * 5001)
    assert error.value.code == "too_long"
    # Markup does not count, entities count as the character they stand for.
    assert post_comment(
        thread=live_thread, author=participant, body="<strong>" + "&amp;" * 1000 + "a" * 4000 + "</strong>"
    )


@pytest.mark.parametrize("body", ["", "   ", "<script>alert(1)</script>", "<p> </p>"])
def test_an_empty_comment_is_refused(live_thread, participant, body):
    with pytest.raises(ValidationError):
        post_comment(thread=live_thread, author=participant, body=body)
    assert not Comment.objects.filter(thread=live_thread).exists()
    assert live_thread.events.count() == 0


# --- Replies ---------------------------------------------------------------------------------


def test_replies_go_one_level_deep(live_thread, participant, coordinator):
    top = post_comment(thread=live_thread, author=participant, body="Question")
    reply = post_comment(thread=live_thread, author=coordinator, body="Answer", parent=top)
    assert reply.parent == top
    with pytest.raises(ValidationError) as error:
        post_comment(thread=live_thread, author=participant, body="Reply to the reply", parent=reply)
    assert error.value.code == "depth"


def test_a_reply_must_stay_in_its_thread(live_thread, participant, live_page):
    from tests.discussions.conftest import make_thread

    other = make_thread(live_page, anchor="activity-1")
    top = post_comment(thread=other, author=participant, body="Elsewhere")
    with pytest.raises(ValidationError):
        post_comment(thread=live_thread, author=participant, body="Reply", parent=top)


# --- Edit and delete -------------------------------------------------------------------------


def test_the_author_edits_within_15_minutes_and_the_old_body_is_kept(live_thread, participant):
    comment = post_comment(thread=live_thread, author=participant, body="Frist")
    edited = edit_comment(comment=comment, editor=participant, body="First")
    assert edited.body == "<p>First</p>" and edited.edited is not None
    assert list(CommentRevision.objects.filter(comment=comment).values_list("body", flat=True)) == ["<p>Frist</p>"]
    assert events_of(live_thread) == [(1, "posted"), (2, "edited")]


def test_no_edit_after_15_minutes(live_thread, participant):
    comment = post_comment(thread=live_thread, author=participant, body="Old")
    Comment.objects.filter(pk=comment.pk).update(created=comment.created - timedelta(minutes=15, seconds=1))
    with pytest.raises(PermissionDenied):
        edit_comment(comment=comment, editor=participant, body="New")
    comment.refresh_from_db()
    assert comment.body == "<p>Old</p>"


def test_nobody_edits_someone_elses_comment(live_thread, participant, coordinator):
    comment = post_comment(thread=live_thread, author=participant, body="Mine")
    with pytest.raises(PermissionDenied):
        edit_comment(comment=comment, editor=coordinator, body="Yours now")


def test_delete_is_soft_and_only_for_the_author(live_thread, participant, coordinator):
    comment = post_comment(thread=live_thread, author=participant, body="Oops")
    reply = post_comment(thread=live_thread, author=coordinator, body="Reply", parent=comment)
    with pytest.raises(PermissionDenied):
        delete_comment(comment=comment, member=coordinator)
    delete_comment(comment=comment, member=participant)
    comment.refresh_from_db()
    assert comment.deleted and comment.body == "<p>Oops</p>"
    assert Comment.objects.filter(pk=reply.pk, deleted=False).exists()
    assert events_of(live_thread)[-1] == (3, "deleted")


# --- Idempotency and sequences ---------------------------------------------------------------


def test_a_retried_post_returns_the_original_comment(live_thread, participant):
    first = post_comment(thread=live_thread, author=participant, body="Once", idempotency_key="k-1")
    again = post_comment(thread=live_thread, author=participant, body="Once", idempotency_key="k-1")
    assert again.pk == first.pk
    assert Comment.objects.filter(thread=live_thread).count() == 1
    assert events_of(live_thread) == [(1, "posted")]


def test_the_same_key_from_another_member_is_another_comment(live_thread, participant, coordinator):
    first = post_comment(thread=live_thread, author=participant, body="Mine", idempotency_key="k-1")
    other = post_comment(thread=live_thread, author=coordinator, body="Mine too", idempotency_key="k-1")
    assert first.pk != other.pk


def test_a_lost_insert_race_returns_the_winner_without_a_gap(live_thread, participant):
    """The second of two concurrent retries passes the lookup, then hits the unique constraint."""
    winner = post_comment(thread=live_thread, author=participant, body="Once", idempotency_key="race")
    real_filter = Comment.objects.filter

    def lookup_misses_once(*args, **kwargs):
        if kwargs.get("idempotency_key") == "race" and not getattr(lookup_misses_once, "done", False):
            lookup_misses_once.done = True
            return Comment.objects.none()
        return real_filter(*args, **kwargs)

    with mock.patch.object(Comment.objects, "filter", side_effect=lookup_misses_once):
        again = post_comment(thread=live_thread, author=participant, body="Once", idempotency_key="race")
    assert again.pk == winner.pk
    live_thread.refresh_from_db()
    assert live_thread.last_sequence == 1
    assert post_comment(thread=live_thread, author=participant, body="Next").sequence == 2


def test_every_change_takes_the_next_sequence_without_gaps(live_thread, participant, coordinator):
    first = post_comment(thread=live_thread, author=participant, body="One")
    with pytest.raises(ValidationError):
        post_comment(thread=live_thread, author=participant, body="")
    second = post_comment(thread=live_thread, author=coordinator, body="Two", parent=first)
    edit_comment(comment=first, editor=participant, body="One, edited")
    hide_comment(comment=second, moderator=coordinator, reason="Test")
    restore_comment(comment=second, moderator=coordinator)
    lock_thread(thread=live_thread, moderator=coordinator)
    unlock_thread(thread=live_thread, moderator=coordinator)
    delete_comment(comment=first, member=participant)
    assert events_of(live_thread) == [
        (1, "posted"),
        (2, "posted"),
        (3, "edited"),
        (4, "hidden"),
        (5, "restored"),
        (6, "locked"),
        (7, "unlocked"),
        (8, "deleted"),
    ]
    live_thread.refresh_from_db()
    assert live_thread.last_sequence == 8
    assert [first.sequence, second.sequence] == [1, 2]


# --- Rate limit ------------------------------------------------------------------------------


@pytest.fixture
def frozen_clock():
    """Fixed windows: keep the test inside one minute."""
    with mock.patch("workspace.core.ratelimit.time.time", return_value=1_800_000_000.0):
        yield


def test_the_eleventh_comment_in_a_minute_is_refused(live_thread, participant, coordinator, frozen_clock):
    for number in range(10):
        post_comment(thread=live_thread, author=participant, body=f"Comment {number}", idempotency_key=f"k{number}")
    with pytest.raises(RateLimited) as error:
        post_comment(thread=live_thread, author=participant, body="One too many")
    assert error.value.retry_after > 0
    assert Comment.objects.filter(author=participant).count() == 10
    # Per member: someone else still posts, and a retry of an accepted post is not counted.
    assert post_comment(thread=live_thread, author=coordinator, body="Fine")
    assert post_comment(thread=live_thread, author=participant, body="Comment 0", idempotency_key="k0")


def test_the_daily_limit_holds_across_minutes(live_thread, participant, settings, frozen_clock):
    settings.DISCUSSIONS_RATE_LIMITS = ((60, 10), (24 * 60 * 60, 3))
    for number in range(3):
        post_comment(thread=live_thread, author=participant, body=f"Comment {number}")
    two_minutes_later = mock.patch("workspace.core.ratelimit.time.time", return_value=1_800_000_000.0 + 120)
    with two_minutes_later, pytest.raises(RateLimited):
        post_comment(thread=live_thread, author=participant, body="Tomorrow, maybe")


def test_edits_share_the_posting_budget(live_thread, participant, settings, frozen_clock):
    settings.DISCUSSIONS_RATE_LIMITS = ((60, 2),)
    comment = post_comment(thread=live_thread, author=participant, body="One")
    edit_comment(comment=comment, editor=participant, body="One!")
    with pytest.raises(RateLimited):
        edit_comment(comment=comment, editor=participant, body="One!!")


# --- Moderation ------------------------------------------------------------------------------


def test_only_coordinators_hide_and_restore_and_the_audit_log_says_so(live_thread, participant, coordinator):
    comment = post_comment(thread=live_thread, author=participant, body="Off topic")
    with pytest.raises(PermissionDenied):
        hide_comment(comment=comment, moderator=make_member("focal_point", government_code="GT"), reason="No")
    with pytest.raises(ValidationError):
        hide_comment(comment=comment, moderator=coordinator, reason=" ")
    hide_comment(comment=comment, moderator=coordinator, reason="Not about this practice")
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_by == coordinator and comment.hidden_reason == "Not about this practice"
    restore_comment(comment=comment, moderator=coordinator, reason="Appealed")
    comment.refresh_from_db()
    assert not comment.hidden
    entries = ModelLogEntry.objects.filter(object_id=str(comment.pk)).order_by("timestamp", "pk")
    assert [(e.action, e.user_id, e.data["reason"]) for e in entries] == [
        ("discussions.hide_comment", coordinator.pk, "Not about this practice"),
        ("discussions.restore_comment", coordinator.pk, "Appealed"),
    ]
    assert entries[0].formatter is not None  # registered in wagtail_hooks: readable in the admin


def test_a_locked_thread_takes_comments_from_coordinators_only(live_thread, participant, coordinator):
    with pytest.raises(PermissionDenied):
        lock_thread(thread=live_thread, moderator=participant)
    lock_thread(thread=live_thread, moderator=coordinator)
    with pytest.raises(PermissionDenied):
        post_comment(thread=live_thread, author=participant, body="Let me in")
    assert post_comment(thread=live_thread, author=coordinator, body="Closing remarks")
    unlock_thread(thread=live_thread, moderator=coordinator)
    assert post_comment(thread=live_thread, author=participant, body="Thanks")
    assert [e.action for e in ModelLogEntry.objects.filter(object_id=str(live_thread.pk)).order_by("pk")] == [
        "discussions.lock_thread",
        "discussions.unlock_thread",
    ]


def test_flags_once_per_member_with_a_reason(live_thread, participant, coordinator):
    comment = post_comment(thread=live_thread, author=coordinator, body="Phone numbers of shelters: …")
    flag_comment(comment=comment, member=participant, reason=Flag.Reason.SPAM)
    flag_comment(comment=comment, member=participant, reason=Flag.Reason.CONFIDENTIAL)
    assert list(Flag.objects.values_list("member", "reason")) == [(participant.pk, "confidential")]
    with pytest.raises(ValidationError):
        flag_comment(comment=comment, member=participant, reason="boring")
    with pytest.raises(PermissionDenied):
        flag_comment(comment=comment, member=coordinator, reason=Flag.Reason.SPAM)


def test_a_member_cannot_post_in_a_draft_they_cannot_see(draft_thread, focal_point_hn):
    with pytest.raises(Http404):
        post_comment(thread=draft_thread, author=focal_point_hn, body="Peek")


# --- Broadcast -------------------------------------------------------------------------------


def test_the_push_happens_after_commit_with_the_stream_and_sequence(live_thread, participant, captured_pushes):
    post_comment(thread=live_thread, author=participant, body="Not yet")
    assert captured_pushes == []  # its transaction never commits (the test's): nobody hears of it
    committed(post_comment, thread=live_thread, author=participant, body="Hi")
    assert captured_pushes.to(live_thread.group_name) == [
        {"type": "stream.event", "stream": "discussion:", "sequence": 2},
    ]
    assert live_thread.group_name == f"page-{live_thread.translation_key.hex}"


def test_nothing_is_pushed_when_the_post_fails(live_thread, participant, captured_pushes):
    with pytest.raises(ValidationError):
        committed(post_comment, thread=live_thread, author=participant, body="")
    assert captured_pushes.of_type("stream.event") == []


def test_a_failing_channel_layer_is_logged_and_the_comment_is_saved(live_thread, participant, caplog):
    layer = mock.Mock()
    layer.group_send = mock.AsyncMock(side_effect=ConnectionError("Redis is down"))
    with mock.patch("workspace.live.sender.get_channel_layer", return_value=layer):
        comment = committed(post_comment, thread=live_thread, author=participant, body="Still here")
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert layer.group_send.await_count >= 1
    assert "Push to page-" in caplog.text and "Redis is down" in caplog.text
