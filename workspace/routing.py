"""Websocket routes of every app, gathered for the ASGI application."""

from workspace.discussions.routing import websocket_urlpatterns as discussions_routes

websocket_urlpatterns = [*discussions_routes]
