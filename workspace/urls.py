from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from workspace.site import views as site_views

urlpatterns = [
    path("healthz", site_views.healthz, name="healthz"),
    # One door: Wagtail's own login would bypass allauth's rate limits and MFA.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailadmin_login_redirect",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/invitations/", include("workspace.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", site_views.switch_language, name="set_language"),
    path("discussions/", include("workspace.discussions.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=True)
