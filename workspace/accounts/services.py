"""Operations on members. Every entry point (commands, invitations, admin) goes through here."""

import secrets

from allauth.account.models import EmailAddress
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

from workspace.site.reference import GOVERNMENTS_BY_CODE

from .models import COORDINATORS_GROUP, PARTICIPANTS_GROUP, Invitation, focal_points_group_name

LANGUAGE_CODES = ("es", "en", "fr")


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
):
    """Create an active member with a verified email address, in the group of their role.

    Without a password the account can only be entered through a password reset (or, later,
    an invitation link). The language defaults to the government's official language.
    Raises ValidationError (nothing written) on bad input.
    """
    User = get_user_model()
    email = (email or "").strip().lower()
    government_code = (government_code or "").strip().upper() or None
    check_member(email=email, role=role, government_code=government_code, password=password, language=language)
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
