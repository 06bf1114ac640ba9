"""Operations on members. Every entry point (commands, invitations, admin) goes through here."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.users.models import UserProfile

from workspace.site.reference import GOVERNMENTS_BY_CODE

from .models import COORDINATORS_GROUP, PARTICIPANTS_GROUP, focal_points_group_name

LANGUAGE_CODES = ("es", "en", "fr")


def check_member(*, email, role, government_code, password, language):
    """Validate a new member; raise ValidationError with one readable message."""
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
        raise ValidationError(_("A focal point must belong to a government (--government CODE)."))
    if role != User.Role.FOCAL_POINT and government_code:
        raise ValidationError(_("Only focal points belong to a government."))
    if government_code and government_code not in GOVERNMENTS_BY_CODE:
        raise ValidationError(
            _("Unknown government “%(code)s”: use one of %(codes)s.")
            % {"code": government_code, "codes": ", ".join(GOVERNMENTS_BY_CODE)}
        )
    if language and language not in LANGUAGE_CODES:
        raise ValidationError(_("Unknown language “%(language)s”: use es, en or fr.") % {"language": language})
    if password is not None:
        try:
            validate_password(password, user=User(email=email))
        except ValidationError as error:
            raise ValidationError(" ".join(error.messages))
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
    user.groups.add(Group.objects.get(name=_group_name_for(role, government_code)))
    government = GOVERNMENTS_BY_CODE.get(government_code)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language or (government.official_language if government else "es")
    profile.save(update_fields=["preferred_language"])
    return user
