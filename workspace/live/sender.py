"""The one way to push to live clients. Nothing else in the workspace calls `group_send` for a change.

Pushes are wake-up calls, never the data of record: a client that misses one catches up from the
database (replay by sequence, or the state read again), so a failing channel layer is logged and
never fails the write that caused it.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .groups import member_group

logger = logging.getLogger(__name__)


def send_on_commit(group, message):
    """Push `message` to `group` once the current transaction commits (at once outside one).

    A rolled-back change is never announced. Never raises.
    """
    transaction.on_commit(lambda: send_now(group, message))


def send_now(group, message):
    """Push at once, for what reports no data (a refusal, a typing notice). Never raises."""
    try:
        channel_layer = get_channel_layer()
        if channel_layer is not None:
            async_to_sync(channel_layer.group_send)(group, message)
    except Exception:
        logger.exception("Push to %s failed; live clients will catch up from the database", group)


def close_member_sockets(user_id):
    """After commit, close every socket of the member (bell and pages) with 4401: deactivation, MFA reset.

    Should the push be lost, each socket's heartbeat re-reads the member and closes anyway.
    """
    send_on_commit(member_group(user_id), {"type": "member.deactivated"})
