"""Work plans in the Wagtail admin: creation under one's government, one plan per year, the review
workflow, stale saves refused, drafts invisible to other governments, "Start next year's plan"."""

import pytest
from wagtail.models import Workflow, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from tests.factories import government_page, make_member, make_plan, plan_objective
from workplans.models import ActivityProgress, WorkPlanPage
from workplans.services import record_progress

pytestmark = pytest.mark.django_db


def plan_form(**overrides):
    data = nested_form_data(
        {
            "title": "Plan de trabajo 2026",
            "slug": "2026",
            "year": "2026",
            "summary": "Prioridades del año.",
            "pillar_1": streamfield([]),
            "pillar_2": streamfield([]),
            "pillar_3": streamfield([]),
            "pillar_4": streamfield([]),
            "comments": inline_formset([]),
            "seo_title": "",
            "search_description": "",
        }
    )
    data.update(overrides)
    return data


def add_url(code="GT"):
    return f"/admin/pages/add/workplans/workplanpage/{government_page(code).pk}/"


def test_a_focal_point_creates_a_draft_plan_under_their_government(client_for, focal_point_gt):
    response = client_for(focal_point_gt).post(add_url(), plan_form())
    assert response.status_code == 302
    plan = WorkPlanPage.objects.get(year=2026, title="Plan de trabajo 2026")
    assert not plan.live
    assert plan.get_parent().specific.code == "GT"


def test_a_focal_point_cannot_create_a_plan_under_another_government(client_for, focal_point_hn):
    response = client_for(focal_point_hn).post(add_url("GT"), plan_form())
    assert response.status_code in (302, 403)
    assert not WorkPlanPage.objects.filter(title="Plan de trabajo 2026").exists()


def test_a_second_plan_for_the_same_government_and_year_is_a_form_error(client_for, focal_point_gt):
    make_plan("GT", author=focal_point_gt, year=2026, title="Plan original")
    response = client_for(focal_point_gt).post(add_url(), plan_form(slug="2026-bis"))
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert "2026" in response.context["form"].errors["year"][0]
    assert WorkPlanPage.objects.filter(year=2026).count() == 1


def test_another_government_may_have_a_plan_for_the_same_year(client_for, focal_point_gt, focal_point_hn):
    make_plan("GT", author=focal_point_gt, year=2026)
    response = client_for(focal_point_hn).post(add_url("HN"), plan_form())
    assert response.status_code == 302
    assert WorkPlanPage.objects.filter(year=2026).count() == 2


def test_submit_then_only_a_coordinator_approves(client_for, focal_point_gt, coordinator):
    plan = make_plan("GT", author=focal_point_gt, live=False, pillars={})
    client = client_for(focal_point_gt)
    edit = client.get(f"/admin/pages/{plan.pk}/edit/")
    assert edit.status_code == 200
    response = client.post(f"/admin/pages/{plan.pk}/edit/", plan_form(**{"action-submit": "Submit"}))
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(plan.pk), status="in_progress")
    assert state.workflow_id == Workflow.objects.get(name="Coordinator review").pk
    task_state = state.current_task_state

    # The focal point may not approve their own plan, nor publish it directly.
    client.post(f"/admin/pages/workflow/action/{plan.pk}/approve/{task_state.pk}/", {"comment": "Yo mismo."})
    client.post(f"/admin/pages/{plan.pk}/edit/", plan_form(**{"action-publish": "Publish"}))
    task_state.refresh_from_db()
    plan.refresh_from_db()
    assert task_state.status == "in_progress"
    assert not plan.live

    response = client_for(coordinator).post(
        f"/admin/pages/workflow/action/{plan.pk}/approve/{task_state.pk}/", {"comment": "Aprobado."}
    )
    assert response.status_code in (200, 302)
    plan.refresh_from_db()
    assert plan.live


def test_other_governments_never_see_a_draft_plan(client_for, focal_point_gt, focal_point_hn, participant):
    plan = make_plan("GT", author=focal_point_gt, live=False, title="Plan confidencial de Guatemala")
    hn = client_for(focal_point_hn)
    assert hn.get(f"/admin/pages/{plan.pk}/edit/").status_code == 302
    assert "Plan confidencial" not in hn.get(f"/admin/pages/{government_page('GT').pk}/").content.decode()
    assert "Plan confidencial" not in hn.get("/admin/pages/search/?q=confidencial").content.decode()
    assert "Plan confidencial" not in hn.get("/admin/").content.decode()
    assert hn.get(f"/work-plans/{plan.pk}/export.csv").status_code == 404
    assert hn.get(plan.url).status_code == 404
    assert "Plan confidencial" not in hn.get("/es/workplans/").content.decode()
    participant_client = client_for(participant)
    assert participant_client.get(f"/work-plans/{plan.pk}/export.xlsx").status_code == 404


def test_the_second_save_of_a_stale_version_is_refused_and_nothing_is_lost(client_for, focal_point_gt):
    other = make_plan("GT", author=focal_point_gt, live=False, pillars={})
    colleague = make_member("focal_point", government_code="GT")
    loaded = other.get_latest_revision()
    stale_fields = {"loaded_revision_id": str(loaded.pk), "loaded_revision_created_at": loaded.created_at.isoformat()}

    first = client_for(focal_point_gt).post(
        f"/admin/pages/{other.pk}/edit/", plan_form(summary="Versión de la primera persona.", **stale_fields)
    )
    assert first.status_code == 302

    second = client_for(colleague).post(
        f"/admin/pages/{other.pk}/edit/", plan_form(summary="Versión que pisaría la anterior.", **stale_fields)
    )
    assert second.status_code == 200
    assert [error.code for error in second.context["form"].non_field_errors().as_data()] == ["stale_revision"]
    latest = WorkPlanPage.objects.get(pk=other.pk).get_latest_revision_as_object()
    assert latest.summary == "Versión de la primera persona."


def test_start_next_year_carries_unfinished_activities(client_for, focal_point_gt, coordinator):
    plan = make_plan("GT", author=focal_point_gt, year=2026, pillars={1: [plan_objective(activities=3)]})
    done, delayed, untouched = plan.activities()
    record_progress(plan=plan, activity_uuid=done.uuid, by=focal_point_gt, status="done", percent_complete=100)
    record_progress(
        plan=plan,
        activity_uuid=delayed.uuid,
        by=focal_point_gt,
        status="delayed",
        percent_complete=40,
        indicator_values={delayed.indicators[0].uuid: "35"},
    )
    client = client_for(focal_point_gt)
    assert client.get(f"/admin/workplans/{plan.pk}/next-year/").status_code == 200
    response = client.post(f"/admin/workplans/{plan.pk}/next-year/")
    assert response.status_code == 302
    new_plan = WorkPlanPage.objects.get(year=2027)
    assert not new_plan.live
    assert new_plan.get_parent().pk == plan.get_parent().pk
    carried = new_plan.activities()
    assert [activity.predecessor for activity in carried] == [delayed.uuid, untouched.uuid]
    assert {activity.uuid for activity in carried}.isdisjoint({delayed.uuid, untouched.uuid})
    assert carried[0].indicators[0].baseline == 35
    assert ActivityProgress.objects.filter(plan_key=new_plan.translation_key).count() == 0
    # Twice: refused, nothing more created.
    client.post(f"/admin/workplans/{plan.pk}/next-year/")
    assert WorkPlanPage.objects.filter(year=2027).count() == 1


def test_start_next_year_is_refused_to_other_governments(client_for, focal_point_gt, focal_point_hn):
    plan = make_plan("GT", author=focal_point_gt, year=2026)
    response = client_for(focal_point_hn).post(f"/admin/workplans/{plan.pk}/next-year/")
    assert response.status_code in (302, 403)
    assert not WorkPlanPage.objects.filter(year=2027).exists()
