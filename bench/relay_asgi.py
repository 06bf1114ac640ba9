"""The workspace's ASGI application plus the benchmark-only yardsticks of bench/fanout.py.

- `/ws/bench-relay/`: a bare Channels consumer that joins one group and relays every JSON frame it
  receives to the whole group (no authentication, no database, no rendering).
- `POST /bench/post/` + `/ws/bench-post/`: the fairer yardstick with the HTTP write on its side too.
  A bare Django view behind the workspace's own middleware (session, authentication, CSRF, locale…)
  inserts one row in a transaction and, on commit, `group_send`s the frame; a bare consumer relays
  it to its clients.

Served by the same server processes and channel layer as the workspace, so they can be compared
under the same load. Never mounted in the product's routing.

    uvicorn bench.relay_asgi:application --lifespan off
"""

from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.core.handlers.asgi import ASGIHandler, ASGIRequest
from django.db import connection, transaction
from django.http import HttpResponseForbidden, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from workspace.asgi import application as workspace_application

RELAY_PATH = "/ws/bench-relay/"
RELAY_GROUP = "bench-relay"
POST_PATH = "/bench/post/"
POST_SOCKET_PATH = "/ws/bench-post/"
POST_GROUP = "bench-post"
POST_TABLE = "CREATE TABLE IF NOT EXISTS bench_post (sequence integer, author_id integer, body text)"


class RelayConsumer(AsyncJsonWebsocketConsumer):
    group = RELAY_GROUP

    async def connect(self):
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        await self.channel_layer.group_send(self.group, {"type": "relay.message", "payload": content})

    async def relay_message(self, message):
        await self.send_json(message["payload"])


class PostRelayConsumer(RelayConsumer):
    group = POST_GROUP

    async def receive_json(self, content, **kwargs):
        pass  # listens only: the frames come from the bare POST view


@require_POST
def bare_post(request):
    """Session, CSRF and the rest of the middleware ran; one INSERT; the frame leaves on commit."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    sequence = int(request.POST["sequence"])
    payload = {"type": "relay", "sequence": sequence, "html": request.POST.get("html", "")}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_post (sequence, author_id, body) VALUES (%s, %s, %s)",
                [sequence, request.user.pk, payload["html"]],
            )
        transaction.on_commit(
            lambda: async_to_sync(get_channel_layer().group_send)(
                POST_GROUP, {"type": "relay.message", "payload": payload}
            )
        )
    return JsonResponse({"sequence": sequence}, status=201)


urlpatterns = [path(POST_PATH.strip("/") + "/", bare_post)]


class BenchRequest(ASGIRequest):
    urlconf = __name__  # Django resolves with request.urlconf when a request carries one


class BenchHandler(ASGIHandler):
    request_class = BenchRequest


relay = RelayConsumer.as_asgi()
post_relay = PostRelayConsumer.as_asgi()
bench_http = BenchHandler()


async def application(scope, receive, send):
    if scope["type"] == "websocket" and scope["path"] == RELAY_PATH:
        return await relay(scope, receive, send)
    if scope["type"] == "websocket" and scope["path"] == POST_SOCKET_PATH:
        return await post_relay(scope, receive, send)
    if scope["type"] == "http" and scope["path"] == POST_PATH:
        return await bench_http(scope, receive, send)
    return await workspace_application(scope, receive, send)
