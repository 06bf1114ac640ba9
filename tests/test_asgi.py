"""The websocket side of the ASGI application: origin validation and session authentication."""

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from workspace.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True)]


def session_cookie_for(user):
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


@pytest.fixture
def member(transactional_db):
    return get_user_model().objects.create_user(email="ws@example.org", password="correct-horse-battery-42")


async def test_a_foreign_origin_is_refused(member):
    from asgiref.sync import sync_to_async

    cookie = await sync_to_async(session_cookie_for)(member)
    communicator = WebsocketCommunicator(
        application, "/ws/me/", headers=[(b"origin", b"https://evil.example.com"), (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


async def test_a_member_on_the_sites_origin_is_accepted(member):
    from asgiref.sync import sync_to_async

    cookie = await sync_to_async(session_cookie_for)(member)
    communicator = WebsocketCommunicator(
        application, "/ws/me/", headers=[(b"origin", b"http://127.0.0.1:8000"), (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from() == {"type": "hello"}
    await communicator.disconnect()


async def test_an_anonymous_socket_is_accepted_then_closed_with_4401():
    # Accepted first, so the browser reads the code instead of a bare 1006.
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=[(b"origin", b"http://127.0.0.1:8000")])
    connected, _ = await communicator.connect()
    assert connected
    output = await communicator.receive_output()
    assert output == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()
