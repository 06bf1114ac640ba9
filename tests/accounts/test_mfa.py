"""Coordinators cannot reach the Wagtail admin until they have two-factor authentication."""

import pytest

from tests.factories import PASSWORD, current_totp_code, make_member

pytestmark = pytest.mark.django_db


def test_a_coordinator_without_mfa_is_sent_to_enrol_before_the_admin(client_for):
    coordinator = make_member("coordinator", mfa=False)
    response = client_for(coordinator).get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    assert "next=%2Fadmin%2Fpages%2F" in response["Location"]


def test_a_coordinator_without_mfa_can_still_reach_the_enrolment_page(client_for):
    coordinator = make_member("coordinator", mfa=False)
    assert client_for(coordinator).get("/accounts/2fa/totp/activate/").status_code in (200, 302)


def test_a_superuser_without_mfa_is_sent_to_enrol(client_for, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.org", password=PASSWORD)
    response = client_for(admin).get("/admin/")
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_an_enrolled_coordinator_reaches_the_admin(client_for, coordinator):
    assert client_for(coordinator).get("/admin/").status_code == 200


def test_a_focal_point_is_not_forced_to_enrol(client_for, focal_point_gt):
    assert client_for(focal_point_gt).get("/admin/").status_code == 200


def test_signing_in_as_an_enrolled_coordinator_asks_for_the_code(client, coordinator):
    response = client.post("/accounts/login/", {"login": coordinator.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": current_totp_code(coordinator)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_a_coordinator_without_mfa_cannot_send_invitations(client_for):
    coordinator = make_member("coordinator", mfa=False)
    response = client_for(coordinator).get("/accounts/invitations/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_a_code_from_the_previous_step_is_accepted_once_and_never_twice(client, coordinator):
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt
    from django.test import Client

    secret = decrypt(Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP).data["secret"])
    if 30 - time.time() % 30 < 3:
        time.sleep(3)  # not across a step boundary, or "previous" would become two steps back
    previous_step = int(time.time()) // 30 - 1
    late_code = format_hotp_value(hotp_value(secret, previous_step))

    client.post("/accounts/login/", {"login": coordinator.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": late_code})
    assert client.session["_auth_user_id"] == str(coordinator.pk)

    again = Client()
    again.post("/accounts/login/", {"login": coordinator.email, "password": PASSWORD})
    again.post("/accounts/2fa/authenticate/", {"code": late_code})
    assert "_auth_user_id" not in again.session
