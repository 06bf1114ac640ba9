"""A coordinator removes a member's two-factor authentication after a lost device, and moderating
from the page needs two-factor authentication like the admin does."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import translation
from wagtail.models import ModelLogEntry

from tests.discussions.conftest import make_thread
from tests.factories import PASSWORD, enrol_totp, government_page, make_member
from workspace.discussions.services import post_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def enrolled_focal_point(db):
    member = make_member("focal_point", government_code="GT")
    enrol_totp(member)
    return member


def reset_url(member):
    return f"/admin/users/reset-mfa/{member.pk}/"


def test_a_coordinator_resets_a_members_mfa_with_a_reason_and_the_audit_log_says_so(
    client_for, coordinator, enrolled_focal_point
):
    admin = client_for(coordinator)
    assert admin.get(reset_url(enrolled_focal_point)).status_code == 200

    response = admin.post(reset_url(enrolled_focal_point), {"reason": "Lost phone, confirmed by call"})

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=enrolled_focal_point).exists()
    entry = ModelLogEntry.objects.get(object_id=str(enrolled_focal_point.pk), action="workspace.member.reset_mfa")
    assert entry.user_id == coordinator.pk
    assert entry.data["reason"] == "Lost phone, confirmed by call"
    assert entry.data["removed"] == ["totp"]


def test_the_reset_ends_the_members_sessions(coordinator, enrolled_focal_point):
    member_browser = Client()
    member_browser.force_login(enrolled_focal_point)
    # allauth.usersessions records a session on its first request.
    assert member_browser.get("/es/").status_code == 200
    admin = Client()
    admin.force_login(coordinator)

    admin.post(reset_url(enrolled_focal_point), {"reason": "Lost phone"})

    assert member_browser.get("/es/").status_code == 302


def test_without_a_reason_nothing_is_removed(client_for, coordinator, enrolled_focal_point):
    response = client_for(coordinator).post(reset_url(enrolled_focal_point), {"reason": "  "})
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=enrolled_focal_point).exists()
    assert not ModelLogEntry.objects.filter(action="workspace.member.reset_mfa").exists()


def test_a_member_without_mfa_gets_a_clear_error(client_for, participant):
    # The admin speaks the coordinator's own language.
    coordinator = make_member("coordinator", language="en")
    response = client_for(coordinator).post(reset_url(participant), {"reason": "Lost phone"})
    assert response.status_code == 200
    assert "has no two-factor authentication to reset" in response.content.decode()


@pytest.mark.parametrize("role", ["participant", "focal_point"])
def test_only_coordinators_reset(client_for, role, enrolled_focal_point):
    actor = make_member(role, government_code="HN" if role == "focal_point" else None)
    client_for(actor).post(reset_url(enrolled_focal_point), {"reason": "Lost phone"})
    assert Authenticator.objects.filter(user=enrolled_focal_point).exists()


def test_a_coordinator_cannot_reset_a_superusers_mfa(client_for, coordinator, django_user_model):
    boss = django_user_model.objects.create_superuser(email="root@example.org", password=PASSWORD)
    enrol_totp(boss)
    client_for(coordinator).post(reset_url(boss), {"reason": "Takeover"})
    assert Authenticator.objects.filter(user=boss).exists()


def test_the_user_listing_offers_the_reset_and_the_admin_menu_the_invitations(client_for, coordinator, participant):
    admin = client_for(coordinator)
    assert reset_url(participant) in admin.get("/admin/users/").content.decode()
    assert '"url": "/accounts/invitations/"' in admin.get("/admin/").content.decode()


def test_focal_points_see_no_invitations_in_the_admin_menu(client_for, focal_point_gt):
    assert '"url": "/accounts/invitations/"' not in client_for(focal_point_gt).get("/admin/").content.decode()


def test_a_coordinator_without_mfa_cannot_moderate_from_the_page(client_for, participant):
    thread = make_thread(government_page("GT"))
    comment = post_comment(thread=thread, author=participant, body="Texto")
    coordinator = make_member("coordinator", mfa=False)
    client = client_for(coordinator)

    as_json = client.post(
        f"/discussions/comments/{comment.pk}/hide/", {"reason": "spam"}, HTTP_ACCEPT="application/json"
    )
    as_form = client.post(f"/discussions/comments/{comment.pk}/hide/", {"reason": "spam"})
    locked = client.post(f"/discussions/threads/{thread.pk}/lock/", {"reason": "calm down"})

    assert as_json.status_code == 403
    assert as_json.json()["enrol"] == "/accounts/2fa/totp/activate/"
    assert as_form.status_code == 302
    assert as_form["Location"].startswith("/accounts/2fa/totp/activate/")
    assert locked.status_code == 302
    comment.refresh_from_db()
    thread.refresh_from_db()
    assert not comment.hidden
    assert not thread.locked
