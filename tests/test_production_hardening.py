"""Production hardening (issue 13): __Host- cookies, wss-only websockets, a clean 503 while the
database is unreachable, and a cache that survives a Redis restart.

Settings are read from workspace.settings.production in a subprocess; the behaviour is exercised
in-process with the same values. The whole chain through nginx is run by deploy/prod.sh --check.
"""

import json
import re
import sys

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory

from tests.factories import PASSWORD, make_member
from tests.test_settings import PRODUCTION_ENV, manage
from workspace.asgi import CLOSE_TLS_REQUIRED, application, websocket_is_secure
from workspace.site.cache import ResilientRedisCache
from workspace.site.views import server_error

HOST_PREFIXED = {
    "SESSION_COOKIE_NAME": "__Host-sessionid",
    "CSRF_COOKIE_NAME": "__Host-csrftoken",
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SESSION_COOKIE_PATH": "/",
    "CSRF_COOKIE_PATH": "/",
    "SESSION_COOKIE_DOMAIN": None,
    "CSRF_COOKIE_DOMAIN": None,
}
PROXY_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def production_settings(*names):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {list(names)!r}}}, default=list))"
    )
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_carry_the_host_prefix_and_websockets_need_tls():
    values = production_settings(*HOST_PREFIXED, "WEBSOCKETS_REQUIRE_TLS", "SECURE_PROXY_SSL_HEADER")
    assert {name: values[name] for name in HOST_PREFIXED} == HOST_PREFIXED
    assert values["WEBSOCKETS_REQUIRE_TLS"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == list(PROXY_HEADER)


@pytest.fixture
def host_prefixed(settings):
    for name, value in HOST_PREFIXED.items():
        setattr(settings, name, value)
    settings.SECURE_PROXY_SSL_HEADER = PROXY_HEADER
    return settings


@pytest.mark.django_db
def test_signing_in_with_host_prefixed_cookies_over_https(host_prefixed):
    member = make_member("participant")
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/accounts/login/", secure=True)
    assert page.status_code == 200
    csrf_cookie = browser.cookies["__Host-csrftoken"]
    assert csrf_cookie["secure"] and csrf_cookie["path"] == "/" and not csrf_cookie["domain"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)

    response = browser.post(
        "/accounts/login/",
        {"login": member.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        secure=True,
        headers={"referer": "https://testserver/accounts/login/"},
    )
    assert response.status_code == 302, response.content[:500]
    session_cookie = browser.cookies["__Host-sessionid"]
    assert session_cookie["secure"] and session_cookie["path"] == "/" and not session_cookie["domain"]
    assert session_cookie["httponly"]
    assert "sessionid" not in browser.cookies and "csrftoken" not in browser.cookies
    assert browser.get("/es/", secure=True).wsgi_request.user == member


def test_a_websocket_is_secure_by_scheme_or_by_the_proxy_header(settings):
    settings.SECURE_PROXY_SSL_HEADER = PROXY_HEADER
    assert websocket_is_secure({"scheme": "wss", "headers": []})
    assert websocket_is_secure({"scheme": "ws", "headers": [(b"x-forwarded-proto", b"https")]})
    assert not websocket_is_secure({"scheme": "ws", "headers": [(b"x-forwarded-proto", b"http")]})
    assert not websocket_is_secure({"scheme": "ws", "headers": []})
    # The proxy appends or overwrites; the last header wins, as for Django's HTTP check.
    assert not websocket_is_secure(
        {"scheme": "ws", "headers": [(b"x-forwarded-proto", b"https"), (b"x-forwarded-proto", b"http")]}
    )
    settings.SECURE_PROXY_SSL_HEADER = None
    assert not websocket_is_secure({"scheme": "ws", "headers": [(b"x-forwarded-proto", b"https")]})


def socket_cookie(member):
    client = Client()
    client.force_login(member)
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("proto, expected", [(b"http", "closed"), (None, "closed"), (b"https", "hello")])
async def test_behind_tls_a_plain_websocket_is_accepted_then_closed_with_4426(settings, caplog, proto, expected):
    from asgiref.sync import sync_to_async

    settings.WEBSOCKETS_REQUIRE_TLS = True
    settings.SECURE_PROXY_SSL_HEADER = PROXY_HEADER
    # A plain account: transactional tests flush the groups that setup_workspace made.
    email = f"ws-{proto}@example.org"
    member = await sync_to_async(get_user_model().objects.create_user)(email=email, password=PASSWORD)
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"cookie", await sync_to_async(socket_cookie)(member))]
    if proto:
        headers.append((b"x-forwarded-proto", proto))
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected  # accepted first, so the browser sees the close code
    message = await communicator.receive_output(timeout=5)
    if expected == "closed":
        assert message == {"type": "websocket.close", "code": CLOSE_TLS_REQUIRED}
        assert any('"close_code": 4426' in record.getMessage() for record in caplog.records)
    else:
        assert json.loads(message["text"]) == {"type": "hello"}
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_websockets_over_plain_http_stay_allowed_without_the_setting(settings):
    settings.WEBSOCKETS_REQUIRE_TLS = False
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=[(b"origin", b"http://127.0.0.1:8000")])
    connected, _ = await communicator.connect()
    assert connected  # past the TLS check: the consumer's own answer follows (accept, then close)
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()


# --- 503 while the database is unreachable -------------------------------------------------------


def raised(error, request):
    try:
        raise error
    except Exception:
        return server_error(request)


@pytest.mark.parametrize("error", [OperationalError("connection refused"), InterfaceError("connection closed")])
def test_an_unreachable_database_answers_503_with_a_readable_page(error):
    response = raised(error, RequestFactory().get("/es/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "<h1>" in body and "Traceback" not in body and "connection refused" not in body


def test_an_unreachable_database_answers_503_json_to_the_live_client():
    request = RequestFactory().post("/discussions/pages/1/comments/", HTTP_ACCEPT="application/json")
    response = raised(OperationalError("server closed the connection unexpectedly"), request)
    assert response.status_code == 503
    assert set(json.loads(response.content)) == {"message", "errors"}


def test_any_other_error_is_a_plain_500_page():
    response = raised(ValueError("a bug"), RequestFactory().get("/es/"))
    assert response.status_code == 500
    assert "Retry-After" not in response and "a bug" not in response.content.decode()


@pytest.mark.django_db
def test_the_500_handler_is_wired(client, monkeypatch):
    from workspace.site import views

    def broken():
        raise OperationalError("gone")

    monkeypatch.setattr(views, "_database_answers", broken)
    client.raise_request_exception = False
    response = client.get("/healthz")
    assert response.status_code == 503 and response["Retry-After"] == "5"


# --- The cache while Redis is down ---------------------------------------------------------------


def test_the_cache_degrades_instead_of_failing_while_redis_is_unreachable(caplog):
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.5}})
    assert cache.get("missing", "fallback") == "fallback"
    assert cache.add("key", 0, timeout=60) is False
    assert cache.incr("key") == 1  # a rate-limit counter starts again: fail open
    cache.set("key", 1)
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("key") is False
    cache.delete("key")
    cache.set_many({"a": 1})
    cache.delete_many(["a"])
    assert any("cache unavailable" in record.getMessage() for record in caplog.records)


def test_the_resilient_cache_is_the_production_cache():
    values = production_settings("CACHES")
    assert values["CACHES"]["default"]["BACKEND"] == "workspace.site.cache.ResilientRedisCache"


if sys.platform == "win32":  # pragma: no cover
    pytest.skip("POSIX only", allow_module_level=True)
