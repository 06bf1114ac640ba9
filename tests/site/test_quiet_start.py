"""Issue 12: a quiet start: seeding sends no email; a 403 is one log line without a traceback."""

import io
import logging

import pytest
from django.core import mail
from django.core.management import call_command

from workspace.site.log_filters import NoTracebackForClientErrors

pytestmark = pytest.mark.django_db


def test_seed_demo_sends_no_email_and_prints_a_short_summary(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert mail.outbox == []
    assert len(out.getvalue().splitlines()) < 30
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"  # restored


def _record(status):
    try:
        raise PermissionError("no")
    except PermissionError:
        import sys

        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden", (), sys.exc_info())
    record.status_code = status
    return record


def test_client_errors_log_without_a_traceback_and_server_errors_keep_it():
    quiet = _record(403)
    assert NoTracebackForClientErrors().filter(quiet) and quiet.exc_info is None
    loud = _record(500)
    assert NoTracebackForClientErrors().filter(loud) and loud.exc_info is not None
