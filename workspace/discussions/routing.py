from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/me/", consumers.MemberConsumer.as_asgi()),
    path("ws/threads/<int:thread_id>/", consumers.ThreadConsumer.as_asgi()),
]
