from django.contrib.contenttypes.models import ContentType
from wagtail.models import Locale, Page


def navigation(request):
    """The main navigation: the current language's section pages, in one query."""
    from meetings.models import MeetingIndexPage
    from workplans.models import WorkPlanIndexPage

    from .models import BestPracticeIndexPage, GovernmentIndexPage, HomePage

    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    order = [HomePage, BestPracticeIndexPage, WorkPlanIndexPage, MeetingIndexPage, GovernmentIndexPage]
    content_types = ContentType.objects.get_for_models(*order, for_concrete_models=False)
    rank = {content_types[model].pk: index for index, model in enumerate(order)}
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return {}
    pages = sorted(
        Page.objects.live()
        .filter(locale=locale, depth__lte=3, content_type_id__in=rank)
        .only("id", "title", "url_path", "content_type_id", "depth", "path"),
        key=lambda page: rank[page.content_type_id],
    )
    home = pages[0] if pages and pages[0].content_type_id == content_types[HomePage].pk else None
    return {"navigation_home": home, "navigation": [page for page in pages if page is not home]}
