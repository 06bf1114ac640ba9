"""Build (or complete) the workspace's fixed structure. Idempotent: what exists is left alone.

Called by `manage.py setup_workspace`, by `make run` and by the release phase.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    PageViewRestriction,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from workspace.accounts.models import COORDINATORS_GROUP, PARTICIPANTS_GROUP, focal_points_group_name
from workspace.core.reference import DEFAULT_LANGUAGE, GOVERNMENTS, PILLARS
from workspace.core.reference import LANGUAGE_CODES as LANGUAGES

from .models import (
    BestPracticeIndexPage,
    GovernmentIndexPage,
    GovernmentPage,
    HomePage,
    PillarIndexPage,
    PillarPage,
    TargetPopulation,
)

REVIEW_WORKFLOW = "Coordinator review"
REVIEW_TASK = "Coordinator approval"

HOME = {
    "title": {
        "es": "Espacio regional de diálogo y coordinación",
        "en": "Regional dialogue and coordination workspace",
        "fr": "Espace régional de dialogue et de coordination",
    },
    "intro": {
        "es": "Los nueve gobiernos de Mesoamérica y el Caribe y la coordinación del programa "
        "comparten buenas prácticas, elaboran sus planes de trabajo anuales según los cuatro "
        "pilares y dan seguimiento a sus reuniones.",
        "en": "The nine governments of Mesoamerica and the Caribbean and the programme's "
        "coordinators share best practices, draft their annual work plans against the four "
        "pillars and follow up on their meetings.",
        "fr": "Les neuf gouvernements de la Mésoamérique et des Caraïbes et la coordination du "
        "programme partagent leurs bonnes pratiques, élaborent leurs plans de travail annuels "
        "selon les quatre piliers et assurent le suivi de leurs réunions.",
    },
}

SECTIONS = (
    (PillarIndexPage, "pillars", {"es": "Pilares", "en": "Pillars", "fr": "Piliers"}),
    (GovernmentIndexPage, "governments", {"es": "Gobiernos", "en": "Governments", "fr": "Gouvernements"}),
    (
        BestPracticeIndexPage,
        "practices",
        {"es": "Buenas prácticas", "en": "Best practices", "fr": "Bonnes pratiques"},
    ),
)
# The sections in the main navigation (`show_in_menus`); other apps add theirs with `ensure_section`.
MENU_SECTIONS = ("governments", "practices")

FOCAL_POINT_PAGE_PERMISSIONS = ("add_page", "change_page")
COORDINATOR_PAGE_PERMISSIONS = (
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
    "bulk_delete_page",
)
FOCAL_POINT_COLLECTION_PERMISSIONS = (
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
)
# The managed list of target populations: (slug, Spanish, English, French). Coordinators edit it
# afterwards as a snippet; setup only adds the rows that are missing.
TARGET_POPULATIONS = (
    ("returnees", "Personas retornadas", "Returnees", "Personnes de retour"),
    ("migrants-in-transit", "Personas migrantes en tránsito", "Migrants in transit", "Migrants en transit"),
    (
        "unaccompanied-children",
        "Niñas, niños y adolescentes no acompañados",
        "Unaccompanied children and adolescents",
        "Enfants et adolescents non accompagnés",
    ),
    ("host-communities", "Comunidades de acogida", "Host communities", "Communautés d'accueil"),
    ("migrant-workers", "Personas trabajadoras migrantes", "Migrant workers", "Travailleurs migrants"),
    (
        "trafficking-survivors",
        "Sobrevivientes de trata de personas",
        "Survivors of human trafficking",
        "Survivants de la traite des personnes",
    ),
    (
        "at-risk-of-irregular-migration",
        "Personas en riesgo de migración irregular",
        "People at risk of irregular migration",
        "Personnes exposées à la migration irrégulière",
    ),
    ("displaced-persons", "Personas desplazadas", "Displaced persons", "Personnes déplacées"),
    ("public-officials", "Personal de instituciones públicas", "Public officials", "Agents de la fonction publique"),
    ("diaspora", "Diáspora", "Diaspora", "Diaspora"),
)
COORDINATOR_MODEL_PERMISSIONS = (
    "site.add_targetpopulation",
    "site.change_targetpopulation",
    "site.delete_targetpopulation",
)

COORDINATOR_COLLECTION_PERMISSIONS = FOCAL_POINT_COLLECTION_PERMISSIONS + (
    "wagtaildocs.delete_document",
    "wagtailimages.delete_image",
)


@transaction.atomic
def setup_workspace():
    """Create locales, the page tree in three languages, groups, permissions and workflow.

    Then every other app whose AppConfig has a `setup_workspace()` method adds its part (its
    section with `ensure_section`, its permissions), in INSTALLED_APPS order: the site never
    imports the sections built on it.
    """
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
    home = _ensure_home(locales[DEFAULT_LANGUAGE])
    sections = {}
    for model, slug, titles in SECTIONS:
        sections[slug] = _ensure_child(
            home, model, slug, title=titles[DEFAULT_LANGUAGE], show_in_menus=slug in MENU_SECTIONS
        )
    pillars = [
        _ensure_child(
            sections["pillars"],
            PillarPage,
            pillar.slug,
            title=pillar.names[DEFAULT_LANGUAGE],
            number=pillar.number,
            description=pillar.descriptions[DEFAULT_LANGUAGE],
        )
        for pillar in PILLARS
    ]
    governments = [
        _ensure_child(
            sections["governments"],
            GovernmentPage,
            government.slug,
            title=government.names[DEFAULT_LANGUAGE],
            code=government.code,
            capital=government.capital[DEFAULT_LANGUAGE],
            time_zone=government.time_zone,
            official_language=government.official_language,
        )
        for government in GOVERNMENTS
    ]

    for code in LANGUAGES:
        if code == DEFAULT_LANGUAGE:
            continue
        locale = locales[code]
        _ensure_translation(home, locale, title=HOME["title"][code], intro=HOME["intro"][code])
        for _model, slug, titles in SECTIONS:
            _ensure_translation(sections[slug], locale, title=titles[code])
        for page, pillar in zip(pillars, PILLARS, strict=True):
            _ensure_translation(page, locale, title=pillar.names[code], description=pillar.descriptions[code])
        for page, government in zip(governments, GOVERNMENTS, strict=True):
            _ensure_translation(page, locale, title=government.names[code], capital=government.capital[code])

    homes = list(HomePage.objects.filter(translation_key=home.translation_key))
    for page in homes:
        PageViewRestriction.objects.get_or_create(page=page, restriction_type=PageViewRestriction.LOGIN)
    # Documents and images are members-only too (the page restriction does not cover their URLs).
    CollectionViewRestriction.objects.get_or_create(
        collection=Collection.get_first_root_node(), restriction_type=CollectionViewRestriction.LOGIN
    )

    _ensure_groups_and_permissions()
    _ensure_review_workflow()
    _ensure_target_populations()
    for config in apps.get_app_configs():
        if callable(getattr(config, "setup_workspace", None)):
            config.setup_workspace()
    return home


def ensure_section(model, slug, titles, *, show_in_menus=True):
    """A section index page under the home page, in every language (idempotent); for other apps' setup.

    `titles`: language code → title. Returns the page in the default language.
    """
    home = HomePage.objects.get(depth=2, locale__language_code=DEFAULT_LANGUAGE)
    section = _ensure_child(home, model, slug, title=titles[DEFAULT_LANGUAGE], show_in_menus=show_in_menus)
    for code in LANGUAGES:
        if code != DEFAULT_LANGUAGE:
            _ensure_translation(section, Locale.objects.get(language_code=code), title=titles[code])
    return section


def _ensure_roots(locale):
    """Wagtail's migrations create the root page and collection; a flushed database has neither."""
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale, live=True))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return root


def _ensure_home(locale):
    root = _ensure_roots(locale)
    home = HomePage.objects.filter(depth=2, locale=locale).first()
    if home is None:
        # Wagtail's initial migration leaves a plain "Welcome" page where the home page goes.
        for page in Page.objects.filter(depth=2, slug="home"):
            if page.specific_class is Page and not page.get_children().exists():
                page.delete()
        home = HomePage(
            title=HOME["title"][locale.language_code],
            intro=HOME["intro"][locale.language_code],
            slug="home",
            locale=locale,
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Workspace",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


def _ensure_child(parent, model, slug, **fields):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, locale=parent.locale, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _ensure_translation(page, locale, **fields):
    if page.has_translation(locale):
        return page.get_translation(locale)
    translation = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return translation


def _ensure_groups_and_permissions():
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")

    coordinators, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    coordinators.permissions.add(
        access_admin,
        *_model_permissions("accounts", "invitation", ("add", "change", "view")),
        # Wagtail's user admin (edit, deactivate, change role or government; not add or delete:
        # members join by invitation) and the primary/alternate focal-point designations.
        *_model_permissions("accounts", "user", ("change", "view")),
        *_model_permissions("accounts", "focalpointdesignation", ("add", "change", "delete", "view")),
        *_model_permissions("discussions", "comment", ("view", "moderate")),
    )
    for codename in COORDINATOR_PAGE_PERMISSIONS:
        _grant_page(coordinators, root_page, codename)
    for name in COORDINATOR_COLLECTION_PERMISSIONS:
        _grant_collection(coordinators, root_collection, name)

    for name in COORDINATOR_MODEL_PERMISSIONS:
        app_label, codename = name.split(".")
        coordinators.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))

    Group.objects.get_or_create(name=PARTICIPANTS_GROUP)

    for government in GOVERNMENTS:
        group, _ = Group.objects.get_or_create(name=focal_points_group_name(government.code))
        group.permissions.add(access_admin)
        for page in GovernmentPage.objects.filter(code=government.code):
            for codename in FOCAL_POINT_PAGE_PERMISSIONS:
                _grant_page(group, page, codename)
        collection = _ensure_collection(root_collection, government.names[DEFAULT_LANGUAGE])
        for name in FOCAL_POINT_COLLECTION_PERMISSIONS:
            _grant_collection(group, collection, name)


def _model_permissions(app_label, model, actions):
    return Permission.objects.filter(
        content_type__app_label=app_label, codename__in=[f"{action}_{model}" for action in actions]
    )


def _grant_page(group, page, codename):
    permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
    GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _grant_collection(group, collection, name):
    app_label, codename = name.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


def _ensure_collection(root, name):
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(instance=Collection(name=name))


def _ensure_target_populations():
    for order, (slug, name_es, name_en, name_fr) in enumerate(TARGET_POPULATIONS):
        TargetPopulation.objects.get_or_create(
            slug=slug, defaults={"name_es": name_es, "name_en": name_en, "name_fr": name_fr, "sort_order": order}
        )


def _ensure_review_workflow():
    coordinators = Group.objects.get(name=COORDINATORS_GROUP)
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK)
    task.groups.add(coordinators)
    workflow, _ = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    # Wagtail's own "Moderators approval" workflow sits on the root page for an empty
    # "Moderators" group; review here is by coordinators, on the government subtrees only.
    WorkflowPage.objects.filter(page=Page.get_first_root_node()).exclude(workflow=workflow).delete()
    for page in GovernmentPage.objects.all():
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
