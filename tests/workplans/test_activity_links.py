"""Meeting action items that point at an activity are shown under it on the plan page (meeting,
status), for those who may read the meeting's outcomes, read for the whole plan in one query; in
the admin, an action item's activity is chosen among the activities of approved plans."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import ActionItem
from tests.factories import make_meeting, make_plan, plan_objective
from workplans.links import links_for_activities

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(focal_point_gt):
    return make_plan("GT", author=focal_point_gt, pillars={1: [plan_objective(activities=2, prefix="Capacitación")]})


def meeting_with_items(*items, outcomes_phase="published", status="held", title="Reunión anual de coordinación"):
    meeting = make_meeting(
        title=title, starts_at=timezone.now() - timedelta(days=30), status=status, outcomes_phase=outcomes_phase
    )
    meeting.action_items = [
        ActionItem(title=item_title, owner_government="GT", status=item_status, activity_uuid=activity_uuid)
        for item_title, item_status, activity_uuid in items
    ]
    meeting.save_revision().publish()
    return meeting


def test_the_plan_page_shows_the_action_items_of_an_activity_with_their_meeting_and_status(
    client_for, plan, participant
):
    first, second = plan.activities()
    meeting = meeting_with_items(
        ("Enviar el calendario de talleres", "in_progress", first.uuid), ("Acción sin actividad", "open", "")
    )
    body = client_for(participant).get(plan.url).content.decode()
    assert "Enviar el calendario de talleres" in body
    assert "Reunión anual de coordinación" in body and "En curso" in body
    assert f"{meeting.url}#outcomes-heading" in body
    assert "Acción sin actividad" not in body
    links = links_for_activities([first.uuid, second.uuid], viewer=participant)
    assert [link.title for link in links[first.uuid]] == ["Enviar el calendario de talleres"]
    assert second.uuid not in links


def test_outcomes_not_yet_published_show_only_to_coordinators(client_for, plan, participant, coordinator):
    activity = plan.activities()[0]
    meeting_with_items(("Borrador de acción", "open", activity.uuid), outcomes_phase="circulated")
    assert "Borrador de acción" not in client_for(participant).get(plan.url).content.decode()
    assert "Borrador de acción" in client_for(coordinator).get(plan.url).content.decode()


def test_links_for_all_activities_cost_one_query(plan, participant, django_assert_num_queries):
    activities = plan.activities()
    meeting_with_items(*[(f"Acción {n}", "open", activity.uuid) for n, activity in enumerate(activities)])
    meeting_with_items(("Otra", "done", activities[0].uuid), title="Segunda reunión")
    uuids = [activity.uuid for activity in activities] + [str(n) for n in range(200)]
    links_for_activities(uuids, viewer=participant)  # the viewer's groups and the site's root, read once
    with django_assert_num_queries(1):
        links = links_for_activities(uuids, viewer=participant)
    assert [link.title for link in links[activities[0].uuid]] == ["Acción 0", "Otra"]
    assert [link.is_open for link in links[activities[0].uuid]] == [True, False]


def test_the_admin_offers_the_activities_of_approved_plans(client_for, coordinator, plan, focal_point_hn):
    draft = make_plan(
        "HN", author=focal_point_hn, live=False, pillars={2: [plan_objective(activities=1, prefix="Borrador")]}
    )
    activity = plan.activities()[0]
    meeting = meeting_with_items(("Seguimiento", "open", activity.uuid))
    response = client_for(coordinator).get(f"/admin/pages/{meeting.pk}/edit/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{activity.uuid}" selected>1 · Capacitación 1</option>' in body
    assert "1 · Capacitación 2" in body
    assert draft.activities()[0].uuid not in body and "Borrador 1" not in body


def action_item_form(activity_uuid):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    from tests.meetings.test_scheduling import meeting_form

    item = {"title": "Seguimiento", "owner_government": "GT", "due_date": "", "status": "open"}
    return meeting_form(
        **nested_form_data({"action_items": inline_formset([{**item, "activity_uuid": activity_uuid}])})
    )


def test_an_action_item_pointing_at_anything_but_an_approved_activity_is_refused(
    client_for, coordinator, plan, focal_point_hn
):
    from meetings.models import MeetingPage
    from tests.meetings.test_scheduling import add_url

    draft = make_plan("HN", author=focal_point_hn, live=False, pillars={2: [plan_objective(activities=1)]})
    client = client_for(coordinator)
    for typed in (draft.activities()[0].uuid, "no-such-activity"):
        response = client.post(add_url(), action_item_form(typed))
        assert response.status_code == 200
        errors = response.context["form"].formsets["action_items"].forms[0].errors
        assert errors["activity_uuid"] == ["Elija de la lista una actividad de un plan de trabajo aprobado."]
        assert not MeetingPage.objects.filter(slug="sesion-retorno").exists()
    response = client.post(add_url(), action_item_form(plan.activities()[0].uuid))
    assert response.status_code == 302
    assert MeetingPage.objects.get(slug="sesion-retorno").action_items.get().activity_uuid == plan.activities()[0].uuid


def test_an_action_items_activity_archived_since_stays_as_it_was(plan):
    activity = plan.activities()[0]
    meeting = meeting_with_items(("Seguimiento", "open", activity.uuid))
    item = ActionItem.objects.get(page=meeting)
    plan.pillar_1 = []  # the activity leaves the approved plan
    plan.save_revision().publish()
    item.full_clean()  # no error: the value was stored before
    item.activity_uuid = ""
    item.full_clean()
