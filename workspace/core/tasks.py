"""Queue background work so that it exists exactly when the caller's data does."""

from django.db import transaction


def enqueue_with_transaction(task, *args):
    """Queue `task(*args)` if and only if the caller's transaction commits.

    With the database task backend (production) the task's row is written inside the caller's
    transaction: the worker sees it only after commit, and a fault between the commit and a later
    INSERT cannot leave a committed notice without its email (the soak's database fault did).
    Other backends (the immediate one in development and tests) run or queue it on commit.
    """
    if _stores_tasks_in_the_database(task):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def _stores_tasks_in_the_database(task):
    try:
        from django_tasks_db import DatabaseBackend
    except ImportError:  # pragma: no cover - the backend ships with the requirements
        return False
    return isinstance(task.get_backend(), DatabaseBackend)
