"""The content tree: home, pillars, governments and the practice library.

Every page exists once per language (Wagtail i18n); `setup_workspace` builds the Spanish tree
and its English and French translations. Per-government scoping is Wagtail's page permissions
on each GovernmentPage subtree, not code in views.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from workspace.accounts.models import focal_points_group_name

from .reference import GOVERNMENT_CODES, GOVERNMENTS_BY_CODE

LANGUAGE_CHOICES = [("es", "Español"), ("en", "English"), ("fr", "Français")]


class IntroPage(Page):
    """A page with a short plain-text introduction (abstract base)."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        abstract = True


class HomePage(IntroPage):
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from .services import member_home_context

        context = super().get_context(request, *args, **kwargs)
        context["pillars"] = PillarPage.objects.live().filter(locale=self.locale).order_by("number")
        context.update(member_home_context(request.user, locale=self.locale))
        return context


class PillarIndexPage(IntroPage):
    parent_page_types = ["site.HomePage"]
    subpage_types = ["site.PillarPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("pillar index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["pillars"] = PillarPage.objects.child_of(self).live().order_by("number")
        return context


class PillarPage(Page):
    number = models.PositiveSmallIntegerField(_("number"))
    description = models.TextField(_("description"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("number"), FieldPanel("description")]
    parent_page_types = ["site.PillarIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")


class GovernmentIndexPage(IntroPage):
    parent_page_types = ["site.HomePage"]
    subpage_types = ["site.GovernmentPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("government index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["governments"] = GovernmentPage.objects.child_of(self).live().order_by("title")
        return context


class GovernmentPage(Page):
    """One of the nine governments; its subtree holds what that government owns."""

    code = models.CharField(
        _("country code"),
        max_length=2,
        choices=[(code, code) for code in GOVERNMENT_CODES],
        help_text=_("ISO 3166-1 alpha-2"),
    )
    capital = models.CharField(_("capital"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64)
    official_language = models.CharField(_("official language"), max_length=2, choices=LANGUAGE_CHOICES)

    content_panels = Page.content_panels + [
        FieldPanel("code", read_only=True),
        FieldPanel("capital"),
        FieldPanel("time_zone", read_only=True),
        FieldPanel("official_language"),
    ]
    parent_page_types = ["site.GovernmentIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("government")
        verbose_name_plural = _("governments")

    def clean(self):
        super().clean()
        if self.code not in GOVERNMENTS_BY_CODE:
            raise ValidationError({"code": _("Unknown government code.")})
        duplicate = GovernmentPage.objects.filter(code=self.code, locale_id=self.locale_id).exclude(pk=self.pk).exists()
        if duplicate:
            raise ValidationError({"code": _("This government already has a page in this language.")})

    @property
    def focal_points_group_name(self):
        return focal_points_group_name(self.code)

    def focal_points(self):
        return (
            get_user_model()
            .objects.filter(groups__name=self.focal_points_group_name, is_active=True)
            .order_by("last_name", "first_name", "email")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["focal_points"] = self.focal_points()
        return context


class BestPracticeIndexPage(IntroPage):
    """The library of best practices across all governments (filters arrive with practices)."""

    parent_page_types = ["site.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("best-practice library")
