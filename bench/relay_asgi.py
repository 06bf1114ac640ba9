"""The workspace's ASGI application plus one benchmark-only websocket route, `/ws/bench-relay/`.

The route is the yardstick of bench/fanout.py: a bare Channels consumer that joins one group and
relays every JSON frame it receives to the whole group (no authentication, no database, no
rendering). Served by the same server processes and channel layer as the workspace, so the two
can be compared under the same load. Never mounted in the product's routing.

    uvicorn bench.relay_asgi:application --lifespan off
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from workspace.asgi import application as workspace_application

RELAY_PATH = "/ws/bench-relay/"
RELAY_GROUP = "bench-relay"


class RelayConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(RELAY_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(RELAY_GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs):
        await self.channel_layer.group_send(RELAY_GROUP, {"type": "relay.message", "payload": content})

    async def relay_message(self, message):
        await self.send_json(message["payload"])


relay = RelayConsumer.as_asgi()


async def application(scope, receive, send):
    if scope["type"] == "websocket" and scope["path"] == RELAY_PATH:
        return await relay(scope, receive, send)
    return await workspace_application(scope, receive, send)
