"""Logging filters: a terminal shows what happened, not a traceback for every refusal."""

import logging


class NoTracebackForClientErrors(logging.Filter):
    """A 403 or 404 is an answer, not a failure: keep its line, drop the traceback (5xx keep theirs)."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
