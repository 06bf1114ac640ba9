"""Bench data for work plans (issue 10): a plan of 200 activities with 600 indicator values,
1,000 progress updates and 1,000 comments, and the regional dashboard for 9 governments ×
4 pillars × 50 activities. A data builder, not a harness: the page bench (`make bench`) calls
`build_workplans()` in a database where `setup_workspace` has run, then measures the URLs it
returns. Also usable on its own:

    .venv/bin/python manage.py shell -c "from bench.workplans_data import build_workplans; print(build_workplans())"

The rows are written in bulk, as the services would leave them: each progress update numbered in
its plan's `ProgressStream`, each activity's `ActivityProgress` its last update, each comment
numbered in its thread with its `posted` event and the thread's sequence after the last one.
Idempotent: a government that already has a plan for the bench year is left as it is.
"""

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

PILLARS = (1, 2, 3, 4)
STATUSES = ("planned", "in_progress", "in_progress", "done", "delayed")
TOPICS = (
    "Capacitación de oficiales de migración",
    "Mecanismo bilateral de coordinación",
    "Plan de contingencia ante llegadas masivas",
    "Campaña comunitaria de información",
    "Protocolo de atención a niñez migrante",
)


def bench_year():
    from workplans.models import current_programme_year

    return current_programme_year() - 1  # a year of its own, beside the demo's current year


def _member(email, role, government_code=None):
    from workspace.accounts.services import add_member

    existing = get_user_model().objects.filter(email=email).first()
    return existing or add_member(
        email=email, role=role, government_code=government_code, first_name="Bench", last_name=email.split("@")[0]
    )


def _structure(code, *, activities_per_pillar, indicators):
    """{pillar: raw StreamField data}: five objectives per pillar, the activities spread over them."""
    pillars = {}
    for pillar in PILLARS:
        objectives = []
        per_objective = max(1, activities_per_pillar // 5)
        made = 0
        for number in range(5):
            count = per_objective if number < 4 else activities_per_pillar - made
            made += count
            objectives.append(
                {
                    "type": "objective",
                    "id": str(uuid.uuid4()),
                    "value": {
                        "title": f"{TOPICS[number]} ({code}, pilar {pillar})",
                        "description": "Objetivo del plan de trabajo.",
                        "activities": [_activity(code, pillar, number, index, indicators) for index in range(count)],
                    },
                }
            )
        pillars[pillar] = objectives
    return pillars


def _activity(code, pillar, objective, index, indicators):
    return {
        "type": "item",
        "id": str(uuid.uuid4()),
        "value": {
            "title": f"Actividad {pillar}.{objective + 1}.{index + 1} — {TOPICS[(index + objective) % 5]}",
            "description": "Talleres, reuniones técnicas y materiales de apoyo.",
            "responsible_institutions": f"Dirección de Migración ({code})\nMinisterio de Relaciones Exteriores",
            "start_month": str(1 + index % 6),
            "end_month": str(7 + index % 6),
            "target_group": "Oficiales de migración",
            "budget_amount": f"{1000 + 250 * index}.00",
            "budget_currency": "USD",
            "indicators": [
                {
                    "type": "item",
                    "id": str(uuid.uuid4()),
                    "value": {
                        "name": f"Indicador {number + 1}",
                        "unit": "personas",
                        "baseline": "0",
                        "target": "100",
                        "means_of_verification": "Listas de asistencia",
                    },
                }
                for number in range(indicators)
            ],
            "best_practices": [],
            "predecessor": "",
        },
    }


def _publish_plan(government, *, year, author, activities_per_pillar, indicators):
    from workplans.models import PILLAR_FIELDS, WorkPlanPage

    existing = WorkPlanPage.objects.child_of(government).filter(year=year).first()
    if existing is not None:
        return existing, False
    plan = WorkPlanPage(
        title=f"Plan de trabajo {year}",
        slug=str(year),
        year=year,
        summary="Plan de referencia para las mediciones.",
        owner=author,
        live=False,
        has_unpublished_changes=True,
    )
    for pillar, objectives in _structure(
        government.code, activities_per_pillar=activities_per_pillar, indicators=indicators
    ).items():
        setattr(plan, PILLAR_FIELDS[pillar], objectives)
    government.add_child(instance=plan)
    plan.save_revision(user=author).publish()
    return WorkPlanPage.objects.get(pk=plan.pk), True


def _progress(plan, *, author, updates):
    """`updates` progress updates spread over the plan's activities (at least one state each), the
    last one of each activity its current state, every indicator with a current value."""
    from workplans.models import ActivityProgress, ProgressStream, ProgressUpdate

    activities = plan.activities()
    now = timezone.now()
    rows, states = [], {}
    total = max(updates, len(activities)) if updates else len(activities)
    for sequence in range(1, total + 1):
        activity = activities[(sequence - 1) % len(activities)]
        previous = states.get(activity.uuid)
        percent = min(100, (previous.percent_complete if previous else 0) + 20)
        status = "done" if percent == 100 else STATUSES[sequence % len(STATUSES)]
        values = {indicator.uuid: str(min(100, percent)) for indicator in activity.indicators}
        rows.append(
            ProgressUpdate(
                plan_key=plan.translation_key,
                activity_uuid=activity.uuid,
                activity_title=activity.title[:250],
                sequence=sequence,
                author=author,
                created_at=now - timedelta(minutes=total - sequence),
                status=status,
                previous_status=previous.status if previous else "",
                percent_complete=percent,
                previous_percent_complete=previous.percent_complete if previous else 0,
                indicator_values=values,
                note=f"Avance número {sequence}.",
            )
        )
        states[activity.uuid] = ActivityProgress(
            plan_key=plan.translation_key,
            activity_uuid=activity.uuid,
            activity_title=activity.title[:250],
            status=status,
            percent_complete=percent,
            indicator_values=values,
            last_sequence=sequence if updates else 0,
            updated_at=rows[-1].created_at,
        )
    if updates:
        ProgressUpdate.objects.bulk_create(rows, batch_size=500)
        ProgressStream.objects.update_or_create(plan_key=plan.translation_key, defaults={"last_sequence": total})
    ActivityProgress.objects.bulk_create(states.values(), batch_size=500)


def _comments(plan, *, authors, comments, threads):
    """`comments` comments on `threads` activity threads: each thread's first comment, then
    replies to it and further top-level comments, numbered with their `posted` events."""
    from workspace.discussions.models import Comment, Follow, Thread, ThreadEvent

    activities = plan.activities()[:threads]
    per_thread = [
        comments // len(activities) + (1 if n < comments % len(activities) else 0) for n in range(len(activities))
    ]
    now = timezone.now()
    for activity, count in zip(activities, per_thread, strict=True):
        if not count:
            continue
        thread = Thread.objects.create(page=plan, translation_key=plan.translation_key, anchor=activity.anchor)
        top = [
            Comment(
                thread=thread,
                author=authors[number % len(authors)],
                body=f"<p>Comentario {number + 1} sobre {activity.title}: ¿cómo va el calendario?</p>",
                sequence=number + 1,
                created=now - timedelta(minutes=count - number),
            )
            for number in range(0, count, 2)
        ]
        Comment.objects.bulk_create(top)
        first = Comment.objects.get(thread=thread, sequence=1)
        replies = [
            Comment(
                thread=thread,
                author=authors[(number + 1) % len(authors)],
                parent=first,
                body=f"<p>Respuesta {number + 1}: avanzamos según lo previsto.</p>",
                sequence=number + 1,
                created=now - timedelta(minutes=count - number),
            )
            for number in range(1, count, 2)
        ]
        Comment.objects.bulk_create(replies)
        ThreadEvent.objects.bulk_create(
            ThreadEvent(
                thread=thread, sequence=comment.sequence, kind="posted", comment=comment, created=comment.created
            )
            for comment in Comment.objects.filter(thread=thread)
        )
        Thread.objects.filter(pk=thread.pk).update(last_sequence=count)
        Follow.objects.bulk_create([Follow(member=member, thread=thread) for member in authors], ignore_conflicts=True)


@transaction.atomic
def build_workplans(
    *,
    year=None,
    activities_per_pillar=50,
    indicators=3,
    updates=1000,
    comments=1000,
    comment_threads=100,
    governments=None,
    plan_government="GT",
):
    """Build the bench data; returns {"year", "plan_url", "plan_id", "dashboard_url", "members"}.

    Every government (all nine by default) gets an approved plan for `year` with 4 pillars ×
    `activities_per_pillar` activities of `indicators` indicators and one progress state per
    activity; the `plan_government`'s plan (200 activities, 600 indicator values by default) gets
    `updates` progress updates and `comments` comments over `comment_threads` activities.
    `members`: {role: email} of members made for the bench (no password: sign them in with a
    session made in the session store).
    """
    from workspace.site.models import GovernmentPage

    year = year or bench_year()
    pages = GovernmentPage.objects.filter(locale__language_code="es").order_by("code")
    if governments:
        pages = pages.filter(code__in=governments)
    participants = [_member(f"bench.participant{n}@example.org", "participant") for n in range(1, 6)]
    coordinator = _member("bench.coordinator@example.org", "coordinator")
    result = {"year": year, "members": {"participant": participants[0].email, "coordinator": coordinator.email}}
    for government in pages:
        author = _member(f"bench.focal.{government.code.lower()}@example.org", "focal_point", government.code)
        plan, created = _publish_plan(
            government, year=year, author=author, activities_per_pillar=activities_per_pillar, indicators=indicators
        )
        if government.code == plan_government:
            result.update(plan_url=plan.url, plan_id=plan.pk)
            result["members"]["focal_point"] = author.email
        if not created:
            continue
        if government.code == plan_government:
            _progress(plan, author=author, updates=updates)
            _comments(plan, authors=[*participants, author], comments=comments, threads=comment_threads)
        else:
            _progress(plan, author=author, updates=0)
    from workplans.models import WorkPlanIndexPage

    index = WorkPlanIndexPage.objects.filter(locale__language_code="es").first()
    result["dashboard_url"] = f"{index.url}?year={year}" if index else None
    return result
