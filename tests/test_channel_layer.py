"""The Redis channel layer keeps an idle socket's wait open (CI's second run, with REDIS_URL)."""

import asyncio
import os

import pytest
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: about the Redis layer")


async def test_a_channel_with_nothing_to_receive_waits_past_the_layers_blocking_pop():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    # redis-py 8's default read timeout equals channels_redis's blocking pop: the wait raised
    # redis TimeoutError after 5 s instead of going on (django/channels_redis#422).
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(channel), RedisChannelLayer.brpop_timeout + 1.5)
    await layer.send(channel, {"type": "still.here"})
    assert (await layer.receive(channel))["type"] == "still.here"
    await layer.flush()
