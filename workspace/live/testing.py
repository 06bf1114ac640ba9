"""Test helpers: capture what was pushed, the way Zulip's `capture_send_event_calls` does."""

import contextlib
from unittest import mock

from . import sender


class CapturedPushes(list):
    """Every (group, message) pushed, in order; `on_commit` pushes appear once the commit ran."""

    def to(self, group):
        return [message for sent_to, message in self if sent_to == group]

    def of_type(self, message_type):
        return [(group, message) for group, message in self if message.get("type") == message_type]


@contextlib.contextmanager
def capture_pushes(*, deliver=True):
    """Record every push; with `deliver`, still send it to the channel layer (sockets in the test hear it)."""
    captured = CapturedPushes()
    real_send_now = sender.send_now

    def recording_send_now(group, message):
        captured.append((group, message))
        if deliver:
            real_send_now(group, message)

    with mock.patch.object(sender, "send_now", recording_send_now):
        yield captured
