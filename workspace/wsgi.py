"""WSGI entry point, for a WSGI server serving HTTP only (e.g. `gunicorn workspace.wsgi`).

Websockets need the ASGI application (workspace.asgi) under daphne or uvicorn: docs/operations.md.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspace.settings.dev")

application = get_wsgi_application()
