from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Membership is by invitation; nobody signs up on their own.
        return getattr(settings, "ACCOUNT_SIGNUP_ENABLED", False)

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
