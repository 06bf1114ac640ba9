"""At the bench's scale (bench/workplans_data.py: a plan of 200 activities, 600 indicator values,
1,000 progress updates, 1,000 comments; the dashboard over 9 × 4 × 50 activities) the plan page
and the dashboard run the queries they run on a small plan: nothing is read part by part."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.workplans_data import build_workplans
from workplans.models import ActivityProgress, ProgressStream, ProgressUpdate, WorkPlanPage
from workspace.discussions.models import Comment, Thread

pytestmark = pytest.mark.django_db


def timed_queries(client, url):
    client.get(url)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), time.perf_counter() - started, response.content.decode()


def test_bench_data_and_query_counts_at_scale(client_for, django_user_model):
    small = build_workplans(
        year=2020, activities_per_pillar=5, updates=50, comments=40, comment_threads=10, governments=["GT", "HN"]
    )
    large = build_workplans(year=2021)
    plan = WorkPlanPage.objects.get(pk=large["plan_id"])
    assert len(plan.activities()) == 200
    assert sum(len(activity.indicators) for activity in plan.activities()) == 600
    assert ProgressUpdate.objects.filter(plan_key=plan.translation_key).count() == 1000
    assert ProgressStream.objects.get(plan_key=plan.translation_key).last_sequence == 1000
    assert Comment.objects.filter(thread__translation_key=plan.translation_key).count() == 1000
    assert all(thread.last_sequence == thread.comments.count() for thread in Thread.objects.all())
    plans = WorkPlanPage.objects.live().filter(year=2021)
    assert plans.count() == 9 and ActivityProgress.objects.count() == 9 * 200 + 2 * 20
    assert build_workplans(year=2021)["plan_id"] == plan.pk  # idempotent

    participant = django_user_model.objects.get(email=large["members"]["participant"])
    client = client_for(participant)
    few, _seconds, _body = timed_queries(client, small["plan_url"])
    many, seconds, body = timed_queries(client, large["plan_url"])
    assert few == many, f"plan page: {few} queries for 20 activities, {many} for 200"
    assert body.count('class="activity"') == 200
    print(f"plan page at scale: {many} queries, {seconds:.2f} s")
    few, _seconds, _body = timed_queries(client, small["dashboard_url"])
    many, seconds, _body = timed_queries(client, large["dashboard_url"])
    assert few == many, f"dashboard: {few} queries for 2 plans, {many} for 9 × 200 activities"
    print(f"dashboard at scale: {many} queries, {seconds:.2f} s")
