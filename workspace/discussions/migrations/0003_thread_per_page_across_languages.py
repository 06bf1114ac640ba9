"""One conversation per page across languages: threads are keyed by the page's translation key.

Threads that the language versions of one page had apart (same anchor) become one: the oldest
thread keeps its id and its sequence numbers, so nothing a client holds of it changes; the
comments and events of the others follow it, numbered after its last sequence, with their
follows (one per member) and notifications. Going back keeps the merged thread (the old
constraint, one thread per page version and anchor, still holds).
"""

from django.db import migrations, models
from django.db.models import Count, F


def key_threads_by_translation(apps, schema_editor):
    Thread = apps.get_model("discussions", "Thread")
    Page = apps.get_model("wagtailcore", "Page")
    keys = dict(Page.objects.filter(pk__in=Thread.objects.values("page_id")).values_list("pk", "translation_key"))
    for thread in Thread.objects.all():
        thread.translation_key = keys[thread.page_id]
        thread.save(update_fields=["translation_key"])
    duplicated = (
        Thread.objects.values("translation_key", "anchor").annotate(count=Count("pk")).filter(count__gt=1)
    )
    for group in duplicated:
        threads = list(
            Thread.objects.filter(translation_key=group["translation_key"], anchor=group["anchor"]).order_by("pk")
        )
        survivor, others = threads[0], threads[1:]
        for other in others:
            _merge(apps, survivor=survivor, other=other)


def _merge(apps, *, survivor, other):
    Comment = apps.get_model("discussions", "Comment")
    ThreadEvent = apps.get_model("discussions", "ThreadEvent")
    Follow = apps.get_model("discussions", "Follow")
    Notification = apps.get_model("discussions", "Notification")
    offset = survivor.last_sequence
    Comment.objects.filter(thread=other).update(
        thread=survivor, sequence=F("sequence") + offset, idempotency_key=None
    )
    ThreadEvent.objects.filter(thread=other).update(thread=survivor, sequence=F("sequence") + offset)
    followers = set(Follow.objects.filter(thread=survivor).values_list("member_id", flat=True))
    Follow.objects.filter(thread=other, member_id__in=followers).delete()
    Follow.objects.filter(thread=other).update(thread=survivor)
    Notification.objects.filter(thread=other).update(thread=survivor)
    survivor.last_sequence = offset + other.last_sequence
    survivor.locked = survivor.locked or other.locked
    survivor.save(update_fields=["last_sequence", "locked"])
    other.delete()


class Migration(migrations.Migration):
    # On PostgreSQL, altering the column in the transaction that just updated its rows fails
    # ("pending trigger events"): each operation commits on its own (the RunPython atomically).
    atomic = False

    dependencies = [
        ("discussions", "0002_notifications_follows_moderation"),
        ("wagtailcore", "0057_page_locale_fields_notnull"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="thread", name="discussions_thread_page_anchor"),
        migrations.AddField(
            model_name="thread",
            name="translation_key",
            field=models.UUIDField(db_index=True, editable=False, null=True, verbose_name="page (all languages)"),
        ),
        migrations.RunPython(key_threads_by_translation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="thread",
            name="translation_key",
            field=models.UUIDField(db_index=True, editable=False, verbose_name="page (all languages)"),
        ),
        migrations.AlterField(
            model_name="thread",
            name="anchor",
            field=models.CharField(
                blank=True,
                help_text="The part of the page discussed, e.g. “activity-3f2a…”; empty for the page itself.",
                max_length=100,
                verbose_name="anchor",
            ),
        ),
        migrations.AddConstraint(
            model_name="thread",
            constraint=models.UniqueConstraint(fields=("translation_key", "anchor"), name="discussions_thread_key_anchor"),
        ),
    ]
