from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from workspace.core.security import security_event

from .models import Invitation

INVITATION_SESSION_KEY = "workspace_invitation_id"


def invitation_in_session(request):
    invitation_id = request.session.get(INVITATION_SESSION_KEY) if request else None
    if not invitation_id:
        return None
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    return invitation if invitation and invitation.is_usable else None


class AccountAdapter(DefaultAccountAdapter):
    """Signup opens only for the holder of a valid invitation, for the invited address."""

    def is_open_for_signup(self, request):
        return getattr(settings, "ACCOUNT_SIGNUP_ENABLED", False) or invitation_in_session(request) is not None

    def clean_email(self, email):
        email = super().clean_email(email)
        invitation = invitation_in_session(self.request)
        if invitation is not None and email.lower() != invitation.email.lower():
            raise ValidationError(
                _("Use the address the invitation was sent to: %(email)s.") % {"email": invitation.email}
            )
        return email

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            login = credentials.get("email") or credentials.get("username") or ""
            security_event("login_rate_limited", request=request, login=str(login).lower()[:254])
            raise

    def save_user(self, request, user, form, commit=True):
        from .services import accept_invitation

        user = super().save_user(request, user, form, commit=commit)
        invitation = invitation_in_session(request)
        if commit and invitation is not None:
            accept_invitation(invitation=invitation, user=user)
            request.session.pop(INVITATION_SESSION_KEY, None)
        return user

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        # The member's saved language wins over the browser's until they switch again.
        if user.preferred_language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
