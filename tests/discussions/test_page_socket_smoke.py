import pytest
from asgiref.sync import async_to_sync, sync_to_async

from tests.discussions.helpers import committed, open_stream, page_socket, refusal_code, session_cookie_for
from workspace.discussions import services

pytestmark = pytest.mark.usefixtures("sockets_in_test_transaction")


def test_a_comment_reaches_a_subscribed_page_socket(live_page, participant, coordinator):
    thread = services.get_or_create_thread(page=live_page)
    cookie = session_cookie_for(participant)

    async def scenario():
        assert await refusal_code(page_socket(live_page.pk)) == 4401
        comm = page_socket(live_page.pk, cookie)
        subscribed = await open_stream(comm, "discussion:", after=0)
        assert subscribed == {"type": "subscribed", "stream": "discussion:", "sequence": 0}
        await sync_to_async(committed)(services.post_comment, thread=thread, author=coordinator, body="Hola")
        while True:
            message = await comm.receive_json_from(timeout=2)
            if message["type"] == "event":
                break
        assert message["stream"] == "discussion:" and message["sequence"] == 1 and "Hola" in message["html"]
        await comm.disconnect()

    async_to_sync(scenario)()
