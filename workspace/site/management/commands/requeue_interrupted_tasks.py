"""Put back in the queue the tasks a dead worker was running, before that worker starts again.

django-tasks-db marks a task RUNNING with the worker's id when a worker claims it; a worker killed
mid-task (out of memory, a host restart, `kill -9`) leaves it RUNNING forever. Run this with the
worker's own, stable `--worker-id` just before `db_worker --worker-id …` (deploy/worker.sh does):
no other worker can be running that id's tasks then, so they are safe to run again. The tasks
must be idempotent (the workspace's mark what they sent, e.g. a notification's `emailed_at`).
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def requeue_interrupted_tasks(*, worker_id):
    """Tasks RUNNING whose last claim was by `worker_id` become READY again; returns how many."""
    with transaction.atomic():
        interrupted = [
            result.pk
            for result in DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
            if result.worker_ids and result.worker_ids[-1] == worker_id
        ]
        DBTaskResult.objects.filter(pk__in=interrupted).update(status=TaskResultStatus.READY, started_at=None)
    return len(interrupted)


class Command(BaseCommand):
    help = "Queue again the tasks that the worker with this id was running when it stopped."

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", required=True)

    def handle(self, *args, worker_id, **options):
        count = requeue_interrupted_tasks(worker_id=worker_id)
        self.stdout.write(f"{count} interrupted task(s) of worker {worker_id} queued again")
