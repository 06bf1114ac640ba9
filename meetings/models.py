from django.utils.translation import gettext_lazy as _

from workspace.site.models import IntroPage


class MeetingIndexPage(IntroPage):
    """The programme's meetings (scheduling, RSVP and outcomes arrive with the meetings issue)."""

    parent_page_types = ["site.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("meeting index")
