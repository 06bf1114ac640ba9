"""Operations on members. Every entry point (commands, invitations, admin) goes through here."""

import logging
import secrets

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.users.models import UserProfile

from workspace.core.reference import GOVERNMENTS_BY_CODE, LANGUAGE_CODES
from workspace.live.sender import close_member_sockets

from .models import (
    COORDINATORS_GROUP,
    FOCAL_POINTS_GROUP_PREFIX,
    PARTICIPANTS_GROUP,
    FocalPointDesignation,
    Invitation,
    focal_points_group_name,
)

logger = logging.getLogger(__name__)


def check_member(*, email, role, government_code, password, language):
    """Validate a new member; raise ValidationError with one readable message."""
    check_membership(email=email, role=role, government_code=government_code, language=language)
    if password is not None:
        try:
            validate_password(password, user=get_user_model()(email=email))
        except ValidationError as error:
            raise ValidationError(" ".join(error.messages))


def check_membership(*, email, role, government_code, language):
    """The rules shared by new members and invitations (everything but the password)."""
    User = get_user_model()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("“%(email)s” is not a valid email address.") % {"email": email})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("A member with the email %(email)s already exists.") % {"email": email})
    if role not in User.Role.values:
        raise ValidationError(
            _("Unknown role “%(role)s”: use coordinator, focal_point or participant.") % {"role": role}
        )
    if role == User.Role.FOCAL_POINT and not government_code:
        raise ValidationError(_("A focal point must belong to a government."))
    if role != User.Role.FOCAL_POINT and government_code:
        raise ValidationError(_("Only focal points belong to a government."))
    if government_code and government_code not in GOVERNMENTS_BY_CODE:
        raise ValidationError(
            _("Unknown government “%(code)s”: use one of %(codes)s.")
            % {"code": government_code, "codes": ", ".join(GOVERNMENTS_BY_CODE)}
        )
    if language and language not in LANGUAGE_CODES:
        raise ValidationError(_("Unknown language “%(language)s”: use es, en or fr.") % {"language": language})
    group_name = _group_name_for(role, government_code)
    if not Group.objects.filter(name=group_name).exists():
        raise ValidationError(
            _("The group “%(group)s” does not exist: run “manage.py setup_workspace” first.") % {"group": group_name}
        )


def _group_name_for(role, government_code):
    User = get_user_model()
    if role == User.Role.COORDINATOR:
        return COORDINATORS_GROUP
    if role == User.Role.FOCAL_POINT:
        return focal_points_group_name(government_code)
    return PARTICIPANTS_GROUP


@transaction.atomic
def add_member(
    *,
    email,
    role,
    government_code=None,
    password=None,
    first_name="",
    last_name="",
    language=None,
    designation=None,
    by=None,
):
    """Create an active member with a verified email address, in the group of their role.

    Without a password the account can only be entered through a password reset (or, later,
    an invitation link). The language defaults to the government's official language. A focal
    point can be designated primary or alternate at once (the place must be free).
    Raises ValidationError (nothing written) on bad input.
    """
    User = get_user_model()
    email = (email or "").strip().lower()
    government_code = (government_code or "").strip().upper() or None
    check_member(email=email, role=role, government_code=government_code, password=password, language=language)
    if designation:
        if role != User.Role.FOCAL_POINT:
            raise ValidationError(_("Only a focal point can be designated primary or alternate."))
        check_designation_free(government_code=government_code, designation=designation)
    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    _place_member(user, role=role, government_code=government_code, language=language)
    if designation:
        designate_focal_point(member=user, designation=designation, by=by)
    return user


def _place_member(user, *, role, government_code, language):
    user.groups.add(Group.objects.get(name=_group_name_for(role, government_code)))
    government = GOVERNMENTS_BY_CODE.get(government_code)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language or (government.official_language if government else "es")
    profile.save(update_fields=["preferred_language"])


# --- Invitations -----------------------------------------------------------------------------


@transaction.atomic
def invite_member(*, email, role, government_code=None, language="es", invited_by):
    """Invite someone to join with a role; email them a single-use link valid for seven days.

    Any earlier pending invitation to the same address is revoked, so only the newest link works.
    Raises ValidationError (nothing written, nothing sent) on bad input.
    """
    email = (email or "").strip().lower()
    government_code = (government_code or "").strip().upper() or None
    check_membership(email=email, role=role, government_code=government_code, language=language)
    Invitation.objects.pending().filter(email__iexact=email).update(revoked_at=timezone.now())
    invitation = Invitation(
        email=email,
        role=role,
        government_code=government_code or "",
        language=language,
        invited_by=invited_by,
    )
    token = _issue_token(invitation)
    invitation.save()
    _log_invitation(invitation, "workspace.invitation.send", invited_by)
    transaction.on_commit(lambda: _send_invitation(invitation, token))
    return invitation


@transaction.atomic
def resend_invitation(*, invitation, by):
    """Send a fresh link (the old one stops working) and restart the seven days."""
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("This invitation was already accepted or revoked."))
    token = _issue_token(invitation)
    invitation.save(update_fields=["token_hash", "expires_at"])
    _log_invitation(invitation, "workspace.invitation.resend", by)
    transaction.on_commit(lambda: _send_invitation(invitation, token))
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation, by):
    if invitation.accepted_at:
        raise ValidationError(_("This invitation was already accepted."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _log_invitation(invitation, "workspace.invitation.revoke", by)
    return invitation


def find_usable_invitation(token):
    """The pending invitation a link's token opens, or None (unknown, expired, used or revoked)."""
    if not token or len(token) > 200:
        return None
    invitation = Invitation.objects.filter(token_hash=Invitation.hash_token(token)).first()
    return invitation if invitation and invitation.is_usable else None


@transaction.atomic
def accept_invitation(*, invitation, user):
    """Give the newly signed-up member the invitation's role, government and language; close it."""
    updated = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    if not updated:
        raise ValidationError(_("This invitation was already used."))
    _place_member(
        user,
        role=invitation.role,
        government_code=invitation.government_code or None,
        language=invitation.language,
    )
    EmailAddress.objects.filter(user=user, email__iexact=invitation.email).update(verified=True, primary=True)
    _log_invitation(invitation, "workspace.invitation.accept", user)


def _log_invitation(invitation, action, user):
    """Wagtail's audit log, in the same transaction as the change it records."""
    log(
        instance=invitation,
        action=action,
        user=user,
        data={"email": invitation.email, "role": invitation.role, "government": invitation.government_code},
    )


def _issue_token(invitation):
    token = secrets.token_urlsafe(32)
    invitation.token_hash = Invitation.hash_token(token)
    invitation.expires_at = timezone.now() + Invitation.VALID_FOR
    return token


def _send_invitation(invitation, token):
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("accounts:accept_invitation", args=[token])
    context = {"invitation": invitation, "link": link, "inviter": invitation.invited_by}
    with translation.override(invitation.language):
        subject = render_to_string("account/email/invitation_subject.txt", context).strip()
        body = render_to_string("account/email/invitation_message.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())


# --- Focal-point designations -----------------------------------------------------------------


def check_designation_free(*, government_code, designation, member=None):
    """Raise ValidationError unless the government's primary (or alternate) place is free or `member`'s."""
    _check_designation_value(designation)
    holder = (
        FocalPointDesignation.objects.filter(government_code=government_code, designation=designation)
        .select_related("member")
        .first()
    )
    if holder is not None and holder.member_id != getattr(member, "pk", None):
        raise ValidationError(
            _("%(government)s already has a %(designation)s: %(member)s.")
            % {
                "government": government_code,
                "designation": FocalPointDesignation.Designation(designation).label.lower(),
                "member": holder.member.email,
            }
        )


def _check_designation_value(designation):
    if designation not in FocalPointDesignation.Designation.values:
        raise ValidationError(
            _("Unknown designation “%(designation)s”: use primary or alternate.") % {"designation": designation}
        )


@transaction.atomic
def designate_focal_point(*, member, designation, by, replace=False):
    """Make an active focal point their government's primary or alternate focal point.

    With `replace`, whoever held the place loses it (a coordinator's choice in the admin);
    without it, a taken place is a ValidationError. A member holds at most one designation, so
    designating the primary as alternate moves them. Logged in Wagtail's audit log.
    """
    member = get_user_model().objects.select_for_update().get(pk=member.pk)
    government_code = member.government_code
    if not member.is_active or government_code is None:
        raise ValidationError(_("Only an active focal point can be designated."))
    if replace:
        _check_designation_value(designation)
    else:
        check_designation_free(government_code=government_code, designation=designation, member=member)
    current = FocalPointDesignation.objects.filter(member=member).first()
    if current and current.designation == designation and current.government_code == government_code:
        return current
    for previous in FocalPointDesignation.objects.filter(
        government_code=government_code, designation=designation
    ).exclude(member=member):
        _remove_designation(previous, by=by)
    if current:
        _remove_designation(current, by=by)
    designation_row = FocalPointDesignation.objects.create(
        government_code=government_code, designation=designation, member=member
    )
    _log_designation(designation_row, "workspace.focal_point.designate", by)
    return designation_row


@transaction.atomic
def remove_designation(*, designation, by):
    """The government no longer has this primary (or alternate) focal point."""
    _remove_designation(designation, by=by)


def _remove_designation(designation, *, by, reason=""):
    _log_designation(designation, "workspace.focal_point.undesignate", by, reason=reason)
    designation.delete()


def _clear_stale_designations(member, *, by, reason):
    """Drop a designation that no longer holds: the member left the group or is inactive."""
    for designation in FocalPointDesignation.objects.filter(member_id=member.pk):
        if not member.is_active or designation.government_code != _government_in_db(member):
            _remove_designation(designation, by=by, reason=reason)


def _government_in_db(member):
    name = member.groups.filter(name__startswith=FOCAL_POINTS_GROUP_PREFIX).values_list("name", flat=True).first()
    return name.removeprefix(FOCAL_POINTS_GROUP_PREFIX) if name else None


def _log_designation(designation, action, user, reason=""):
    log(
        instance=designation.member,
        action=action,
        user=user,
        data={
            "government": designation.government_code,
            "designation": designation.designation,
            "member": designation.member.email,
            "reason": reason,
        },
    )


# --- Role changes and deactivation -------------------------------------------------------------


@transaction.atomic
def record_group_change(*, member, before, by):
    """After the member's groups changed (Wagtail's user admin): audit log entry, stale designations go.

    `before` is the set of group names the member had. Nothing is logged when nothing changed.
    """
    after = set(member.groups.values_list("name", flat=True))
    before = set(before)
    if after == before:
        return
    member.__dict__.pop("member_facts", None)
    log(
        instance=member,
        action="workspace.member.groups",
        user=by,
        data={"member": member.email, "added": sorted(after - before), "removed": sorted(before - after)},
    )
    _clear_stale_designations(member, by=by, reason=_("Left the focal-point group."))


@transaction.atomic
def deactivate_member(*, member, by, reason):
    """Deactivate a member: they cannot sign in, every session of theirs ends, designations go.

    After the commit their channel group is told, so every open socket of theirs closes (4401)
    without waiting for a heartbeat. A member cannot deactivate themselves. Audit-logged with the
    reason. Raises ValidationError (nothing written) when there is no reason or nothing to do.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the deactivation."))
    if by is not None and by.pk == member.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if not get_user_model().objects.filter(pk=member.pk, is_active=True).update(is_active=False):
        raise ValidationError(_("%(member)s is already inactive.") % {"member": member})
    member.is_active = False
    sessions = list(UserSession.objects.filter(user_id=member.pk))
    get_usersessions_adapter().end_sessions(sessions)
    _clear_stale_designations(member, by=by, reason=_("Deactivated."))
    log(
        instance=member,
        action="workspace.member.deactivate",
        user=by,
        data={"member": member.email, "reason": reason, "sessions_ended": len(sessions)},
    )
    member_id = member.pk
    close_member_sockets(member_id)
    return member


@transaction.atomic
def reactivate_member(*, member, by, reason=""):
    """Let a deactivated member sign in again (their old sessions stay ended). Audit-logged."""
    if not get_user_model().objects.filter(pk=member.pk, is_active=False).update(is_active=True):
        raise ValidationError(_("%(member)s is already active.") % {"member": member})
    member.is_active = True
    log(
        instance=member,
        action="workspace.member.reactivate",
        user=by,
        data={"member": member.email, "reason": (reason or "").strip()},
    )
    return member


@transaction.atomic
def reset_member_mfa(*, member, by, reason):
    """Remove a member's two-factor authentication (a lost phone or key) and end their sessions.

    For coordinators helping a member who cannot sign in any more: the member signs in with their
    password and enrols again (coordinators are sent to enrol before the admin). Their sessions end
    because whoever holds the lost device may be signed in. Audit-logged with the reason; raises
    ValidationError (nothing written) without a reason, for oneself, or when there is nothing to reset.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the reset."))
    if by is not None and by.pk == member.pk:
        raise ValidationError(_("Manage your own two-factor authentication from your account."))
    authenticators = Authenticator.objects.filter(user_id=member.pk)
    kinds = sorted(set(authenticators.values_list("type", flat=True)))
    if not kinds:
        raise ValidationError(_("%(member)s has no two-factor authentication to reset.") % {"member": member})
    authenticators.delete()
    sessions = list(UserSession.objects.filter(user_id=member.pk))
    get_usersessions_adapter().end_sessions(sessions)
    log(
        instance=member,
        action="workspace.member.reset_mfa",
        user=by,
        data={"member": member.email, "reason": reason, "removed": kinds, "sessions_ended": len(sessions)},
    )
    member_id = member.pk
    close_member_sockets(member_id)
    return member


@transaction.atomic
def update_profile(*, member, first_name, last_name, institution, position, language, time_zone):
    """A member edits their own profile; language and zone are Wagtail's UserProfile fields (the admin reads them)."""
    from wagtail.users.models import UserProfile

    member.first_name, member.last_name = first_name, last_name
    member.institution, member.position = institution, position
    member.full_clean(exclude=["password"])
    member.save(update_fields=["first_name", "last_name", "institution", "position"])
    profile = UserProfile.get_for_user(member)
    profile.preferred_language, profile.current_time_zone = language, time_zone
    profile.save(update_fields=["preferred_language", "current_time_zone"])
    member.__dict__.pop("profile", None)
    member.__dict__.pop("member_facts", None)
    return member
