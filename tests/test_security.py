"""Headers, CSRF, hosts, enumeration and throttling: each test fails if its protection is removed."""

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-42"


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_the_site_sends_a_strict_content_security_policy(client_for, participant):
    response = client_for(participant).get("/es/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_the_sign_in_page_has_the_strict_policy_too(client):
    policy = directives(Client().get("/accounts/login/")["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]


def test_the_admin_gets_its_own_relaxed_policy(client_for, coordinator):
    response = client_for(coordinator).get("/admin/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_forged_host_header_is_refused(client):
    assert client.get("/accounts/login/", HTTP_HOST="evil.example.com").status_code == 400


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/accounts/login/", {"login": "x@example.org", "password": "x"}),
        ("/i18n/setlang/", {"language": "fr"}),
        ("/accounts/logout/", {}),
        ("/accounts/invitations/", {"email": "x@example.org", "role": "participant", "language": "es"}),
    ],
)
def test_state_changing_posts_need_the_csrf_token(coordinator, path, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    assert client.post(path, data).status_code == 403


def test_failed_sign_ins_are_throttled_per_account_and_success_does_not_reset(client, participant):
    for _ in range(2):
        client.post("/accounts/login/", {"login": participant.email, "password": "wrong-password-1"})
    assert client.post("/accounts/login/", {"login": participant.email, "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(3):
        client.post("/accounts/login/", {"login": participant.email, "password": "wrong-password-1"})
    # Five failures in five minutes: even the right password is refused now.
    response = client.post("/accounts/login/", {"login": participant.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_password_reset_does_not_reveal_who_is_a_member(client, participant):
    known = client.post("/accounts/password/reset/", {"email": participant.email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # Both get an email (the unknown address hears that it has no account): nothing to compare.
    assert [message.to for message in mail.outbox] == [[participant.email], ["nobody@example.org"]]


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, participant):
    wrong = client.post("/accounts/login/", {"login": participant.email, "password": "wrong-password-1"})
    unknown = client.post("/accounts/login/", {"login": "nobody@example.org", "password": "wrong-password-1"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors


def test_an_anonymous_visitor_cannot_download_a_document_a_member_can(client, participant):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from tests.site.test_practice_support import make_practice
    from workspace.site.models import BestPracticeAttachment

    document = get_document_model().objects.create(
        title="Protocolo", file=ContentFile(b"confidential", name="protocolo.txt")
    )
    # Attached to a published practice: what every member may download (tests/site/test_document_privacy.py).
    BestPracticeAttachment.objects.create(page=make_practice("GT"), document=document)
    response = client.get(document.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(participant)
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"confidential"
