"""A worker killed mid-task leaves it RUNNING; before the same worker id starts again, it is queued again."""

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from workspace.discussions.tasks import send_mention_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def claimed(worker_id):
    result = send_mention_email.enqueue(0)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker_id)
    return row


def test_only_the_dead_workers_running_tasks_are_queued_again(database_tasks, capsys):
    mine, other = claimed("prod-worker-1"), claimed("prod-worker-2")
    waiting = DBTaskResult.objects.get(pk=send_mention_email.enqueue(0).id)
    # Claimed by this worker once, then by another one (still running there): not ours any more.
    moved = claimed("prod-worker-1")
    moved.claim("prod-worker-2")

    call_command("requeue_interrupted_tasks", worker_id="prod-worker-1")

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[mine.pk] == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=mine.pk).started_at is None
    assert statuses[other.pk] == statuses[moved.pk] == TaskResultStatus.RUNNING
    assert statuses[waiting.pk] == TaskResultStatus.READY
    assert "1 interrupted task(s) of worker prod-worker-1 queued again" in capsys.readouterr().out
    # A requeued task runs again: the task skips what it already did (here: no such notification).
    assert DBTaskResult.objects.ready().filter(pk=mine.pk).exists()
