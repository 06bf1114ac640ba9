"""Everything that changes a work plan's progress or starts a plan. Every entry point calls these.

A progress update is one transaction: the plan's next sequence number, the immutable
`ProgressUpdate`, the activity's current state; the live push is scheduled on commit, so nobody
hears of an update that was rolled back and a failing channel layer never fails the write
(clients replay what they missed with `progress_events_after`).
"""

import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Sum, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.models import Collection

from workspace.core import memo
from workspace.core.choices import Pillar
from workspace.core.pages import is_coordinator
from workspace.live.groups import page_group
from workspace.live.sender import send_on_commit

from .access import can_report_progress, can_view_progress, may_edit_plan
from .dashboard import PROGRESS
from .links import links_for_activities
from .models import (
    PILLAR_FIELDS,
    UNFINISHED,
    ActivityProgress,
    ProgressStream,
    ProgressUpdate,
    WorkPlanPage,
    resolve_best_practices,
)
from .notices import notify_progress_recorded

HISTORY_SHOWN = 5  # updates shown when an activity's history is opened on the plan page (the rest: its page)
HISTORY_PER_PAGE = 25
EVENTS_PER_REPLAY = 100
MAX_NOTE_LENGTH = 1000


# --- Live push --------------------------------------------------------------------------------


def progress_stream_name(plan):
    return f"progress:{plan.translation_key}"


# --- Progress ---------------------------------------------------------------------------------


def _clean_indicator_values(activity, values):
    """{indicator uuid: Decimal} for the activity's indicators; anything else is an error."""
    known = {indicator.uuid for indicator in activity.indicators}
    cleaned, errors = {}, []
    for key, raw in (values or {}).items():
        if str(key) not in known:
            errors.append(_("Unknown indicator."))
            continue
        if raw in (None, ""):
            continue
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            errors.append(_("“%(value)s” is not a number.") % {"value": raw})
            continue
        if not number.is_finite() or number < 0:
            errors.append(_("An indicator value cannot be negative."))
            continue
        cleaned[str(key)] = str(number)
    if errors:
        raise ValidationError({"indicator_values": errors})
    return cleaned


@transaction.atomic
def record_progress(
    *, plan, activity_uuid, by, status, percent_complete, indicator_values=None, note="", evidence_file=None
):
    """Record a progress update on an activity of an approved plan, as `by`.

    Preconditions: `by` may report on the plan (access.can_report_progress) and the activity is in
    the plan's approved version. Bad input raises ValidationError and writes nothing. Rings the
    bell of the government's other focal points and the activity discussion's followers. Pushes
    `{"type": "stream.event", "stream": "progress:<plan key>", "sequence": n}` to the page's group
    after commit. Gives the dashboard's cached fragment a new version (`dashboard.PROGRESS`).
    """
    plan = WorkPlanPage.objects.get(pk=plan.pk)  # the approved version, not an edited copy
    if not can_report_progress(by, plan):
        raise ValidationError(_("You may not report progress on this plan."))
    activity = plan.activity(activity_uuid)
    if activity is None:
        raise ValidationError({"activity": _("This activity is not in the approved plan.")})
    if len(note or "") > MAX_NOTE_LENGTH:
        raise ValidationError({"note": _("The note is too long (at most %(n)s characters).") % {"n": MAX_NOTE_LENGTH}})
    values = _clean_indicator_values(activity, indicator_values)

    stream, _created = ProgressStream.objects.get_or_create(plan_key=plan.translation_key)
    state = ActivityProgress.objects.filter(plan_key=plan.translation_key, activity_uuid=activity.uuid).first()
    previous_values = state.indicator_values if state else {}
    update = ProgressUpdate(
        plan_key=plan.translation_key,
        activity_uuid=activity.uuid,
        activity_title=activity.title[:250],
        sequence=0,
        author=by,
        status=status,
        previous_status=state.status if state else "",
        percent_complete=percent_complete,
        previous_percent_complete=state.percent_complete if state else 0,
        indicator_values=values,
        note=(note or "").strip(),
    )
    update.full_clean(exclude=["sequence"])
    if evidence_file is not None:
        update.evidence = _store_evidence(plan=plan, activity=activity, by=by, upload=evidence_file)
    update.sequence = stream.allocate_sequence()
    update.save()

    if state is None:
        state = ActivityProgress(plan_key=plan.translation_key, activity_uuid=activity.uuid)
    state.activity_title = activity.title[:250]
    state.status = update.status
    state.percent_complete = update.percent_complete
    state.indicator_values = {**previous_values, **values}
    state.last_sequence = update.sequence
    state.updated_at = timezone.now()
    state.full_clean()
    state.save()
    memo.bump(PROGRESS)  # the dashboard's cached fragment
    notify_progress_recorded(plan=plan, activity=activity, update=update)

    send_on_commit(
        page_group(plan.translation_key),
        {"type": "stream.event", "stream": progress_stream_name(plan), "sequence": update.sequence},
    )
    return update


def _store_evidence(*, plan, activity, by, upload):
    """The evidence file as a Wagtail document in the government's collection (private to it)."""
    government = plan.government()
    collection = Collection.objects.filter(name=government.title).first() if government else None
    document = get_document_model()(
        title=(_("Evidence: %(activity)s") % {"activity": activity.title})[:200],
        file=upload,
        collection=collection or Collection.get_first_root_node(),
        uploaded_by_user=by,
    )
    document.full_clean()
    document.save()
    return document


def attach_progress(plan, pillars, *, history=True):
    """Give each activity of `pillars` its current state and, with `history`, the number of its
    updates (`history_count`: the history itself is read on demand, `activity_history`); returns
    the latest updates of archived activities (removed by an amendment), shown with the plan.
    Two queries, a third only when the plan has archived activities."""
    activities = {activity.uuid: activity for pillar in pillars for activity in pillar.activities()}
    states = ActivityProgress.objects.filter(plan_key=plan.translation_key)
    for state in states:
        activity = activities.get(str(state.activity_uuid))
        if activity is not None:
            activity.progress = state
    if not history:
        return {}
    counts = ProgressUpdate.objects.of_plan(plan).order_by().values_list("activity_uuid").annotate(count=Count("pk"))
    archived_keys = []
    for activity_uuid, count in counts:
        key = str(activity_uuid)
        if key in activities:
            activities[key].history_count = count
        else:
            archived_keys.append(activity_uuid)
    archived = {}
    if archived_keys:
        for update in recent_updates(plan, activity_uuids=archived_keys):
            archived.setdefault(str(update.activity_uuid), []).append(update)
    return archived


def recent_updates(plan, *, activity_uuids=None, limit=HISTORY_SHOWN):
    """The latest `limit` updates of each activity of the plan (or of `activity_uuids`), newest
    first (one query)."""
    updates = ProgressUpdate.objects.of_plan(plan)
    if activity_uuids is not None:
        updates = updates.filter(activity_uuid__in=activity_uuids)
    ranked = updates.annotate(
        rank=Window(RowNumber(), partition_by=[F("activity_uuid")], order_by=F("sequence").desc())
    ).filter(rank__lte=limit)
    return list(ranked.select_related("author", "evidence").order_by("activity_uuid", "-sequence"))


def activity_history(plan, activity_uuid):
    """An activity's progress updates, newest first, and its title (the plan's, or the one its
    updates recorded when an amendment removed it); None when the plan has neither."""
    updates = ProgressUpdate.objects.of_plan(plan).filter(activity_uuid=activity_uuid).for_display()
    activity = plan.activity(activity_uuid)
    if activity is not None:
        return activity.title, updates
    latest = updates.first()
    return (latest.activity_title, updates) if latest else None


def activity_with_progress(plan, activity_uuid):
    pillars = plan.structure()
    attach_progress(plan, pillars)
    return next(
        activity for pillar in pillars for activity in pillar.activities() if activity.uuid == str(activity_uuid)
    )


def render_activity_progress(*, plan, activity, viewer, request=None):
    return render_to_string(
        "workplans/includes/activity_progress.html",
        {"plan": plan, "page": plan, "activity": activity, "viewer": viewer},
        request=request,
    )


def attach_links(pillars, *, viewer, request=None):
    """Give each activity what points at it from the rooms above (meeting action items): one call
    per provider for the whole plan (`links.links_for_activities`)."""
    activities = [activity for pillar in pillars for activity in pillar.activities()]
    links = links_for_activities([activity.uuid for activity in activities], viewer=viewer, request=request)
    for activity in activities:
        activity.links = links.get(activity.uuid, [])


def plan_page_context(*, plan, viewer, request=None):
    """What the plan page shows: the structure per pillar with progress and links, archived
    activities (both read only if the body is rendered, not when it comes from the cache), and
    `body_version`, the key of the body that readers share (`plan_body_version`)."""

    def read_body():
        pillars = plan.structure()
        resolve_best_practices(pillars, plan.locale)
        attach_links(pillars, viewer=viewer, request=request)
        archived = attach_progress(plan, pillars) if plan.live else {}
        archived_activities = [
            {"uuid": key, "title": updates[0].activity_title, "history": updates} for key, updates in archived.items()
        ]
        return pillars, archived_activities

    body = SimpleLazyObject(read_body)
    may_report = can_report_progress(viewer, plan)
    progress_sequence = (
        ProgressStream.objects.filter(plan_key=plan.translation_key).values_list("last_sequence", flat=True).first()
        or 0
    )
    return {
        "pillars": SimpleLazyObject(lambda: body[0]),
        "archived_activities": SimpleLazyObject(lambda: body[1]),
        "pillar_toc": [{"number": number, "label": label} for number, label in Pillar.choices],
        "can_report": may_report,
        "may_edit_plan": may_edit_plan(viewer, plan),
        "status_choices": ActivityProgress.Status.choices,
        "government": plan.government(),
        "progress_stream": progress_stream_name(plan),
        "progress_sequence": progress_sequence,
        "body_version": plan_body_version(
            plan=plan, viewer=viewer, request=request, may_report=may_report, progress_sequence=progress_sequence
        ),
    }


def plan_body_version(*, plan, viewer, request, may_report, progress_sequence):
    """The key of the plan's body as every member who only reads it sees it (`{% cache %}`, with
    the language and the time zone), or None: rendered for this request alone.

    Those who may report on the plan (its focal points, coordinators) get forms with their CSRF
    token, and coordinators see meeting action items not yet published: never cached. The key
    changes with the live version and the tree (`shared_fragment_version`: a published meeting's
    action items, practices' titles), each progress update (the stream's sequence) and each
    discussion event on the plan (its threads' sequences: the comment counts).
    """
    from workspace.discussions.models import Thread
    from workspace.site.models import shared_fragment_version

    if request is None or may_report or is_coordinator(viewer) or "discuss" in request.GET:
        return None
    page_version = shared_fragment_version(plan, request)
    if page_version is None:
        return None
    talk = Thread.objects.filter(translation_key=plan.translation_key).aggregate(
        threads=Count("pk"), events=Sum("last_sequence")
    )
    return f"{page_version}:{progress_sequence}:{talk['threads']}.{talk['events'] or 0}"


def progress_events_after(*, plan, viewer, after):
    """For the page socket: the plan's progress events after `after`, and the latest sequence.

    Each event is `{"sequence", "activity", "html"}` (html: the activity's progress fragment as
    it is now). A viewer who may not see the plan gets nothing.
    """
    if not can_view_progress(viewer, plan):
        return [], 0
    latest = (
        ProgressStream.objects.filter(plan_key=plan.translation_key).values_list("last_sequence", flat=True).first()
        or 0
    )
    updates = list(
        ProgressUpdate.objects.of_plan(plan)
        .filter(sequence__gt=after)
        .order_by("sequence")
        .values_list("sequence", "activity_uuid")[:EVENTS_PER_REPLAY]
    )
    if not updates:
        return [], latest
    pillars = plan.structure()
    attach_progress(plan, pillars)
    activities = {activity.uuid: activity for pillar in pillars for activity in pillar.activities()}
    rendered, events = {}, []
    for sequence, activity_uuid in updates:
        key = str(activity_uuid)
        activity = activities.get(key)
        if activity is None:
            continue  # archived since: nothing on the page to refresh
        if key not in rendered:
            rendered[key] = render_activity_progress(plan=plan, activity=activity, viewer=viewer)
        events.append({"sequence": sequence, "activity": key, "html": rendered[key]})
    return events, latest


# --- Next year's plan --------------------------------------------------------------------------


def _copy_indicator(item, *, current):
    value = dict(item["value"])
    if current not in (None, ""):
        value["baseline"] = str(current)  # this year's result is next year's starting point
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


@transaction.atomic
def start_next_year_plan(*, plan, by):
    """Create a draft plan for `plan.year + 1` under the same government, as `by`.

    Objectives are copied; activities that are not done or cancelled are carried over, each
    with new identifiers and `predecessor` = its old id; indicators start from the values
    reported this year. Refused (ValidationError) if the plan for next year exists or `by` may
    not add pages under the government.
    """
    plan = WorkPlanPage.objects.get(pk=plan.pk)
    government = plan.get_parent().specific
    if not government.permissions_for_user(by).can_add_subpage():
        raise ValidationError(_("You may not start a plan for this government."))
    year = plan.year + 1
    if WorkPlanPage.objects.child_of(government).filter(year=year).exists():
        raise ValidationError(_("The plan for %(year)s already exists.") % {"year": year})

    states = {
        str(state.activity_uuid): state for state in ActivityProgress.objects.filter(plan_key=plan.translation_key)
    }
    new_plan = WorkPlanPage(
        title=plan.title.replace(str(plan.year), str(year)) if str(plan.year) in plan.title else f"{plan.title} {year}",
        slug=str(year),
        year=year,
        summary=plan.summary,
        locale=plan.locale,
        owner=by,
        live=False,
        has_unpublished_changes=True,
    )
    for field_name in PILLAR_FIELDS.values():
        objectives = []
        for block in getattr(plan, field_name).raw_data:
            value = dict(block["value"])
            activities = []
            for item in value.get("activities") or []:
                state = states.get(str(item.get("id")))
                if state is not None and state.status not in UNFINISHED:
                    continue
                activity = dict(item["value"])
                current = state.indicator_values if state else {}
                activity["indicators"] = [
                    _copy_indicator(indicator, current=current.get(str(indicator.get("id"))))
                    for indicator in activity.get("indicators") or []
                ]
                activity["predecessor"] = str(item.get("id"))
                activities.append({"type": "item", "value": activity, "id": str(uuid.uuid4())})
            value["activities"] = activities
            objectives.append({"type": "objective", "value": value, "id": str(uuid.uuid4())})
        setattr(new_plan, field_name, objectives)
    government.add_child(instance=new_plan)
    new_plan.save_revision(user=by, log_action=True)
    return new_plan
