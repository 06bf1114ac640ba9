from channels.generic.websocket import AsyncJsonWebsocketConsumer

# Close codes are documented in docs/realtime.md.
CLOSE_UNAUTHENTICATED = 4401


def member_group_name(user_id):
    return f"member-{user_id}"


class MemberConsumer(AsyncJsonWebsocketConsumer):
    """A member's own push channel (notification counts arrive here).

    It only pushes: everything a member changes goes through an HTTP POST.
    """

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group_name = member_group_name(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello"})

    async def disconnect(self, code):
        if getattr(self, "group_name", None):
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def member_event(self, event):
        await self.send_json(event["payload"])
