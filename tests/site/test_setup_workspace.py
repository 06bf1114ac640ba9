import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import translation
from wagtail.models import (
    GroupPagePermission,
    Locale,
    Page,
    PageViewRestriction,
    Site,
    Workflow,
    WorkflowPage,
)

from meetings.models import MeetingIndexPage
from workplans.models import WorkPlanIndexPage
from workspace.core.reference import GOVERNMENTS
from workspace.site.models import (
    BestPracticeIndexPage,
    GovernmentIndexPage,
    GovernmentPage,
    HomePage,
    PillarIndexPage,
    PillarPage,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["es", "en", "fr"]


def snapshot():
    return {
        "pages": sorted(Page.objects.values_list("url_path", "locale__language_code", "title")),
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "page_permissions": GroupPagePermission.objects.count(),
        "restrictions": PageViewRestriction.objects.count(),
        "workflow_pages": sorted(WorkflowPage.objects.values_list("page_id", "workflow__name")),
        "locales": sorted(Locale.objects.values_list("language_code", flat=True)),
    }


def test_locales_are_spanish_english_and_french():
    assert sorted(Locale.objects.values_list("language_code", flat=True)) == sorted(LANGUAGES)


def test_the_tree_exists_in_every_language():
    for language in LANGUAGES:
        home = HomePage.objects.get(locale__language_code=language)
        assert home.live
        for model in (
            PillarIndexPage,
            GovernmentIndexPage,
            BestPracticeIndexPage,
            WorkPlanIndexPage,
            MeetingIndexPage,
        ):
            assert model.objects.child_of(home).live().count() == 1, (model, language)
        assert PillarPage.objects.filter(locale__language_code=language).count() == 4
        assert GovernmentPage.objects.filter(locale__language_code=language).count() == 9


def test_the_default_site_serves_the_spanish_home_page():
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific.__class__ is HomePage
    assert site.root_page.locale.language_code == "es"


@pytest.mark.parametrize("government", GOVERNMENTS, ids=lambda g: g.code)
def test_each_government_has_code_names_capital_time_zone_and_language(government):
    for language in LANGUAGES:
        page = GovernmentPage.objects.get(code=government.code, locale__language_code=language)
        assert page.title == government.names[language]
        assert page.capital == government.capital[language]
        assert page.time_zone == government.time_zone
        assert page.official_language == government.official_language
        assert page.url_path.endswith(f"/governments/{government.slug}/")


def test_the_nine_governments_and_their_zones():
    zones = dict(GovernmentPage.objects.filter(locale__language_code="es").values_list("code", "time_zone"))
    assert zones == {
        "BZ": "America/Belize",
        "CR": "America/Costa_Rica",
        "DO": "America/Santo_Domingo",
        "SV": "America/El_Salvador",
        "GT": "America/Guatemala",
        "HT": "America/Port-au-Prince",
        "HN": "America/Tegucigalpa",
        "MX": "America/Mexico_City",
        "PA": "America/Panama",
    }


def test_pillars_are_numbered_and_translated():
    names = {
        language: list(
            PillarPage.objects.filter(locale__language_code=language).order_by("number").values_list("title", flat=True)
        )
        for language in LANGUAGES
    }
    assert names["en"] == [
        "Migration-governance capacity-building",
        "Partnerships",
        "Migration crisis management",
        "Prevention through communication for development",
    ]
    assert names["es"][1] == "Alianzas"
    assert names["fr"][1] == "Partenariats"


def test_groups_exist():
    names = set(Group.objects.values_list("name", flat=True))
    expected = {"Coordinators", "Participants"} | {f"Focal points · {g.code}" for g in GOVERNMENTS}
    assert expected <= names


def test_focal_point_groups_may_add_and_edit_only_under_their_government():
    for government in GOVERNMENTS:
        group = Group.objects.get(name=f"Focal points · {government.code}")
        rows = GroupPagePermission.objects.filter(group=group).select_related("page", "permission")
        assert {row.permission.codename for row in rows} == {"add_page", "change_page"}
        pages = {row.page.specific for row in rows}
        assert {page.code for page in pages} == {government.code}
        assert {page.locale.language_code for page in pages} == set(LANGUAGES)


def test_coordinators_may_publish_everywhere():
    rows = GroupPagePermission.objects.filter(group__name="Coordinators").select_related("page", "permission")
    assert {row.page.depth for row in rows} == {1}
    assert {"add_page", "change_page", "publish_page"} <= {row.permission.codename for row in rows}


def test_participants_have_no_page_permissions():
    assert not GroupPagePermission.objects.filter(group__name="Participants").exists()


def test_coordinator_review_workflow_is_assigned_to_every_government_page():
    workflow = Workflow.objects.get(name="Coordinator review")
    assert workflow.active
    tasks = [task.specific for task in workflow.tasks]
    with translation.override("en"):  # the stored name; members read it in their language
        assert [task.name for task in tasks] == ["Coordinator approval"]
    assert [group.name for group in tasks[0].groups.all()] == ["Coordinators"]
    for page in GovernmentPage.objects.all():
        assert page.get_workflow() == workflow
    root = Page.get_first_root_node()
    assert not WorkflowPage.objects.filter(page=root).exists()


def test_the_site_is_members_only():
    for home in HomePage.objects.all():
        assert home.get_view_restrictions().filter(restriction_type=PageViewRestriction.LOGIN).exists()


def test_setup_workspace_is_idempotent():
    before = snapshot()
    call_command("setup_workspace", stdout=io.StringIO())
    assert snapshot() == before


def test_documents_are_members_only():
    from wagtail.models import Collection, CollectionViewRestriction

    root = Collection.get_first_root_node()
    assert root.get_view_restrictions().filter(restriction_type=CollectionViewRestriction.LOGIN).exists()
