import os

from allauth.account.views import LogoutView
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from workspace.accounts import views as accounts_views
from workspace.site import views as site_views

# A readable page (503 while the database is unreachable) instead of Django's bare "Server Error".
handler500 = "workspace.site.views.server_error"

urlpatterns = [
    path("healthz", site_views.healthz, name="healthz"),
    # One door: Wagtail's own login would bypass allauth's rate limits and MFA.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailadmin_login_redirect",
    ),
    # The same for resetting a password (allauth's is rate-limited) and signing out (Wagtail's
    # deletes the session cookie even when answering a GET with 405).
    path(
        "admin/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password"),
        name="wagtailadmin_password_reset_redirect",
    ),
    path("admin/logout/", LogoutView.as_view(), name="wagtailadmin_logout_allauth"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/invitations/", include("workspace.accounts.urls")),
    path("accounts/profile/", accounts_views.profile, name="account_profile"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", site_views.switch_language, name="set_language"),
    path("discussions/", include("workspace.discussions.urls")),
    path("meetings/", include("meetings.urls")),
    path("work-plans/", include("workplans.urls")),
    path("notifications/", include("workspace.notifications.urls")),
]

if settings.DEBUG:
    # Image renditions only, as the proxy does in production: documents go through Wagtail's
    # serve view (members only, drafts' attachments only for their editors), never straight
    # from the media folder.
    urlpatterns += static(f"{settings.MEDIA_URL}images/", document_root=os.path.join(settings.MEDIA_ROOT, "images"))

urlpatterns += i18n_patterns(
    # Wagtail's front-end sign-in (Django's LoginView) is a second door, without MFA or rate limits.
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailcore_login_redirect",
    ),
    # A page not translated yet, read in its source language under the reader's interface.
    path("source/<int:page_id>/", site_views.source_page, name="source_page"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
