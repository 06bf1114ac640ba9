"""Bring the discussions' notifications and email preferences here, keeping their ids (links in
emails and open pages name them). A notification points at its comment (or, without one, its
thread's page), its page and its part; its kind gets the room's prefix. Reversible."""

from django.db import migrations

PREFIX = "discussions."


def forward(apps, schema_editor):
    Old = apps.get_model("discussions", "Notification")
    OldPreferences = apps.get_model("discussions", "NotificationPreferences")
    Notification = apps.get_model("notifications", "Notification")
    Preferences = apps.get_model("notifications", "NotificationPreferences")
    ContentType = apps.get_model("contenttypes", "ContentType")
    comment_type, _ = ContentType.objects.get_or_create(app_label="discussions", model="comment")
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    rows = []
    for old in Old.objects.select_related("thread").iterator():
        rows.append(
            Notification(
                pk=old.pk,
                recipient_id=old.recipient_id,
                kind=PREFIX + old.kind,
                page_id=old.thread.page_id,
                part=old.thread.anchor,
                target_type=comment_type if old.comment_id else page_type,
                target_id=old.comment_id or old.thread.page_id,
                created=old.created,
                read_at=old.read_at,
                emailed_at=old.emailed_at,
            )
        )
    Notification.objects.bulk_create(rows, batch_size=500)
    Preferences.objects.bulk_create(
        [
            Preferences(pk=old.pk, member_id=old.member_id, email_mentions=old.email_mentions, daily_digest=old.daily_digest)
            for old in OldPreferences.objects.all()
        ]
    )
    _reset_sequences(schema_editor, Notification, Preferences)


def backward(apps, schema_editor):
    Old = apps.get_model("discussions", "Notification")
    OldPreferences = apps.get_model("discussions", "NotificationPreferences")
    Thread = apps.get_model("discussions", "Thread")
    Comment = apps.get_model("discussions", "Comment")
    Notification = apps.get_model("notifications", "Notification")
    Preferences = apps.get_model("notifications", "NotificationPreferences")
    rows = []
    for new in Notification.objects.filter(kind__startswith=PREFIX).iterator():
        comment = Comment.objects.filter(pk=new.target_id).first() if new.target_type.model == "comment" else None
        thread = comment.thread if comment else Thread.objects.filter(page_id=new.page_id, anchor=new.part).first()
        if thread is None:
            continue
        rows.append(
            Old(
                pk=new.pk,
                recipient_id=new.recipient_id,
                kind=new.kind.removeprefix(PREFIX),
                thread=thread,
                comment=comment,
                created=new.created,
                read_at=new.read_at,
                emailed_at=new.emailed_at,
            )
        )
    Old.objects.bulk_create(rows, batch_size=500)
    OldPreferences.objects.bulk_create(
        [
            OldPreferences(pk=p.pk, member_id=p.member_id, email_mentions=p.email_mentions, daily_digest=p.daily_digest)
            for p in Preferences.objects.all()
        ]
    )
    Notification.objects.all().delete()
    Preferences.objects.all().delete()
    _reset_sequences(schema_editor, Old, OldPreferences)


def _reset_sequences(schema_editor, *models):
    """Explicit ids were inserted: move PostgreSQL's sequences past them (SQLite needs nothing)."""
    connection = schema_editor.connection
    statements = connection.ops.sequence_reset_sql(_NoStyle(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("discussions", "0003_thread_per_page_across_languages"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
