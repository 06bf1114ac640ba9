import contextlib

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings
from django.db import DatabaseError
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from workspace.core.middleware import ForeignObjectNotFound


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with one exception: Wagtail's admin gets its own, relaxed policy.

    The admin needs inline scripts and styles; the member-facing site allows neither.
    """

    admin_prefix = "/admin/"

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path_info.startswith(self.admin_prefix):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        return parts


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, minus the language redirect on a 404 a view chose to answer.

    With Wagtail's catch-all page route under i18n_patterns, Django would turn any 404 from a
    view outside the language prefix (a refused discussion, an unknown invitation) into a
    redirect to /es/…: a POST would become a GET and an API client would see a 302. Only URLs
    that matched no route still get the redirect to their language.
    """

    def process_request(self, request):
        # Wagtail reads the request's Site once per request (`Site.find_for_request`): from the cache.
        from .caching import site_for_request

        # While the database is down, the view answers for itself (/healthz: 503 naming it).
        with contextlib.suppress(DatabaseError):
            request._wagtail_site = site_for_request(request)
        return super().process_request(request)

    def process_response(self, request, response):
        if response.status_code == 404 and getattr(request, "resolver_match", None) is not None:
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", get_language())
            return response
        return super().process_response(request, response)


class AdminDraftPrivacyMiddleware:
    """Wagtail's explorer, page chooser and bulk-action confirmations name the page they are given
    by id to any admin user: they filter the pages listed below it, never the page itself. A page
    that is not live is there only for those Wagtail lets edit it (its government's focal points,
    the coordinators), as everywhere else; others get Wagtail's "permission denied".

    The page types report names the last edited page of each type, and the admin API's document
    listing every document, whoever owns it: they are for those who may publish (the
    coordinators). The API's document detail follows the download rule (site/documents.py).
    """

    tree_wide_views = {
        "wagtailadmin_reports:page_types_usage",
        "wagtailadmin_reports:page_types_usage_results",
        "wagtailadmin_api:documents:listing",
        "wagtailadmin_api:documents:find",
        # wagtail-localize's report lists every translation, drafts' titles included.
        "wagtail_localize:translations_report",
        "wagtail_localize:translations_report_results",
    }

    page_id_views = {
        # wagtail-localize's "translate this page" names the page it is given.
        "wagtail_localize:submit_page_translation": "page_id",
        "wagtail_localize:convert_to_alias": "page_id",
        "wagtailadmin_explore": "parent_page_id",
        "wagtailadmin_explore_results": "parent_page_id",
        "wagtailadmin_choose_page_child": "parent_page_id",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.view_name if match else None
        if name in self.page_id_views:
            ids = [view_kwargs.get(self.page_id_views[name])]
        elif name == "wagtail_bulk_action" and view_kwargs.get("app_label") == "wagtailcore":
            ids = [value for value in request.GET.getlist("id") if value.isdigit()]
        elif name in self.tree_wide_views:
            ids = None
        elif name == "wagtailadmin_api:documents:detail":
            return self.document_detail(request, view_kwargs["pk"])
        else:
            return None
        from wagtail.admin.auth import permission_denied
        from wagtail.models import Page

        user = request.user
        if not user.has_perm("wagtailadmin.access_admin"):
            return None  # Wagtail sends them to sign in
        if ids is None:
            return None if may_publish(user) else permission_denied(request)
        drafts = Page.objects.filter(pk__in=ids, live=False)
        if not user.is_superuser and any(not page.permissions_for_user(user).can_edit() for page in drafts):
            return permission_denied(request)
        return None

    def document_detail(self, request, pk):
        from wagtail.documents import get_document_model

        from .documents import can_download_document

        document = get_document_model().objects.filter(pk=pk).first()
        if (
            document is not None
            and request.user.has_perm("wagtailadmin.access_admin")
            and not can_download_document(request, document)
        ):
            raise ForeignObjectNotFound(_("No such document."), kind="document", object_id=document.pk)
        return None


def may_publish(user):
    from wagtail.permission_policies.pages import PagePermissionPolicy

    return PagePermissionPolicy().user_has_permission(user, "publish")
