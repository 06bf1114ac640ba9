"""The data migrations of the live layer, on data as it was: per-language threads become one
conversation without renumbering what a client holds, and notifications move with their ids."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_member, parts_page

BEFORE = [("discussions", "0002_notifications_follows_moderation"), ("notifications", None)]
AFTER = [("discussions", "0004_notifications_moved"), ("notifications", "0002_from_discussions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_threads_of_a_pages_language_versions_merge_and_notifications_keep_their_ids(workspace):
    spanish = parts_page("GT", translate_to=["fr"])
    french = spanish.get_translations().get(locale__language_code="fr")
    ana, luc = make_member("participant"), make_member("participant")

    old = migrate(BEFORE)
    Thread = old.get_model("discussions", "Thread")
    Comment = old.get_model("discussions", "Comment")
    Event = old.get_model("discussions", "ThreadEvent")
    Follow = old.get_model("discussions", "Follow")
    Notification = old.get_model("discussions", "Notification")
    Preferences = old.get_model("discussions", "NotificationPreferences")

    def thread_with(page_id, author_id, texts):
        thread = Thread.objects.create(page_id=page_id, anchor="part-1", last_sequence=len(texts))
        comments = []
        for sequence, text in enumerate(texts, start=1):
            comment = Comment.objects.create(thread=thread, author_id=author_id, body=text, sequence=sequence)
            Event.objects.create(thread=thread, sequence=sequence, kind="posted", comment=comment)
            comments.append(comment)
        Follow.objects.create(member_id=author_id, thread=thread)
        return thread, comments

    older, (first, _second) = thread_with(spanish.pk, ana.pk, ["Uno", "Dos"])
    newer, _ = thread_with(french.pk, luc.pk, ["Un"])
    Follow.objects.create(member_id=ana.pk, thread=newer)  # Ana followed both: one follow remains
    mention = Notification.objects.create(recipient_id=luc.pk, kind="mention", thread=older, comment=first)
    Preferences.objects.create(member_id=ana.pk, daily_digest=False)

    new = migrate(AFTER)
    Thread = new.get_model("discussions", "Thread")
    Comment = new.get_model("discussions", "Comment")
    Follow = new.get_model("discussions", "Follow")
    threads = list(Thread.objects.all())
    assert [thread.pk for thread in threads] == [older.pk]  # the older thread keeps its id
    merged = threads[0]
    assert (merged.translation_key, merged.last_sequence) == (spanish.translation_key, 3)
    # The older thread's numbers are unchanged; the other's follow after them.
    assert dict(Comment.objects.filter(thread=merged).values_list("body", "sequence")) == {"Uno": 1, "Dos": 2, "Un": 3}
    assert list(merged.events.order_by("sequence").values_list("sequence", flat=True)) == [1, 2, 3]
    assert sorted(Follow.objects.filter(thread=merged).values_list("member_id", flat=True)) == sorted([ana.pk, luc.pk])
    moved = new.get_model("notifications", "Notification").objects.get()
    assert (moved.pk, moved.kind, moved.target_id, moved.page_id, moved.part) == (
        mention.pk,
        "discussions.mention",
        first.pk,
        spanish.pk,
        "part-1",
    )
    assert not new.get_model("notifications", "NotificationPreferences").objects.get(member_id=ana.pk).daily_digest

    # And back: the notification returns to the discussions' table with its id.
    back = migrate([("discussions", "0003_thread_per_page_across_languages"), ("notifications", "0001_initial")])
    restored = back.get_model("discussions", "Notification").objects.get()
    assert (restored.pk, restored.kind, restored.comment_id) == (mention.pk, "mention", first.pk)
    migrate(AFTER)
