"""The content tree: home, pillars, governments and the practice library.

Every page exists once per language (Wagtail i18n); `setup_workspace` builds the Spanish tree
and its English and French translations. Per-government scoping is Wagtail's page permissions
on each GovernmentPage subtree, not code in views.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.search.tasks import insert_or_update_object_task

from workspace.accounts.models import focal_points_group_name
from workspace.core.choices import Pillar  # noqa: F401  (the library's filters import it from here)
from workspace.core.pages import CachedViewRestrictions
from workspace.core.reference import GOVERNMENT_CODES, GOVERNMENTS_BY_CODE
from workspace.core.text import WORD, fold_accents, search_words  # noqa: F401  (search_words: used by filters)

from .blocks import RICH_TEXT_FEATURES, KeyFiguresBlock, PracticeBodyBlock

LANGUAGE_CHOICES = [("es", "Español"), ("en", "English"), ("fr", "Français")]


class IntroPage(CachedViewRestrictions, Page):
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

    def route(self, request, path_components):
        """Wagtail walks the tree from here, two queries per level; no page type of the workspace
        routes its own sub-paths, so the page at this URL path is read at once: which page it is
        from the cache (namespace "pages": new on every save, publish, unpublish, move or deletion
        of a page), its row from the database (one query: what it holds is always the stored
        row), its locale from the cache. Anything else (no such page) takes Wagtail's walk, which
        answers 404. Wagtail still checks the page's view restrictions before serving it."""
        from workspace.core import memo

        from .caching import PAGES, with_cached_locale

        if not path_components:
            return super(HomePage, with_cached_locale(self)).route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        found = memo.get_or_build(
            "page-at",
            self.path,
            url_path,
            namespaces=(PAGES,),
            build=lambda: (
                Page.objects.filter(path__startswith=self.path, url_path=url_path)
                .values_list("pk", "content_type")
                .first()
            ),
        )
        model = ContentType.objects.get_for_id(found[1]).model_class() if found else None
        page = None
        if model is not None and model.route is Page.route:
            # A page type may leave heavy fields to be read when asked (`fields_read_on_demand`).
            page = model.objects.defer(*getattr(model, "fields_read_on_demand", ())).filter(pk=found[0]).first()
        if page is None:
            return super().route(request, path_components)
        return with_cached_locale(page).route(request, [])

    def get_context(self, request, *args, **kwargs):
        from workspace.core import memo

        from .caching import live_section
        from .services import member_home_context

        context = super().get_context(request, *args, **kwargs)
        context["pillars"] = memo.get_or_build(
            "home-pillars",
            self.locale_id,
            namespaces=("pages",),
            build=lambda: list(PillarPage.objects.live().filter(locale_id=self.locale_id).order_by("number")),
        )
        context.update(member_home_context(request.user, locale=self.locale))
        # Rendered once per version and language (`{% cache %}`, key `cache_version`): read only then.
        context["latest_practices"] = SimpleLazyObject(
            lambda: list(BestPracticePage.objects.in_library_with_fallback(self.locale).newest_first()[:5])
        )
        context["library"] = SimpleLazyObject(lambda: live_section(BestPracticeIndexPage, locale_id=self.locale_id))
        context["cache_version"] = shared_fragment_version(self, request)
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


class PillarPage(CachedViewRestrictions, Page):
    number = models.PositiveSmallIntegerField(_("number"))
    description = models.TextField(_("description"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("number"), FieldPanel("description")]
    parent_page_types = ["site.PillarIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")

    def practices(self):
        """The library's published practices on this pillar, readable in this page's language."""
        return BestPracticePage.objects.in_library_with_fallback(self.locale).on_pillar(self.number)

    def get_context(self, request, *args, **kwargs):
        """The listing is the same for every member: the template renders it once per version and
        language (`{% cache %}`, key `cache_version`), so it is read only then (lazily)."""
        from .caching import live_section

        context = super().get_context(request, *args, **kwargs)
        context["practices"] = SimpleLazyObject(lambda: list(self.practices().newest_first()[:PILLAR_PAGE_PRACTICES]))
        context["practice_count"] = lambda: self.practices().count()
        context["library"] = SimpleLazyObject(lambda: live_section(BestPracticeIndexPage, locale_id=self.locale_id))
        context["cache_version"] = shared_fragment_version(self, request)
        return context


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


class GovernmentPage(CachedViewRestrictions, Page):
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
    subpage_types = ["site.BestPracticePage", "workplans.WorkPlanPage"]

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

    def practices(self):
        """The government's practices readable in this page's language (the Spanish source of those
        not translated yet), ready for a listing."""
        return BestPracticePage.objects.in_library_with_fallback(self.locale).of_government(self.code)

    def get_context(self, request, *args, **kwargs):
        """The latest practices are the same for every member: the template renders them once per
        version and language (`{% cache %}`, key `cache_version`), so they are read only then."""
        from .caching import live_section

        context = super().get_context(request, *args, **kwargs)
        # The designated primary and alternate are shown once, in their own list.
        context["other_focal_points"] = self.focal_points().exclude(focal_point_designation__isnull=False)
        context["practices"] = SimpleLazyObject(
            lambda: list(self.practices().newest_first()[:GOVERNMENT_PAGE_PRACTICES])
        )
        context["practice_count"] = lambda: self.practices().count()
        context["library"] = SimpleLazyObject(lambda: live_section(BestPracticeIndexPage, locale_id=self.locale_id))
        context["cache_version"] = shared_fragment_version(self, request)
        return context


# --- Best practices -------------------------------------------------------------------------

PILLAR_PAGE_PRACTICES = 12
# The latest few: the rest are one link away, in the library filtered by the government.
GOVERNMENT_PAGE_PRACTICES = 6
FIRST_YEAR = 1990
LAST_YEAR = 2100


class AccentFoldedSearchField(index.SearchField):
    """Indexes the accent-free spelling of a field's accented words next to the original.

    SQLite's FTS5 tokenizer already ignores diacritics; PostgreSQL's text-search
    configurations do not (without the unaccent extension). Indexing “migracion” beside
    “migración”, and folding the query the same way (`search_words`), makes search
    accent-insensitive on both databases without a custom text-search configuration.
    """

    def get_value(self, obj):
        value = super().get_value(obj)
        if isinstance(value, list | tuple):
            value = " ".join(str(item) for item in value)
        words = WORD.findall(str(value or ""))
        folded = {fold_accents(word) for word in words} - {word.lower() for word in words}
        return " ".join(sorted(folded))


class TargetPopulation(models.Model):
    """A population a practice serves (a managed list: coordinators edit it as a snippet).

    One row per population with its name in the three languages, so that a practice and its
    translations point at the same rows and the library filters by a stable slug in the URL.
    """

    slug = models.SlugField(_("slug"), max_length=60, unique=True, help_text=_("Used in the library's URLs."))
    name_es = models.CharField(_("name in Spanish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name_es"), FieldPanel("name_en"), FieldPanel("name_fr"), FieldPanel("slug")]
    search_fields = [index.SearchField("name_es"), index.SearchField("name_en"), index.SearchField("name_fr")]

    class Meta:
        verbose_name = _("target population")
        verbose_name_plural = _("target populations")
        ordering = ["sort_order", "name_es"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        """The name in the active language, falling back to Spanish."""
        language = (get_language() or "es")[:2]
        return getattr(self, f"name_{language}", "") or self.name_es


class BestPracticeTag(TaggedItemBase):
    content_object = ParentalKey("site.BestPracticePage", related_name="tagged_items", on_delete=models.CASCADE)


def _parent_path(path):
    """The tree path of a page's parent (practices are children of their GovernmentPage)."""
    return Substr(path, 1, Length(path) - Page.steplen)


def source_locale():
    """The locale that content is written in first (Spanish): what a reader falls back to."""
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


class BestPracticeQuerySet(PageQuerySet):
    def in_library(self, locale):
        """What members see: published practices of one language, ready for a listing."""
        return self.live().filter(locale=locale).for_listing()

    def in_library_with_fallback(self, locale):
        """Published practices of one language, plus the Spanish source of those not translated yet.

        One query: a source-language practice is kept only when no live page with its
        translation key exists in `locale`. Each row carries `government_title` in `locale`;
        a card tells a fallback by `practice.locale_id != locale.pk` (note "available in Spanish").
        """
        return self.with_fallback(locale).for_listing(locale=locale)

    def with_fallback(self, locale):
        """Live practices readable in `locale`: its own, else the Spanish source (no listing extras)."""
        translated = BestPracticePage.objects.live().filter(locale=locale, translation_key=OuterRef("translation_key"))
        in_source = Q(locale__language_code=settings.LANGUAGE_CODE) & ~Exists(translated)
        return self.live().filter(Q(locale=locale) | in_source)

    def for_listing(self, *, locale=None):
        """Everything a practice card shows, in a constant number of queries."""
        return (
            self.defer_streamfields()
            .defer("results", "partners")
            .select_related("locale")
            .prefetch_related("pillar_links")
            .with_government(locale=locale)
        )

    def with_government(self, *, locale=None):
        """Annotate `government_code` and `government_title` (of the parent GovernmentPage).

        With `locale`, the title is that of the government's page in `locale` (a practice shown
        in its Spanish source on the French site names its government in French).
        """
        parent = GovernmentPage.objects.filter(path=_parent_path(OuterRef("path")))
        queryset = self.annotate(government_code=Subquery(parent.values("code")[:1]))
        if locale is None:
            return queryset.annotate(government_title=Subquery(parent.values("title")[:1]))
        in_locale = GovernmentPage.objects.filter(locale=locale, code=OuterRef("government_code"))
        return queryset.annotate(government_title=Subquery(in_locale.values("title")[:1]))

    def on_pillar(self, *numbers):
        return self.filter(pk__in=BestPracticePillar.objects.filter(pillar__in=numbers).values("page_id"))

    def of_government(self, *codes):
        parents = GovernmentPage.objects.filter(code__in=codes, path=_parent_path(OuterRef("path")))
        return self.filter(Exists(parents))

    def active_in(self, year):
        return self.filter(start_year__lte=year).filter(Q(end_year__isnull=True) | Q(end_year__gte=year))

    def newest_first(self):
        return self.order_by(F("first_published_at").desc(nulls_last=True), "-pk")


BestPracticeManager = PageManager.from_queryset(BestPracticeQuerySet)


class BestPracticeForm(WagtailAdminPageForm):
    """The admin form: pillars as four tick boxes, the contact among the government's focal points."""

    pillars = forms.TypedMultipleChoiceField(
        label=_("Pillars"),
        choices=Pillar.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every pillar the practice contributes to."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["pillars"] = [link.pillar for link in self.instance.pillar_links.all()]
        government = self.government()
        if "contact" in self.fields:
            contacts = government.focal_points() if government else get_user_model().objects.none()
            self.fields["contact"].queryset = contacts
            self.fields["contact"].label_from_instance = lambda member: f"{member} · {member.email}"
        if "target_populations" in self.fields:
            self.fields["target_populations"].label_from_instance = lambda population: population.name

    def government(self):
        parent = self.parent_page or (self.instance.get_parent() if self.instance.pk else None)
        parent = parent.specific if parent else None
        return parent if isinstance(parent, GovernmentPage) else None

    def save(self, commit=True):
        existing = {link.pillar: link for link in self.instance.pillar_links.all()}
        chosen = self.cleaned_data.get("pillars") or []
        self.instance.pillar_links = [existing.get(number) or BestPracticePillar(pillar=number) for number in chosen]
        return super().save(commit=commit)


class BestPracticePage(CachedViewRestrictions, Page):
    """A best practice shared by one government, approved by the coordinators."""

    class InstrumentType(models.TextChoices):
        POLICY = "policy", _("Policy")
        PROTOCOL = "protocol", _("Protocol")
        CAMPAIGN = "campaign", _("Campaign")
        TRAINING = "training", _("Training")
        TOOL = "tool", _("Tool or app")
        PARTNERSHIP = "partnership", _("Partnership")

    summary = models.TextField(
        _("summary"), max_length=1200, help_text=_("One paragraph: what the practice does, for whom, and why it works.")
    )
    target_populations = ParentalManyToManyField(
        TargetPopulation, verbose_name=_("target populations"), related_name="practices", blank=True
    )
    instrument_type = models.CharField(_("type of instrument"), max_length=20, choices=InstrumentType.choices)
    start_year = models.PositiveSmallIntegerField(
        _("start year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text=_("Leave empty while the practice is ongoing."),
    )
    partners = models.TextField(_("partner institutions"), blank=True, help_text=_("One institution per line."))
    results = RichTextField(_("results and evidence"), blank=True, features=RICH_TEXT_FEATURES)
    key_figures = StreamField(KeyFiguresBlock(), verbose_name=_("key figures"), blank=True)
    body = StreamField(PracticeBodyBlock(), verbose_name=_("body"), blank=True)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact focal point"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(through=BestPracticeTag, verbose_name=_("tags"), blank=True)

    objects = BestPracticeManager()

    parent_page_types = ["site.GovernmentPage"]
    subpage_types = []
    base_form_class = BestPracticeForm

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("pillars"),
                FieldPanel("target_populations", widget=forms.CheckboxSelectMultiple),
                FieldPanel("instrument_type"),
                FieldRowPanel([FieldPanel("start_year"), FieldPanel("end_year")]),
            ],
            heading=_("Classification and period"),
        ),
        FieldPanel("partners"),
        FieldPanel("contact"),
        FieldPanel("tags"),
        FieldPanel("body"),
    ]
    results_panels = [FieldPanel("results"), FieldPanel("key_figures")]
    links_panels = [
        InlinePanel("attachments", label=_("Attachments"), heading=_("Attachments")),
        InlinePanel("related_links", label=_("Related practices"), heading=_("Related practices")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Practice")),
            ObjectList(results_panels, heading=_("Results and evidence")),
            ObjectList(links_panels, heading=_("Attachments and links")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings"), classname="settings"),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("results"),
        index.SearchField("partners"),
        index.SearchField("key_figures"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.RelatedFields(
            "target_populations",
            [index.SearchField("name_es"), index.SearchField("name_en"), index.SearchField("name_fr")],
        ),
        AccentFoldedSearchField("title", boost=2),
        AccentFoldedSearchField("folded_search_text"),
        index.FilterField("instrument_type"),
        index.FilterField("start_year"),
        index.FilterField("end_year"),
    ]

    class Meta:
        verbose_name = _("best practice")
        verbose_name_plural = _("best practices")

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        # Wagtail indexes a page from its database row on post_save, which fires before
        # modelcluster writes the page's tags, pillars and populations: with tasks that run
        # immediately (development, tests) the index would lag one save behind. Indexing again,
        # from the row now complete, keeps search right; it never reads a draft in memory.
        insert_or_update_object_task.enqueue(self._meta.app_label, self._meta.model_name, str(self.pk))
        return result

    def clean(self):
        super().clean()
        if self.end_year and self.start_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The end year cannot be before the start year.")})

    def folded_search_text(self):
        """The searchable text beyond the title, for AccentFoldedSearchField."""
        blocks = [self.summary, self.partners, strip_tags(self.results or "")]
        for block in self.body:
            blocks.extend(str(item) for item in block.block.get_searchable_content(block.value))
        blocks.extend(population.name_es for population in self.target_populations.all())
        blocks.extend(tag.name for tag in self.tags.all())
        return " ".join(blocks)

    @property
    def period_end_label(self):
        return self.end_year or _("ongoing")

    @cached_property
    def pillar_numbers(self):
        return sorted(link.pillar for link in self.pillar_links.all())

    def pillars(self):
        """(number, label) of the practice's pillars, in the active language."""
        return [(number, Pillar(number).label) for number in self.pillar_numbers]

    def partner_list(self):
        return [line.strip() for line in self.partners.splitlines() if line.strip()]

    def government(self):
        return GovernmentPage.objects.live().parent_of(self).first()

    def government_in(self, locale):
        """The practice's government page in that language when it exists (else the parent)."""
        government = self.government()
        if government is not None and government.locale_id != locale.pk:
            government = (
                GovernmentPage.objects.live().filter(translation_key=government.translation_key, locale=locale).first()
                or government
            )
        return government

    def get_context(self, request, *args, **kwargs):
        """Everything but the discussion is the same for every member who may read the page: the
        template renders it once per version and language (`{% cache %}`, key from
        `cache_version`), so these are read only when it is rendered (lazily)."""
        context = super().get_context(request, *args, **kwargs)
        # The reader's language: the page's own, or the reader's when a page not yet translated is
        # served as its source (`/<lang>/source/<id>/`): the way around it is in their language.
        locale = Locale.get_active()
        related = SimpleLazyObject(self.related_practices)
        context["government"] = SimpleLazyObject(lambda: self.government_in(locale))
        context["practice_pillars"] = SimpleLazyObject(lambda: _pillar_pages(locale, self.pillar_numbers))
        context["translations"] = (
            Page.objects.live().filter(translation_key=self.translation_key).select_related("locale").order_by("locale")
        )
        context["attachments"] = self.attachments.select_related("document").order_by("sort_order")
        context["related_practices"] = related
        context["pillar_practices"] = SimpleLazyObject(
            lambda: list(
                BestPracticePage.objects.in_library_with_fallback(locale)
                .on_pillar(*(self.pillar_numbers or [0]))
                .exclude(pk=self.pk)
                .exclude(pk__in=[practice.pk for practice in related])
                .newest_first()[:4]
            )
        )
        context["populations"] = SimpleLazyObject(lambda: list(self.target_populations.all()))
        context["library"] = SimpleLazyObject(
            lambda: BestPracticeIndexPage.objects.live().filter(locale_id=locale.pk).first()
        )
        context["cache_version"] = shared_fragment_version(self, request)
        return context

    def related_practices(self):
        """Live related practices, in this page's language where a translation exists."""
        # Works on the live row and on a revision being previewed (in-memory child objects).
        linked_ids = [link.practice_id for link in self.related_links.all() if link.practice_id]
        if not linked_ids:
            return []
        key_by_id = dict(BestPracticePage.objects.filter(pk__in=linked_ids).values_list("pk", "translation_key"))
        keys = list(dict.fromkeys(key_by_id[pk] for pk in linked_ids if pk in key_by_id))
        candidates = BestPracticePage.objects.live().filter(translation_key__in=keys).for_listing()
        by_key = {}
        for practice in candidates:
            current = by_key.get(practice.translation_key)
            if current is None or practice.locale_id == self.locale_id:
                by_key[practice.translation_key] = practice
        return [by_key[key] for key in keys if key in by_key and by_key[key].pk != self.pk]


def shared_fragment_version(page, request):
    """The version of what a page shows every member alike, for `{% cache %}` keys: the page, the
    live version rendered (`last_published_at`) and the tree's version (namespace "pages": titles,
    listings and links of other pages it shows); None (not cached) for a preview or a page that is
    not live, which only its editors see. The language is a key part of its own in the template."""
    from workspace.core import memo

    if getattr(request, "is_preview", False) or not page.live:
        return None
    stamp = page.last_published_at.isoformat() if page.last_published_at else "-"
    return f"{page.pk}:{stamp}:{memo.version('pages')}"


def library_version(page, request):
    """The key of the library's shared fragment: the question (every parameter, sorted), the year
    (the "active in" facet) and the tree's version (namespace "pages"); None for a preview."""
    import hashlib

    from django.utils import timezone

    from workspace.core import memo

    if getattr(request, "is_preview", False) or not page.live:
        return None
    question = sorted((name, sorted(request.GET.getlist(name))) for name in request.GET)
    digest = hashlib.sha256(repr(question).encode()).hexdigest()[:32]
    return f"{page.pk}:{digest}:{timezone.now().year}:{memo.version('pages')}"


def _pillar_pages(locale, numbers):
    pages = {page.number: page for page in PillarPage.objects.live().filter(locale=locale, number__in=numbers)}
    return [(number, Pillar(number).label, pages.get(number)) for number in numbers]


class BestPracticePillar(models.Model):
    page = ParentalKey(BestPracticePage, related_name="pillar_links", on_delete=models.CASCADE)
    pillar = models.PositiveSmallIntegerField(_("pillar"), choices=Pillar.choices)

    class Meta:
        verbose_name = _("pillar of a practice")
        ordering = ["pillar"]
        constraints = [models.UniqueConstraint(fields=["page", "pillar"], name="site_practice_pillar_unique")]

    def __str__(self):
        return str(Pillar(self.pillar).label)


class BestPracticeAttachment(Orderable):
    page = ParentalKey(BestPracticePage, related_name="attachments", on_delete=models.CASCADE)
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    description = models.CharField(_("description"), max_length=250, blank=True)

    panels = [FieldPanel("document"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class BestPracticeRelation(Orderable):
    page = ParentalKey(BestPracticePage, related_name="related_links", on_delete=models.CASCADE)
    practice = models.ForeignKey(
        BestPracticePage, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("practice")]

    class Meta(Orderable.Meta):
        verbose_name = _("related practice")
        verbose_name_plural = _("related practices")


class BestPracticeIndexPage(IntroPage):
    """The library of best practices across all governments: filters, facets and search."""

    parent_page_types = ["site.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("best-practice library")

    def get_context(self, request, *args, **kwargs):
        from .filters import PracticeLibrary

        context = super().get_context(request, *args, **kwargs)
        locale = self.locale
        # Built only when the template renders it: the results and facets are the same for every
        # member asking the same question, rendered once (`{% cache %}`, key `library_version`).
        context["library"] = SimpleLazyObject(lambda: PracticeLibrary(request.GET, locale=locale))
        context["library_version"] = library_version(self, request)
        return context

    def get_template(self, request, *args, **kwargs):
        if getattr(request, "htmx", False) and not request.htmx.boosted:
            return "includes/practice_library_results.html"
        return super().get_template(request, *args, **kwargs)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # The same URL answers with a fragment (htmx) or a page: caches must keep them apart.
        patch_vary_headers(response, ("HX-Request",))
        return response
