"""No mass assignment: extra fields posted to any form or endpoint of the site change nothing.

Each test posts what the form expects plus fields a member should never set (author, thread,
sequence, government, status, staff and superuser flags, groups, live…) and checks that exactly
the intended change happened.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from tests.discussions.conftest import make_thread
from tests.factories import PASSWORD, government_page
from tests.site.test_practice_permissions import practice_form
from tests.site.test_practice_support import make_practice
from workspace.accounts.models import Invitation
from workspace.discussions.models import Comment, Flag, Thread
from workspace.discussions.services import post_comment
from workspace.notifications.models import NotificationPreferences

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def privileges(member):
    member.refresh_from_db()
    return member.is_staff, member.is_superuser, member.is_active, sorted(member.groups.values_list("name", flat=True))


def escalation(other_member, other_thread=None):
    """Fields nobody may set through a form of the site."""
    fields = {
        "author": other_member.pk,
        "author_id": other_member.pk,
        "member": other_member.pk,
        "member_id": other_member.pk,
        "recipient": other_member.pk,
        "hidden_by": other_member.pk,
        "government": "HN",
        "government_code": "HN",
        "status": "hidden",
        "hidden": "on",
        "deleted": "on",
        "sequence": "999",
        "created": "2000-01-01T00:00:00Z",
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "on",
        "groups": [Group.objects.get(name="Coordinators").pk],
        "live": "on",
    }
    if other_thread is not None:
        fields |= {"thread": other_thread.pk, "thread_id": other_thread.pk}
    return fields


@pytest.fixture
def live_practice():
    return make_practice("GT", title="Práctica publicada")


@pytest.fixture
def draft_thread():
    return make_thread(make_practice("GT", live=False, title="Borrador"))


def test_posting_a_comment_takes_only_body_anchor_parent_and_key(
    client_for, participant, coordinator, live_practice, draft_thread
):
    before = privileges(participant)
    data = {"body": "Muy útil.", **escalation(coordinator, draft_thread)}
    response = client_for(participant).post(f"/discussions/pages/{live_practice.pk}/comments/", data, **JSON)
    assert response.status_code == 201
    comment = Comment.objects.get(pk=response.json()["comment_id"])
    assert comment.author == participant
    assert comment.thread.page_id == live_practice.pk and comment.thread_id != draft_thread.pk
    assert comment.sequence == 1 and comment.thread.last_sequence == 1
    assert not comment.hidden and not comment.deleted and comment.hidden_by is None
    assert timezone.now() - comment.created < datetime.timedelta(minutes=1)
    assert not draft_thread.comments.exists()
    assert privileges(participant) == before


def test_editing_a_comment_changes_its_body_only(client_for, focal_point_gt, coordinator, live_practice, draft_thread):
    thread = make_thread(live_practice)
    comment = post_comment(thread=thread, author=focal_point_gt, body="Primera versión")
    created = comment.created
    data = {"body": "Segunda versión", **escalation(coordinator, draft_thread)}
    response = client_for(focal_point_gt).post(f"/discussions/comments/{comment.pk}/edit/", data, **JSON)
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.body == "<p>Segunda versión</p>" and comment.edited is not None
    assert (comment.author, comment.thread_id, comment.created) == (focal_point_gt, thread.pk, created)
    assert comment.sequence == 1 and not comment.hidden and not comment.deleted
    assert not draft_thread.comments.exists()


def test_flagging_records_the_member_who_flags(client_for, participant, focal_point_gt, coordinator, live_practice):
    thread = make_thread(live_practice)
    comment = post_comment(thread=thread, author=focal_point_gt, body="Comentario")
    other = post_comment(thread=thread, author=focal_point_gt, body="Otro")
    data = {"reason": "spam", "comment": other.pk, "comment_id": other.pk, **escalation(coordinator)}
    response = client_for(participant).post(f"/discussions/comments/{comment.pk}/flag/", data, **JSON)
    assert response.status_code == 200
    assert list(Flag.objects.values_list("comment_id", "member_id", "reason")) == [(comment.pk, participant.pk, "spam")]
    comment.refresh_from_db()
    assert not comment.hidden


def test_hiding_records_the_coordinator_who_hides(client_for, coordinator, focal_point_gt, participant, live_practice):
    comment = post_comment(thread=make_thread(live_practice), author=focal_point_gt, body="Comentario")
    data = {"reason": "Fuera de tema.", **escalation(participant)}
    response = client_for(coordinator).post(f"/discussions/comments/{comment.pk}/hide/", data, **JSON)
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_by == coordinator and comment.hidden_reason == "Fuera de tema."
    assert comment.author == focal_point_gt and not comment.deleted


def test_locking_cannot_move_or_rename_the_thread(client_for, coordinator, participant, live_practice, draft_thread):
    thread = make_thread(live_practice)
    data = {"reason": "", "page": draft_thread.page_id, "page_id": draft_thread.page_id, "anchor": "x"}
    response = client_for(coordinator).post(f"/discussions/threads/{thread.pk}/lock/", data | escalation(participant))
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.locked and thread.page_id == live_practice.pk and thread.anchor == ""
    assert Thread.objects.filter(page_id=draft_thread.page_id).count() == 1


def test_notification_preferences_are_the_senders_own(client_for, participant, focal_point_gt):
    data = {"email_mentions": "on", "daily_digest": "", **escalation(focal_point_gt)}
    response = client_for(participant).post("/notifications/preferences/", data)
    assert response.status_code == 302
    preferences = NotificationPreferences.objects.get(member=participant)
    assert preferences.email_mentions and not preferences.daily_digest
    assert not NotificationPreferences.objects.filter(member=focal_point_gt).exists()
    assert privileges(participant)[:2] == (False, False)


def test_an_invitation_is_sent_by_the_coordinator_who_posts_it(client_for, coordinator, participant):
    data = {
        "email": "nueva@example.org",
        "role": "participant",
        "language": "es",
        "invited_by": participant.pk,
        "invited_by_id": participant.pk,
        "accepted_by": participant.pk,
        "accepted_at": "2020-01-01T00:00:00Z",
        "revoked_at": "2020-01-01T00:00:00Z",
        "token_hash": "0" * 64,
        "expires_at": "2099-01-01T00:00:00Z",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get(name="Coordinators").pk],
    }
    response = client_for(coordinator).post("/accounts/invitations/", data)
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="nueva@example.org")
    assert invitation.invited_by == coordinator
    assert invitation.accepted_by is None and invitation.accepted_at is None and invitation.revoked_at is None
    assert invitation.token_hash != "0" * 64
    assert invitation.expires_at - timezone.now() < datetime.timedelta(days=8)
    assert invitation.is_usable


def test_the_language_switch_saves_the_language_only(client_for, participant):
    profile = UserProfile.get_for_user(participant)
    zone_before = profile.current_time_zone
    data = {
        "language": "fr",
        "next": "/fr/",
        "current_time_zone": "Asia/Tokyo",
        "time_zone": "Asia/Tokyo",
        "email": "otra@example.org",
        **escalation(participant),
    }
    response = client_for(participant).post("/i18n/setlang/", data)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.preferred_language == "fr" and profile.current_time_zone == zone_before
    participant.refresh_from_db()
    assert participant.email.startswith("participant") and privileges(participant)[:2] == (False, False)


def test_the_profile_page_changes_the_members_own_profile_only(client_for, participant):
    data = {
        "first_name": "Diego",
        "last_name": "Ramírez",
        "institution": "Cancillería",
        "position": "Analista",
        "language": "en",
        "time_zone": "America/Guatemala",
        "email": "otra@example.org",
        "user": participant.pk + 1,
        **escalation(participant),
    }
    response = client_for(participant).post("/accounts/profile/", data)
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.institution == "Cancillería"
    assert participant.email.startswith("participant") and privileges(participant)[:2] == (False, False)


def test_signing_up_from_an_invitation_gives_the_invited_role_only(
    client, coordinator, django_capture_on_commit_callbacks
):
    from workspace.accounts.services import invite_member

    with django_capture_on_commit_callbacks(execute=True):
        invite_member(email="nueva@example.org", role="participant", language="es", invited_by=coordinator)
    link = "/" + mail.outbox[-1].body.split("http://testserver/", 1)[1].split()[0]
    assert client.get(link)["Location"] == "/accounts/signup/"
    data = {
        "email": "nueva@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "role": "coordinator",
        "government_code": "GT",
        "first_name": "Nueva",
        **escalation(coordinator),
    }
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    member = get_user_model().objects.get(email="nueva@example.org")
    assert privileges(member) == (False, False, True, ["Participants"])
    assert member.government_code is None


def test_the_admin_account_page_changes_names_and_preferences_only(client_for, focal_point_gt):
    before = privileges(focal_point_gt)
    data = {
        "name_email-first_name": "Ana",
        "name_email-last_name": "López",
        "name_email-email": focal_point_gt.email,
        "locale-preferred_language": "en",
        "locale-current_time_zone": "America/Guatemala",
        "theme-theme": "system",
        "theme-density": "default",
        "theme-contrast": "system",
        **escalation(focal_point_gt),
    }
    response = client_for(focal_point_gt).post("/admin/account/", data)
    assert response.status_code == 302, response.context and [
        form.errors for form in response.context.get("panels_by_tab", {}) or []
    ]
    focal_point_gt.refresh_from_db()
    assert (focal_point_gt.first_name, focal_point_gt.last_name) == ("Ana", "López")
    assert privileges(focal_point_gt) == before


def test_the_admin_account_page_cannot_change_the_email_or_password(client_for, focal_point_gt):
    """Both are allauth's: a new address is verified first, a password change goes through its form."""
    email = focal_point_gt.email
    data = {
        "name_email-first_name": "Ana",
        "name_email-last_name": "López",
        "name_email-email": "otra.direccion@example.org",
        "password-old_password": PASSWORD,
        "password-new_password1": "otra-clave-segura-2026",
        "password-new_password2": "otra-clave-segura-2026",
        "locale-preferred_language": "es",
        "locale-current_time_zone": "",
        "theme-theme": "system",
        "theme-density": "default",
        "theme-contrast": "system",
    }
    client_for(focal_point_gt).post("/admin/account/", data)
    focal_point_gt.refresh_from_db()
    assert focal_point_gt.first_name == "Ana"
    assert focal_point_gt.email == email
    assert focal_point_gt.check_password(PASSWORD)


def test_saving_a_draft_in_the_admin_cannot_publish_lock_or_move_it(client_for, focal_point_gt, focal_point_hn):
    draft = make_practice("GT", author=focal_point_gt, live=False, title="Borrador")
    extras = {
        "live": "on",
        "owner": focal_point_hn.pk,
        "locked": "on",
        "locked_by": focal_point_gt.pk,
        "locale": Locale.objects.get(language_code="fr").pk,
        "first_published_at": "2020-01-01 00:00",
        "has_unpublished_changes": "",
        "path": government_page("HN").path + "0001",
        "depth": "2",
        "content_type": "1",
        "show_in_menus": "on",
    }
    data = practice_form(title="Borrador corregido", slug=draft.slug) | extras
    response = client_for(focal_point_gt).post(f"/admin/pages/{draft.pk}/edit/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.draft_title == "Borrador corregido"
    assert not draft.live and draft.first_published_at is None and not draft.locked
    assert draft.owner != focal_point_hn and draft.locale.language_code == "es"
    assert draft.get_parent().pk == government_page("GT").pk


def test_a_coordinator_editing_a_member_cannot_make_them_staff_or_superuser(client_for, coordinator, focal_point_gt):
    data = {
        "email": focal_point_gt.email,
        "first_name": "Ana",
        "last_name": "López",
        "is_active": "on",
        "groups": [Group.objects.get(name="Focal points · GT").pk],
        "deactivation_reason": "",
        "is_superuser": "on",
        "is_staff": "on",
        "user_permissions": [1, 2, 3],
    }
    response = client_for(coordinator).post(f"/admin/users/edit/{focal_point_gt.pk}/", data)
    assert response.status_code == 302
    focal_point_gt.refresh_from_db()
    assert focal_point_gt.first_name == "Ana"
    assert privileges(focal_point_gt) == (False, False, True, ["Focal points · GT"])
    assert not focal_point_gt.user_permissions.exists()


def test_deactivating_a_member_changes_nothing_else(client_for, coordinator, focal_point_gt):
    data = {"reason": "Dejó el cargo.", **escalation(coordinator)}
    response = client_for(coordinator).post(f"/admin/users/deactivate/{focal_point_gt.pk}/", data)
    assert response.status_code == 302
    assert privileges(focal_point_gt) == (False, False, False, ["Focal points · GT"])


def test_a_designation_takes_the_members_own_government(client_for, coordinator, focal_point_gt):
    from workspace.accounts.models import FocalPointDesignation

    data = {"designation": "primary", "member": focal_point_gt.pk, "government_code": "HN", "government": "HN"}
    response = client_for(coordinator).post("/admin/focal-points/new/", data)
    assert response.status_code == 302
    designation = FocalPointDesignation.objects.get(member=focal_point_gt)
    assert (designation.government_code, designation.designation) == ("GT", "primary")


def test_an_rsvp_is_the_senders_own_answer_only(client_for, focal_point_gt, coordinator):
    from meetings.models import MeetingPage, Participation
    from tests.factories import make_meeting, make_member

    colleague = make_member("focal_point", government_code="GT")
    meeting = make_meeting(governments=("GT",))
    other = make_meeting(governments=("GT",))
    data = {"answer": "declined", **escalation(colleague)}
    data |= {"meeting_key": other.translation_key, "attended": "on", "answered_at": "2000-01-01T00:00:00Z"}
    response = client_for(focal_point_gt).post(f"/meetings/{meeting.pk}/rsvp/", data, **JSON)
    assert response.status_code == 200
    [row] = Participation.objects.all()
    assert (row.meeting_key, row.member, row.answer, row.attended) == (
        meeting.translation_key,
        focal_point_gt,
        "declined",
        None,
    )
    assert row.answered_at.year > 2000
    assert MeetingPage.objects.get(pk=meeting.pk).status == "scheduled"
    assert privileges(focal_point_gt)[:2] == (False, False)


def test_a_calendar_address_is_issued_to_the_sender_only(client_for, focal_point_gt, participant):
    from meetings.models import CalendarFeedToken

    data = {"action": "issue", **escalation(participant), "token_hash": "0" * 64}
    response = client_for(focal_point_gt).post("/meetings/calendar/", data)
    assert response.status_code == 200
    [row] = CalendarFeedToken.objects.all()
    assert row.member == focal_point_gt and row.token_hash != "0" * 64


def test_a_progress_update_takes_only_its_own_fields(client_for, focal_point_gt, coordinator):
    """Author, sequence, plan and timestamps come from the request, never from the form."""
    from tests.factories import make_plan
    from workplans.models import ProgressUpdate

    plan = make_plan("GT", author=focal_point_gt)
    activity = plan.activities()[0]
    response = client_for(focal_point_gt).post(
        f"/work-plans/{plan.pk}/progress/",
        {
            "activity": activity.uuid,
            "status": "in_progress",
            "percent_complete": "30",
            "author": coordinator.pk,
            "sequence": "99",
            "plan_key": "00000000-0000-0000-0000-000000000000",
            "created_at": "2001-01-01T00:00:00Z",
            "previous_status": "done",
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.author == focal_point_gt
    assert update.sequence == 1
    assert update.plan_key == plan.translation_key
    assert update.created_at.year != 2001
    assert update.previous_status == ""
