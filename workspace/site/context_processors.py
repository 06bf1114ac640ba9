from wagtail.models import Locale, Page

from workspace.core import memo


def navigation(request):
    """The main navigation: the current language's home page and its sections shown in menus
    (Wagtail's `show_in_menus`, in tree order). A section app adds itself by creating its page with
    `show_in_menus`; the site imports none of them. The same for every member: read from the cache
    (namespace "pages", new on every publish, unpublish, move or save of a page: `site.caching`)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return {}
    home, sections = memo.get_or_build("navigation", locale.pk, namespaces=("pages",), build=lambda: _read(locale))
    return {"navigation_home": home, "navigation": sections}


def _read(locale):
    pages = list(
        Page.objects.live()
        .filter(locale=locale, depth__in=(2, 3))
        .exclude(depth=3, show_in_menus=False)
        .order_by("path")
        .only("id", "title", "url_path", "content_type_id", "depth", "path")
    )
    home = pages[0] if pages and pages[0].depth == 2 else None
    return home, [page for page in pages if page.depth == 3]
