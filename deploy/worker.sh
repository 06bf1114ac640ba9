#!/usr/bin/env bash
# The task worker of the production topology, with a stable worker id: tasks this worker was
# running when it died (status RUNNING under its id) are put back in the queue before it starts
# again, so a killed worker loses no notice (the tasks themselves skip what they already did).
set -euo pipefail
worker_id="${PROD_WORKER_ID:-prod-worker-1}"
.venv/bin/python manage.py requeue_interrupted_tasks --worker-id "$worker_id"
exec .venv/bin/python manage.py db_worker --worker-id "$worker_id" --interval 0.5 --no-startup-delay
