import functools
import time
import zoneinfo
from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.internal import usersessionkit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


def sign_in_first(request):
    """Send a visitor who is not (or no longer) signed in to sign in: a redirect for a page, a 401
    for the live client (a script that followed the redirect would take the sign-in page for a
    success, and the text being posted would be lost)."""
    if "application/json" in request.headers.get("Accept", ""):
        message = _("Your session has ended. Sign in again (in another tab, to keep what you wrote) and retry.")
        return JsonResponse(
            {"message": message, "errors": [message], "login_url": reverse(settings.LOGIN_URL)}, status=401
        )
    return redirect_to_login(request.get_full_path())


def member_required(view):
    """`login_required`, answering the live client with a 401 (see `sign_in_first`)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return sign_in_first(request)
        return view(request, *args, **kwargs)

    return wrapper


class MemberTimeZoneMiddleware:
    """Show times in the signed-in member's zone (their choice, else their government's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


def mfa_required(view):
    """Mark a view that coordinators may use only with two-factor authentication (CoordinatorMFAMiddleware)."""
    view.mfa_required = True
    return view


class CoordinatorMFAMiddleware:
    """Coordinators and superusers must enrol in two-factor authentication before the admin,
    invitations or moderating a discussion from the page.

    allauth offers MFA but has no "required for this group"; this is that rule. The MFA pages
    themselves and sign-out stay reachable so the member can enrol.
    """

    protected_prefixes = ("/admin/", "/accounts/invitations/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        protected = request.path_info.startswith(self.protected_prefixes) or getattr(view_func, "mfa_required", False)
        if not (
            protected
            and user is not None
            and user.is_authenticated
            and (user.is_superuser or user.is_coordinator)
            and not is_mfa_enabled(user)
        ):
            return None
        message = _("Coordinators protect their account with two-factor authentication. Set it up to continue.")
        enrol = reverse("mfa_activate_totp")
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"message": message, "errors": [message], "enrol": enrol}, status=403)
        messages.warning(request, message)
        return redirect(f"{enrol}?{urlencode({'next': request.get_full_path()})}")


class SessionLifetimeMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT without activity or SESSION_ABSOLUTE_LIFETIME in all.

    Django's own expiry is one of the two; this middleware adds the other without writing the
    session on every request: the last-seen time is refreshed at most every `refresh_every`
    seconds, and allauth's record of the session (the "last seen" and address on the member's
    sessions page, USERSESSIONS_TRACK_ACTIVITY) is refreshed at the same moment. allauth's own
    UserSessionsMiddleware would UPDATE that row on every request: a write, a row lock and WAL on
    every page read (issue 14), so it is not in MIDDLEWARE and this middleware calls its
    `track_activity` instead.
    """

    refresh_every = 5 * 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("workspace_started_at", now)
            seen = session.get("workspace_seen_at", now)
            if now - started > settings.SESSION_ABSOLUTE_LIFETIME or now - seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return sign_in_first(request)
            if now - seen >= self.refresh_every or "workspace_seen_at" not in session:
                session["workspace_seen_at"] = now
                usersessionkit.track_activity(request, user=user, session=session)
        return self.get_response(request)
