import pytest
from channels.layers import channel_layers
from django.db import OperationalError, connections

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["database"] == "ok"


def test_healthz_answers_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def unavailable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", unavailable)
    monkeypatch.setattr(type(connections["default"]), "pool", None, raising=False)  # PostgreSQL's, if any
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]


def test_with_a_pool_the_database_check_waits_only_a_few_seconds_for_a_connection(client, monkeypatch):
    # PostgreSQL refusing new connections: the pool would keep a request waiting for its whole
    # timeout (DATABASE_POOL_TIMEOUT, 10 s), longer than a load balancer waits for a probe.
    from psycopg_pool import PoolTimeout

    from workspace.site.views import HEALTHZ_DATABASE_WAIT

    waited = []

    class RefusingPool:
        def connection(self, timeout=None):
            waited.append(timeout)
            raise PoolTimeout(f"couldn't get a connection after {timeout} sec")

    monkeypatch.setattr(type(connections["default"]), "pool", property(lambda self: RefusingPool()), raising=False)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["failing"] == ["database"]
    assert waited == [HEALTHZ_DATABASE_WAIT] and HEALTHZ_DATABASE_WAIT <= 3


@pytest.fixture
def unreachable_redis_layer(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:1/0"}]},
        }
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_healthz_answers_503_naming_the_channel_layer_when_redis_is_down(client, unreachable_redis_layer):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["channel_layer"]
    assert body["checks"]["database"] == "ok"
