"""Rate limits count by the client's address, which a forged X-Forwarded-For cannot change."""

import json

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

FORGED = "198.51.100.7"
PROXY_SAW = "203.0.113.9"


def request_with(forwarded_for):
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert get_adapter().get_client_ip(request_with(FORGED)) == "10.0.0.2"


def test_behind_one_proxy_the_address_it_appended_counts_not_the_clients_own(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert get_adapter().get_client_ip(request_with(f"{FORGED}, {PROXY_SAW}")) == PROXY_SAW


def test_rotating_a_forged_header_does_not_escape_the_per_address_limit(client, caplog):
    # allauth allows 10 failed sign-ins a minute per address; different accounts each time, so
    # that the per-account limit (5) is not what stops them.
    for attempt in range(12):
        client.post(
            "/accounts/login/",
            {"login": f"nobody{attempt}@example.org", "password": "wrong-password-1"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        )
    throttled = [
        json.loads(record.getMessage())["login"]
        for record in caplog.records
        if "login_rate_limited" in record.getMessage()
    ]
    assert throttled == ["nobody10@example.org", "nobody11@example.org"]
