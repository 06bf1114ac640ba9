"""The bell's socket (`/ws/me/`): the member's unread count, pushed. Nothing is written here."""

from channels.db import database_sync_to_async

from workspace.live.consumers import LiveConsumer

from .services import unread_count


class BellConsumer(LiveConsumer):
    """A group message `member.notifications` only wakes it; the count is read from the database, so
    counts from two commits cannot arrive out of order with a stale number last. The heartbeat
    sends the count again (a lost wake-up costs one beat, and the client tells a live socket from a
    dead one)."""

    async def on_open(self):
        await self.send_json({"type": "hello"})
        await self.member_notifications({})

    async def on_heartbeat(self):
        await self.member_notifications({})

    async def member_notifications(self, message):
        unread = await database_sync_to_async(unread_count)(self.user_id)
        await self.send_json({"type": "notifications", "unread": unread})
