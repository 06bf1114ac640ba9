"""What every page view asks and seldom changes, from Django's cache (`core.memo`, versioned keys).

- the Wagtail `Site` for the request's host and port (namespace "sites": a site saved or deleted);
- a `Locale` by language code, for Wagtail's `Locale.get_active()` and ours ("locales");
- the navigation tree per language (`context_processors.navigation`) and each page's view
  restrictions (`core.pages.view_restrictions_of`): namespace "pages", new on every saved, published,
  unpublished, moved or deleted page, and "restrictions", new when a view restriction or its
  groups change.

Connected in `SiteConfig.ready()`. Nothing here decides who may see what: the cached values are
the same rows the rules would read, and the rules still run on every request.
"""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import GroupApprovalTask, GroupPagePermission, Locale, Page, PageViewRestriction, Site, Task
from wagtail.models.i18n import LocaleManager
from wagtail.signals import page_published, page_unpublished, post_page_move

from workspace.core import memo

PAGES = "pages"


def site_for_request(request):
    """Wagtail's `Site.find_for_request`, from the cache."""
    host = request._get_raw_host()
    port = request.get_port()
    return memo.get_or_build(
        "site", host, port, namespaces=("sites",), build=lambda: Site._find_for_request(request), timeout=300
    )


def _locale_for_language(self, language_code):
    """`LocaleManager.get_for_language`, from the cache (a missing locale still raises DoesNotExist)."""
    code = get_supported_content_language_variant(language_code)
    locale = memo.get_or_build(
        "locale", code, namespaces=("locales",), build=lambda: self.filter(language_code=code).first()
    )
    if locale is None:
        raise Locale.DoesNotExist(f"No locale for {code!r}.")
    return locale


def live_section(model, *, locale_id=None, language=None):
    """The live page of a one-per-language type (the library, the meetings index…) in a language,
    from the cache (namespace "pages"), or None."""

    def read():
        pages = model.objects.live()
        pages = pages.filter(locale_id=locale_id) if locale_id else pages.filter(locale__language_code=language)
        return pages.first()

    return memo.get_or_build("section", model._meta.label, locale_id, language, namespaces=(PAGES,), build=read)


def locale_by_id(locale_id):
    return memo.get_or_build(
        "locale-id", locale_id, namespaces=("locales",), build=lambda: Locale.objects.filter(pk=locale_id).first()
    )


def with_cached_locale(page):
    """The page, its `locale` read from the cache instead of a query when first used."""
    if page.locale_id and "locale" not in page._state.fields_cache:
        locale = locale_by_id(page.locale_id)
        if locale is not None:
            page._state.fields_cache["locale"] = locale
    return page


def _pages_changed(sender=None, instance=None, **kwargs):
    if instance is None or isinstance(instance, Page):
        memo.bump(PAGES)


def _restrictions_changed(sender=None, **kwargs):
    action = kwargs.get("action")
    if action is None or action in {"post_add", "post_remove", "post_clear"}:
        memo.bump("restrictions")


def _sites_changed(sender=None, **kwargs):
    memo.bump("sites")


def _locales_changed(sender=None, **kwargs):
    memo.bump("locales", PAGES)


def _workflows_changed(sender=None, **kwargs):
    action = kwargs.get("action")
    if action is None or action in {"post_add", "post_remove", "post_clear"}:
        memo.bump("workflows")


def _listing_changed(sender=None, **kwargs):
    memo.bump(PAGES)


def _page_permissions_changed(sender=None, **kwargs):
    memo.bump("page-permissions")


def connect():
    from wagtail.documents import get_document_model

    from .models import TargetPopulation

    post_save.connect(_listing_changed, sender=get_document_model(), dispatch_uid="site.cache.document")
    post_delete.connect(_listing_changed, sender=get_document_model(), dispatch_uid="site.cache.document_deleted")
    post_save.connect(_listing_changed, sender=TargetPopulation, dispatch_uid="site.cache.population")
    post_delete.connect(_listing_changed, sender=TargetPopulation, dispatch_uid="site.cache.population_deleted")
    for model in (Task, GroupApprovalTask):
        post_save.connect(_workflows_changed, sender=model, dispatch_uid=f"site.cache.task.{model.__name__}")
        post_delete.connect(_workflows_changed, sender=model, dispatch_uid=f"site.cache.task_del.{model.__name__}")
    m2m_changed.connect(_workflows_changed, sender=GroupApprovalTask.groups.through, dispatch_uid="site.cache.tgroups")
    post_save.connect(_workflows_changed, sender=Group, dispatch_uid="site.cache.group")
    for signal in (post_save, post_delete):
        signal.connect(_page_permissions_changed, sender=GroupPagePermission, dispatch_uid=f"site.cache.gpp.{signal}")
    LocaleManager.get_for_language = _locale_for_language
    page_published.connect(_pages_changed, dispatch_uid="site.cache.published")
    page_unpublished.connect(_pages_changed, dispatch_uid="site.cache.unpublished")
    post_page_move.connect(_pages_changed, dispatch_uid="site.cache.moved")
    post_save.connect(_pages_changed, dispatch_uid="site.cache.page_saved")
    post_delete.connect(_pages_changed, dispatch_uid="site.cache.page_deleted")
    post_save.connect(_restrictions_changed, sender=PageViewRestriction, dispatch_uid="site.cache.restriction")
    post_delete.connect(_restrictions_changed, sender=PageViewRestriction, dispatch_uid="site.cache.restriction_del")
    m2m_changed.connect(
        _restrictions_changed, sender=PageViewRestriction.groups.through, dispatch_uid="site.cache.restriction_groups"
    )
    post_save.connect(_sites_changed, sender=Site, dispatch_uid="site.cache.site")
    post_delete.connect(_sites_changed, sender=Site, dispatch_uid="site.cache.site_deleted")
    post_save.connect(_locales_changed, sender=Locale, dispatch_uid="site.cache.locale")
    post_delete.connect(_locales_changed, sender=Locale, dispatch_uid="site.cache.locale_deleted")
