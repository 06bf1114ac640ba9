import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from workspace.accounts.models import Invitation
from workspace.accounts.services import invite_member

pytestmark = pytest.mark.django_db
PASSWORD = "volcán-de-fuego-2026"


def link_in(message):
    return re.search(r"http://testserver(/accounts/invitations/accept/\S+/)", message.body).group(1)


@pytest.fixture
def invite(coordinator, django_capture_on_commit_callbacks):
    def send(email="nueva@example.org", role="focal_point", government_code="HN", language="es"):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invite_member(
                email=email, role=role, government_code=government_code, language=language, invited_by=coordinator
            )
        return invitation, link_in(mail.outbox[-1])

    return send


def sign_up(client, link, email="nueva@example.org", password=PASSWORD):
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/"
    return client.post("/accounts/signup/", {"email": email, "password1": password, "password2": password})


def test_a_coordinator_invites_from_the_site_and_the_email_goes_out_in_the_invitees_language(
    client_for, coordinator, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    assert client.get("/accounts/invitations/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/invitations/",
            {
                "email": "Point.Focal@Haiti.example.org",
                "role": "focal_point",
                "government_code": "HT",
                "language": "fr",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "point.focal@haiti.example.org"
    assert invitation.invited_by == coordinator
    [message] = mail.outbox
    assert message.to == ["point.focal@haiti.example.org"]
    assert "/accounts/invitations/accept/" in message.body
    token = link_in(message).rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == Invitation.hash_token(token) != token
    assert message.subject == "Invitation à l’espace régional de dialogue et de coordination"
    assert "Ouvrez ce lien pour choisir votre mot de passe" in message.body


def test_following_the_link_creates_a_verified_member_in_the_right_group(client, invite):
    invitation, link = invite()
    response = sign_up(client, link)
    assert response.status_code == 302
    member = get_user_model().objects.get(email="nueva@example.org")
    assert [group.name for group in member.groups.all()] == ["Focal points · HN"]
    assert EmailAddress.objects.get(user=member).verified
    assert member.check_password(PASSWORD)
    invitation.refresh_from_db()
    assert invitation.accepted_by == member and invitation.accepted_at
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_used_link_shows_a_clear_page_and_creates_nothing(client, invite):
    _, link = invite()
    sign_up(client, link)
    client.logout()
    count = get_user_model().objects.count()
    response = client.get(link)
    assert response.status_code == 410
    assert get_user_model().objects.count() == count


def test_an_expired_link_shows_a_clear_page(client, invite):
    invitation, link = invite()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(link).status_code == 410


def test_a_tampered_link_shows_a_clear_page(client, invite):
    _, link = invite()
    assert client.get(link[:-5] + "xxxx/").status_code == 410


def test_a_revoked_or_resent_link_stops_working(client_for, coordinator, invite, django_capture_on_commit_callbacks):
    invitation, first_link = invite()
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/accounts/invitations/{invitation.pk}/resend/")
    second_link = link_in(mail.outbox[-1])
    client.logout()
    assert client.get(first_link).status_code == 410
    assert client.get(second_link).status_code == 302
    client.force_login(coordinator)
    client.post(f"/accounts/invitations/{invitation.pk}/revoke/")
    client.logout()
    assert client.get(second_link).status_code == 410


def test_signup_is_closed_without_an_invitation(client):
    count = get_user_model().objects.count()
    response = client.post(
        "/accounts/signup/", {"email": "intruso@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 200
    assert "password1" not in response.content.decode()
    assert get_user_model().objects.count() == count


def test_the_invitation_only_opens_signup_for_the_invited_address(client, invite):
    _, link = invite()
    count = get_user_model().objects.count()
    response = sign_up(client, link, email="otra@example.org")
    assert response.status_code == 200
    assert "nueva@example.org" in response.content.decode()
    assert get_user_model().objects.count() == count


@pytest.mark.parametrize("role", ["participant", "focal point"])
def test_only_coordinators_manage_invitations(client_for, participant, focal_point_gt, role):
    member = participant if role == "participant" else focal_point_gt
    client = client_for(member)
    assert client.get("/accounts/invitations/").status_code == 403
    response = client.post(
        "/accounts/invitations/", {"email": "x@example.org", "role": "coordinator", "language": "es"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_bad_invitation_input_is_a_form_error(client_for, coordinator):
    response = client_for(coordinator).post(
        "/accounts/invitations/", {"email": "x@example.org", "role": "focal_point", "language": "es"}
    )
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    assert not Invitation.objects.exists()


def test_every_invitation_step_is_in_the_audit_log(client, coordinator, invite, django_capture_on_commit_callbacks):
    from wagtail.models import ModelLogEntry

    from workspace.accounts.services import resend_invitation

    invitation, _ = invite()
    with django_capture_on_commit_callbacks(execute=True):
        resend_invitation(invitation=invitation, by=coordinator)
    sign_up(client, link_in(mail.outbox[-1]))
    entries = ModelLogEntry.objects.filter(object_id=str(invitation.pk)).order_by("timestamp", "pk")
    assert [entry.action for entry in entries] == [
        "workspace.invitation.send",
        "workspace.invitation.resend",
        "workspace.invitation.accept",
    ]
    assert entries[0].user_id == coordinator.pk
    assert entries[0].data["email"] == "nueva@example.org"
