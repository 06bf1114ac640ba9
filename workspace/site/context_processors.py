from wagtail.models import Locale, Page


def navigation(request):
    """The main navigation: the current language's home page and its sections shown in menus
    (Wagtail's `show_in_menus`, in tree order), in one query. A section app adds itself by
    creating its page with `show_in_menus`; the site imports none of them."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return {}
    pages = list(
        Page.objects.live()
        .filter(locale=locale, depth__in=(2, 3))
        .exclude(depth=3, show_in_menus=False)
        .order_by("path")
        .only("id", "title", "url_path", "content_type_id", "depth", "path")
    )
    home = pages[0] if pages and pages[0].depth == 2 else None
    return {"navigation_home": home, "navigation": [page for page in pages if page.depth == 3]}
