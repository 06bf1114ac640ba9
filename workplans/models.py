from django.utils.translation import gettext_lazy as _

from workspace.site.models import IntroPage


class WorkPlanIndexPage(IntroPage):
    """The regional dashboard of work plans (plans arrive with the work-plan issue)."""

    parent_page_types = ["site.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("work-plan index")
