"""Sessions: a new key at sign-in, safe cookies in production, and a signed-out cookie opens no socket."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from wagtail.models import ModelLogEntry

from tests.discussions.helpers import ORIGIN, refusal_code
from tests.factories import PASSWORD, government_page
from tests.test_settings import PRODUCTION_ENV, manage
from workspace.accounts import services
from workspace.asgi import application

pytestmark = pytest.mark.django_db


def test_signing_in_rotates_the_session_key(participant):
    client = Client()
    before = client.session
    before["seen_the_sign_in_page"] = True
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key

    response = client.post("/accounts/login/", {"login": participant.email, "password": PASSWORD})

    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before.session_key
    assert not Session.objects.filter(session_key=before.session_key).exists()


def test_production_cookies_are_secure_http_only_and_same_site_lax():
    script = (
        "from django.conf import settings as s; import json; print(json.dumps({"
        "'session_secure': s.SESSION_COOKIE_SECURE, 'session_http_only': s.SESSION_COOKIE_HTTPONLY,"
        "'session_same_site': s.SESSION_COOKIE_SAMESITE, 'csrf_secure': s.CSRF_COOKIE_SECURE,"
        "'csrf_same_site': s.CSRF_COOKIE_SAMESITE, 'hsts': s.SECURE_HSTS_SECONDS}))"
    )
    result = manage("shell", "-c", script, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "session_secure": True,
        "session_http_only": True,
        "session_same_site": "Lax",
        "csrf_secure": True,
        "csrf_same_site": "Lax",
        "hsts": 31536000,
    }


@pytest.mark.usefixtures("sockets_in_test_transaction")
def test_after_signing_out_the_old_cookie_opens_no_socket(participant):
    client = Client()
    client.post("/accounts/login/", {"login": participant.email, "password": PASSWORD})
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()
    page = government_page("GT")
    client.post("/accounts/logout/")

    async def closes_with(path):
        comm = WebsocketCommunicator(application, path, headers=[ORIGIN, (b"cookie", cookie)])
        code = await refusal_code(comm)
        await comm.disconnect()
        return code

    assert async_to_sync(closes_with)(f"/ws/pages/{page.pk}/") == 4401
    assert async_to_sync(closes_with)("/ws/me/") == 4401


def test_coordinators_browse_the_audit_log_filtered_and_focal_points_do_not_see_member_actions(
    client_for, coordinator, participant, focal_point_gt
):
    services.deactivate_member(member=participant, by=coordinator, reason="Left the ministry")
    entry = ModelLogEntry.objects.get(action="workspace.member.deactivate")
    url = "/admin/reports/site-history/?action=workspace.member.deactivate"

    as_coordinator = client_for(coordinator).get(url)
    assert as_coordinator.status_code == 200
    assert [row.pk for row in as_coordinator.context["object_list"]] == [entry.pk]

    as_focal_point = client_for(focal_point_gt).get(url)
    rows = as_focal_point.context["object_list"] if as_focal_point.status_code == 200 else []
    assert entry.pk not in [row.pk for row in rows]
