"""Deactivating a member: no more sign-in, every session ends, every open socket closes (4401) at once.

Coordinators do it from Wagtail's user admin (the "active" checkbox, a Deactivate action, the bulk
action), all through `deactivate_member`; role and government changes there are audit-logged.
"""

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from wagtail.models import ModelLogEntry

from tests.discussions.helpers import committed, page_socket, session_cookie_for
from tests.factories import PASSWORD, government_page, make_member
from tests.live.helpers import bell_socket, open_page, open_stream
from workspace.accounts import services

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"  # the services' messages are matched in English
    with translation.override("en"):
        yield


def signed_in_client(member):
    """A browser that signed in through the sign-in form (so allauth tracks the session)."""
    client = Client()
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/es/").status_code == 200
    return client


def entries(member, action):
    return ModelLogEntry.objects.filter(object_id=str(member.pk), action=action)


def reload(member):
    return User.objects.get(pk=member.pk)


# --- The service ------------------------------------------------------------------------------


def test_after_deactivation_the_old_session_cookie_opens_nothing(participant, coordinator):
    client = signed_in_client(participant)
    session_key = client.cookies["sessionid"].value
    services.deactivate_member(member=participant, by=coordinator, reason="Left the programme")
    assert not reload(participant).is_active
    assert not Session.objects.filter(session_key=session_key).exists()
    response = client.get("/es/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_reactivation_does_not_revive_the_ended_sessions(participant, coordinator):
    client = signed_in_client(participant)
    services.deactivate_member(member=participant, by=coordinator, reason="Left the programme")
    services.reactivate_member(member=participant, by=coordinator)
    assert reload(participant).is_active
    assert client.get("/es/").status_code == 302
    assert signed_in_client(participant).get("/es/").status_code == 200


def test_a_deactivated_member_cannot_sign_in(participant, coordinator):
    services.deactivate_member(member=participant, by=coordinator, reason="Left the programme")
    client = Client()
    client.post("/accounts/login/", {"login": participant.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_every_session_of_the_member_ends_and_nobody_elses(participant, coordinator):
    phone, laptop = signed_in_client(participant), signed_in_client(participant)
    colleague = signed_in_client(make_member("participant"))
    services.deactivate_member(member=participant, by=coordinator, reason="Left the programme")
    assert phone.get("/es/").status_code == 302
    assert laptop.get("/es/").status_code == 302
    assert colleague.get("/es/").status_code == 200


def test_the_audit_log_records_actor_target_and_reason(participant, coordinator):
    signed_in_client(participant)
    services.deactivate_member(member=participant, by=coordinator, reason="Left the programme")
    [entry] = entries(participant, "workspace.member.deactivate")
    assert entry.user_id == coordinator.pk
    assert entry.data["reason"] == "Left the programme"
    assert entry.data["sessions_ended"] == 1
    services.reactivate_member(member=participant, by=coordinator, reason="Back")
    assert entries(participant, "workspace.member.reactivate").get().user_id == coordinator.pk


@pytest.mark.parametrize(
    ("reason", "self_service", "message"),
    [("", False, "reason"), ("   ", False, "reason"), ("Tidying up", True, "yourself")],
    ids=["no-reason", "blank-reason", "oneself"],
)
def test_deactivation_needs_a_reason_and_another_member(coordinator, participant, reason, self_service, message):
    target = coordinator if self_service else participant
    with pytest.raises(ValidationError, match=message):
        services.deactivate_member(member=target, by=coordinator, reason=reason)
    assert reload(target).is_active
    assert not entries(target, "workspace.member.deactivate").exists()


def test_deactivating_twice_is_refused(participant, coordinator):
    services.deactivate_member(member=participant, by=coordinator, reason="Left")
    with pytest.raises(ValidationError, match="already inactive"):
        services.deactivate_member(member=participant, by=coordinator, reason="Again")
    assert entries(participant, "workspace.member.deactivate").count() == 1


# --- Open sockets close at once -----------------------------------------------------------------


async def close_code_within(comm, seconds):
    output = await comm.receive_output(timeout=seconds)
    while output["type"] != "websocket.close":
        output = await comm.receive_output(timeout=seconds)
    return output["code"]


@pytest.mark.usefixtures("sockets_in_test_transaction")
def test_open_page_and_bell_sockets_close_with_4401_right_after_the_commit(live_page, participant, coordinator):
    cookie = session_cookie_for(participant)
    bystander_cookie = session_cookie_for(coordinator)

    async def scenario():
        thread_socket = page_socket(live_page.pk, cookie)
        member_socket = bell_socket(cookie)
        bystander = page_socket(live_page.pk, bystander_cookie)
        await open_stream(thread_socket, "discussion:")
        await open_stream(bystander, "discussion:")
        connected, code = await member_socket.connect()
        assert connected, code
        deactivate = sync_to_async(committed)
        started = asyncio.get_running_loop().time()
        await deactivate(services.deactivate_member, member=participant, by=coordinator, reason="Left")
        assert await close_code_within(thread_socket, 1) == 4401
        assert await close_code_within(member_socket, 1) == 4401
        assert asyncio.get_running_loop().time() - started < 1
        # Another member's socket on the same page stays open.
        assert not await closes_soon(bystander)
        for comm in (thread_socket, member_socket, bystander):
            await comm.disconnect()

    async_to_sync(scenario)()


async def closes_soon(comm, seconds=0.3):
    """Whether the socket closes within `seconds` (read without cancelling the consumer)."""
    await asyncio.sleep(seconds)
    while not await comm.receive_nothing(timeout=0.01):
        if (await comm.receive_output())["type"] == "websocket.close":
            return True
    return comm.future.done()


@pytest.mark.usefixtures("sockets_in_test_transaction")
def test_notifications_to_the_member_do_not_disturb_their_page_socket(live_page, participant):
    cookie = session_cookie_for(participant)

    async def scenario():
        from workspace.live.groups import member_group
        from workspace.live.sender import send_now

        thread_socket = page_socket(live_page.pk, cookie)
        await open_page(thread_socket)
        await sync_to_async(send_now)(member_group(participant.pk), {"type": "member.notifications"})
        assert not await closes_soon(thread_socket)
        await thread_socket.disconnect()

    async_to_sync(scenario)()


# --- Coordinators in Wagtail's user admin --------------------------------------------------------


def edit_data(member, **changes):
    data = {
        "email": member.email,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "is_active": "on",
        "groups": [group.pk for group in member.groups.all()],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_unticking_active_in_the_user_admin_goes_through_the_service(client_for, coordinator, participant):
    member_browser = signed_in_client(participant)
    admin = client_for(coordinator)
    url = f"/admin/users/edit/{participant.pk}/"
    refused = admin.post(url, edit_data(participant, is_active=None))
    assert refused.status_code == 200  # the reason is required
    assert reload(participant).is_active
    response = admin.post(url, edit_data(participant, is_active=None, deactivation_reason="Left the programme"))
    assert response.status_code == 302
    assert not reload(participant).is_active
    assert entries(participant, "workspace.member.deactivate").get().data["reason"] == "Left the programme"
    assert member_browser.get("/es/").status_code == 302
    admin.post(url, edit_data(participant, is_active="on"))
    assert reload(participant).is_active
    assert entries(participant, "workspace.member.reactivate").exists()


def test_the_deactivate_action_asks_for_a_reason(client_for, coordinator, participant):
    admin = client_for(coordinator)
    url = f"/admin/users/deactivate/{participant.pk}/"
    assert admin.get(url).status_code == 200
    assert admin.post(url, {"reason": ""}).status_code == 200
    assert reload(participant).is_active
    assert admin.post(url, {"reason": "Duplicate account"}).status_code == 302
    assert not reload(participant).is_active
    assert entries(participant, "workspace.member.deactivate").get().user_id == coordinator.pk
    assert admin.post(f"/admin/users/reactivate/{participant.pk}/", {"reason": ""}).status_code == 302
    assert reload(participant).is_active


def test_the_listing_offers_deactivate(client_for, coordinator, participant):
    html = client_for(coordinator).get("/admin/users/").content.decode()
    assert f"/admin/users/deactivate/{participant.pk}/" in html


def test_the_bulk_action_goes_through_the_service(client_for, coordinator, participant):
    member_browser = signed_in_client(participant)
    url = f"/admin/bulk/accounts/user/set_active_state/?id={participant.pk}&next=/admin/users/"
    admin = client_for(coordinator)
    assert admin.post(url, {"mark_as_active": "False", "reason": ""}).status_code == 200
    assert reload(participant).is_active
    response = admin.post(url, {"mark_as_active": "False", "reason": "Programme ended"})
    assert response.status_code == 302
    assert not reload(participant).is_active
    assert entries(participant, "workspace.member.deactivate").get().data["reason"] == "Programme ended"
    assert member_browser.get("/es/").status_code == 302


def test_a_group_change_in_the_admin_is_audit_logged(client_for, coordinator, participant):
    focal_points_gt = Group.objects.get(name="Focal points · GT")
    response = client_for(coordinator).post(
        f"/admin/users/edit/{participant.pk}/", edit_data(participant, groups=[focal_points_gt.pk])
    )
    assert response.status_code == 302
    assert reload(participant).government_code == "GT"
    entry = entries(participant, "workspace.member.groups").get()
    assert entry.user_id == coordinator.pk
    assert entry.data["added"] == ["Focal points · GT"] and entry.data["removed"] == ["Participants"]


def test_a_member_belongs_to_one_government_at_most(client_for, coordinator, focal_point_gt):
    two_governments = [Group.objects.get(name=f"Focal points · {code}").pk for code in ("GT", "HN")]
    response = client_for(coordinator).post(
        f"/admin/users/edit/{focal_point_gt.pk}/", edit_data(focal_point_gt, groups=two_governments)
    )
    assert response.status_code == 200
    assert reload(focal_point_gt).government_code == "GT"


def test_a_coordinator_cannot_make_superusers_touch_them_or_change_a_sign_in_address(
    client_for, coordinator, participant
):
    boss = User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    admin = client_for(coordinator)
    response = admin.post(
        f"/admin/users/edit/{participant.pk}/",
        edit_data(participant, is_superuser="on", email="coordinator-owned@example.org", password1="x", password2="x"),
    )
    assert response.status_code == 302
    participant_now = reload(participant)
    assert not participant_now.is_superuser
    assert participant_now.email == participant.email
    assert participant_now.check_password(PASSWORD)
    assert admin.post(f"/admin/users/deactivate/{boss.pk}/", {"reason": "Coup"}).status_code in (302, 403)
    assert admin.get(f"/admin/users/edit/{boss.pk}/").status_code in (302, 403)
    assert reload(boss).is_active


@pytest.mark.parametrize("role", ["participant", "focal_point"])
def test_non_coordinators_cannot_deactivate(client_for, role, coordinator):
    actor = make_member(role, government_code="GT" if role == "focal_point" else None)
    target = make_member("participant")
    client = client_for(actor)
    client.post(f"/admin/users/deactivate/{target.pk}/", {"reason": "Because"})
    client.post(f"/admin/users/edit/{target.pk}/", edit_data(target, is_active=None, deactivation_reason="Because"))
    client.post(
        f"/admin/bulk/accounts/user/set_active_state/?id={target.pk}", {"mark_as_active": "False", "reason": "x"}
    )
    assert reload(target).is_active
    assert not entries(target, "workspace.member.deactivate").exists()


@pytest.mark.django_db(transaction=True)
async def test_with_a_real_commit_the_admin_action_closes_the_members_sockets(workspace):
    member = await sync_to_async(make_member)("participant")
    coordinator = await sync_to_async(make_member)("coordinator")
    page = await sync_to_async(government_page)("GT")
    cookie = await sync_to_async(session_cookie_for)(member)
    sockets = [page_socket(page.pk, cookie), bell_socket(cookie)]
    for comm in sockets:
        connected, code = await comm.connect()
        assert connected, code

    def deactivate_in_the_admin():
        client = Client()
        client.force_login(coordinator)
        return client.post(f"/admin/users/deactivate/{member.pk}/", {"reason": "Left the programme"})

    assert (await sync_to_async(deactivate_in_the_admin)()).status_code == 302
    for comm in sockets:
        assert await close_code_within(comm, 1) == 4401
        await comm.disconnect()


def test_the_admin_screens_render_for_a_coordinator(client_for, coordinator, participant):
    admin = client_for(coordinator)
    edit = admin.get(f"/admin/users/edit/{participant.pk}/").content.decode()
    assert 'name="deactivation_reason"' in edit
    assert 'name="is_superuser"' not in edit and 'name="password1"' not in edit
    bulk = admin.get(f"/admin/bulk/accounts/user/set_active_state/?id={participant.pk}")
    assert bulk.status_code == 200 and 'name="reason"' in bulk.content.decode()
    history = admin.get(f"/admin/users/history/{participant.pk}/")
    assert history.status_code == 200
