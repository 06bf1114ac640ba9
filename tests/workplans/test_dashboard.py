"""The regional dashboard and the exports: numbers equal a hand count, drafts never counted,
query counts constant as data grows, CSV and XLSX read back."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.factories import make_plan, plan_objective
from workplans.models import current_programme_year
from workplans.services import record_progress

pytestmark = pytest.mark.django_db

DASHBOARD = "/es/workplans/"


@pytest.fixture
def region(focal_point_gt, focal_point_hn):
    year = current_programme_year()
    gt = make_plan(
        "GT", author=focal_point_gt, year=year, pillars={1: [plan_objective(activities=2)], 3: [plan_objective()]}
    )
    hn = make_plan("HN", author=focal_point_hn, year=year, pillars={1: [plan_objective(activities=1)]})
    make_plan(
        "GT",
        author=focal_point_gt,
        year=year + 1,
        live=False,
        title="Borrador secreto",
        pillars={2: [plan_objective()]},
    )
    a1, a2, a3 = gt.activities()
    record_progress(
        plan=gt,
        activity_uuid=a1.uuid,
        by=focal_point_gt,
        status="done",
        percent_complete=100,
        indicator_values={a1.indicators[0].uuid: "100"},
    )
    record_progress(
        plan=gt,
        activity_uuid=a2.uuid,
        by=focal_point_gt,
        status="delayed",
        percent_complete=50,
        indicator_values={a2.indicators[0].uuid: "50"},
    )
    return {"year": year, "gt": gt, "hn": hn}


def cells(response):
    return {
        (code, number): (cell.activities, cell.average)
        for code, _name, row, _total in response.context["dashboard"].governments
        for number, cell in enumerate(row, start=1)
    }


def test_the_heatmap_equals_a_hand_count(client_for, participant, region):
    response = client_for(participant).get(DASHBOARD)
    assert response.status_code == 200
    counted = cells(response)
    assert counted[("GT", 1)] == (2, 75)  # 100 % and 50 %
    assert counted[("GT", 3)] == (1, 0)
    assert counted[("HN", 1)] == (1, 0)
    assert counted[("MX", 1)] == (0, 0)
    dashboard = response.context["dashboard"]
    assert [cell.activities for cell in dashboard.pillar_totals] == [3, 0, 1, 0]
    assert dashboard.total.activities == 4
    achievements = {number: achievement for number, _label, achievement in dashboard.achievements}
    assert achievements[1].indicators == 3 and achievements[1].reached == 1
    assert achievements[1].percent == 50  # (1 + 0.5 + 0) / 3
    assert [row.activity.title for row in dashboard.delayed] == ["Actividad 2"]
    body = response.content.decode()
    assert "Borrador secreto" not in body
    assert "2 activities, 75 % average completion" in body or "2 actividades" in body


def test_filters_narrow_the_drill_down(client_for, participant, region):
    client = client_for(participant)
    rows = client.get(DASHBOARD, {"government": "GT", "status": "delayed"}).context["dashboard"].rows
    assert [(row.government_code, row.activity.title) for row in rows] == [("GT", "Actividad 2")]
    rows = client.get(DASHBOARD, {"pillar": "3"}).context["dashboard"].rows
    assert len(rows) == 1 and rows[0].activity.pillar == 3
    assert client.get(DASHBOARD, {"year": region["year"] + 1}).context["dashboard"].total.activities == 0


def test_dashboard_queries_are_constant_as_data_grows(
    client_for, participant, focal_point_gt, region, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(participant)
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as before:
        client.get(DASHBOARD)
    baseline = len(before)  # now: the connection's query log is a bounded deque that the data below overflows
    for code in ("CR", "PA", "MX"):
        plan = make_plan(
            code,
            author=focal_point_gt,
            year=region["year"],
            pillars={n: [plan_objective(activities=10)] for n in (1, 2, 3, 4)},
        )
        for activity in plan.activities()[:5]:
            record_progress(
                plan=plan, activity_uuid=activity.uuid, by=make_admin(), status="in_progress", percent_complete=10
            )
    client.get(DASHBOARD)  # publishing refreshes what the pages share (navigation…): read it once
    with django_assert_num_queries(baseline):
        response = client.get(DASHBOARD)
    assert response.context["dashboard"].total.activities == 4 + 120


def make_admin():
    from tests.factories import make_member

    return make_member("coordinator", mfa=False)


def test_plan_csv_reads_back(client_for, participant, region):
    response = client_for(participant).get(f"/work-plans/{region['gt'].pk}/export.csv")
    assert response.status_code == 200
    assert f"-guatemala-{region['year']}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3
    first = rows[1]
    assert (first[0], first[1], first[2], first[4], first[6], first[11]) == (
        "Guatemala",
        str(region["year"]),
        "1",
        "Actividad 1",
        "100",
        "1500.00",
    )


def test_plan_xlsx_reads_back_with_numbers(client_for, participant, region):
    response = client_for(participant).get(f"/work-plans/{region['gt'].pk}/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    activities, indicators = workbook.worksheets
    rows = list(activities.values)
    assert len(rows) == 4
    assert rows[2][6] == 50 and rows[2][4] == "Actividad 2"
    indicator_rows = list(indicators.values)
    assert indicator_rows[1][7] == 100 and indicator_rows[1][8] == 100
    assert indicator_rows[2][8] == 50


def test_dashboard_export_follows_the_filters(client_for, participant, region):
    response = client_for(participant).get("/work-plans/dashboard/export.csv", {"government": "HN"})
    assert response.status_code == 200
    assert f"honduras-{region['year']}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Honduras"]
    workbook = load_workbook(io.BytesIO(client_for(participant).get("/work-plans/dashboard/export.xlsx").content))
    assert len(list(workbook.worksheets[0].values)) == 1 + 4
    assert client_for(participant).get("/work-plans/dashboard/export.pdf").status_code == 404
