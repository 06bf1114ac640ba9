import time

import pytest

pytestmark = pytest.mark.django_db


def age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[f"workspace_{key}_at"] = now - ago
    session.save()


def test_an_active_session_stays_open(client_for, participant):
    client = client_for(participant)
    assert client.get("/es/").status_code == 200
    assert client.get("/es/").status_code == 200


def test_a_session_idle_for_too_long_ends(client_for, participant, settings):
    client = client_for(participant)
    client.get("/es/")
    age_session(client, seen=settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get("/es/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(client_for, participant, settings):
    client = client_for(participant)
    client.get("/es/")
    age_session(client, started=settings.SESSION_ABSOLUTE_LIFETIME + 5, seen=10)
    response = client.get("/es/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_absolute_lifetime_is_at_most_twelve_hours(settings):
    assert settings.SESSION_ABSOLUTE_LIFETIME <= 12 * 3600
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_signing_out_invalidates_the_old_cookie(client, participant):
    client.post("/accounts/login/", {"login": participant.email, "password": "correct-horse-battery-42"})
    old_cookie = client.cookies["sessionid"].value
    assert client.get("/es/").status_code == 200
    client.post("/accounts/logout/")
    client.cookies["sessionid"] = old_cookie
    response = client.get("/es/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_members_can_list_their_sessions(client, participant):
    client.post("/accounts/login/", {"login": participant.email, "password": "correct-horse-battery-42"})
    response = client.get("/accounts/sessions/")
    assert response.status_code == 200
