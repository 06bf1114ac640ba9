"""Websocket routes of every room, gathered for the ASGI application: one socket per page, one for the bell."""

from workspace.live.routing import websocket_urlpatterns as live_routes
from workspace.notifications.routing import websocket_urlpatterns as notifications_routes

websocket_urlpatterns = [*live_routes, *notifications_routes]
