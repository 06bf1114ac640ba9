import json

import pytest

pytestmark = pytest.mark.django_db


def security_lines(caplog):
    return [json.loads(record.getMessage()) for record in caplog.records if record.name == "workspace.security"]


def test_a_failed_sign_in_is_one_json_line_without_the_password(client, participant, caplog):
    client.post("/accounts/login/", {"login": participant.email, "password": "wrong-password-1"})
    [event] = [line for line in security_lines(caplog) if line["event"] == "login_failed"]
    assert event["login"] == participant.email
    assert event["path"] == "/accounts/login/"
    assert "wrong-password-1" not in caplog.text


def test_a_throttled_sign_in_is_logged(client, participant, caplog):
    for _ in range(6):
        client.post("/accounts/login/", {"login": participant.email, "password": "wrong-password-1"})
    assert "login_rate_limited" in [line["event"] for line in security_lines(caplog)]


def test_cr_and_lf_in_a_path_cannot_forge_a_log_line(caplog, rf):
    from workspace.core.security import security_event

    request = rf.get("/es/x\r\nINFO forged event")
    security_event("probe", request=request, token="secret-token")
    [record] = [record for record in caplog.records if record.name == "workspace.security"]
    assert "\n" not in record.getMessage() and "\r" not in record.getMessage()
    assert "secret-token" not in record.getMessage()
