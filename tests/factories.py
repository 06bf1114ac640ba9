"""Test data built through the same services the product uses."""

import itertools

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt

from workspace.accounts.services import add_member
from workspace.site.models import GovernmentPage

PASSWORD = "correct-horse-battery-42"
_sequence = itertools.count(1)


def make_member(role, *, government_code=None, password=PASSWORD, language=None, mfa=None, **names):
    """A member made through add_member; coordinators are enrolled in TOTP unless mfa=False."""
    number = next(_sequence)
    member = add_member(
        email=f"{role.replace('_', '.')}{number}@example.org",
        role=role,
        government_code=government_code,
        password=password,
        language=language,
        first_name=names.get("first_name", f"Member{number}"),
        last_name=names.get("last_name", role.title()),
    )
    if mfa if mfa is not None else role == "coordinator":
        enrol_totp(member)
    return member


def enrol_totp(member):
    TOTP.activate(member, generate_totp_secret())


def current_totp_code(member):
    """The code an authenticator app would show the member right now."""
    authenticator = Authenticator.objects.get(user=member, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    counter = list(yield_hotp_counters_from_time())[len(list(yield_hotp_counters_from_time())) // 2]
    return format_hotp_value(hotp_value(secret, counter))


def government_page(code, language="es"):
    return GovernmentPage.objects.get(code=code, locale__language_code=language)


_meeting_numbers = itertools.count(1)


def make_meeting(
    *,
    title=None,
    starts_at=None,
    hours=2,
    time_zone="America/Guatemala",
    governments=("GT",),
    members=(),
    status="scheduled",
    kind="working_session",
    live=True,
    agenda=(),
    language="es",
    **fields,
):
    """A MeetingPage under the meetings index (a week from now, two hours, Guatemala invited)."""
    from datetime import timedelta

    from django.utils import timezone

    from meetings.models import AgendaItem, MeetingGovernment, MeetingIndexPage, MeetingPage

    number = next(_meeting_numbers)
    index = MeetingIndexPage.objects.get(locale__language_code=language)
    starts_at = starts_at or (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    meeting = MeetingPage(
        title=title or f"Sesión de trabajo {number}",
        slug=f"meeting-{number}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        time_zone=time_zone,
        status=status,
        kind=kind,
        live=live,
        **fields,
    )
    meeting.invited_government_links = [MeetingGovernment(government=code) for code in governments]
    meeting.agenda_items = [
        AgendaItem(title=item, duration_minutes=30, sort_order=position) for position, item in enumerate(agenda)
    ]
    meeting.invited_members = list(members)
    index.add_child(instance=meeting)
    meeting.save_revision()
    return MeetingPage.objects.get(pk=meeting.pk)


# --- Work plans ------------------------------------------------------------------------------


def plan_objective(title="Fortalecer capacidades", *, activities=1, indicators=1, prefix="Actividad"):
    """One objective's raw StreamField data, with `activities` activities of `indicators` indicators."""
    import uuid

    return {
        "type": "objective",
        "id": str(uuid.uuid4()),
        "value": {
            "title": title,
            "description": "",
            "activities": [
                {
                    "type": "item",
                    "id": str(uuid.uuid4()),
                    "value": {
                        "title": f"{prefix} {number}",
                        "description": "",
                        "responsible_institutions": "Instituto Guatemalteco de Migración",
                        "start_month": "2",
                        "end_month": "11",
                        "target_group": "Oficiales de migración",
                        "budget_amount": "1500.00",
                        "budget_currency": "USD",
                        "indicators": [
                            {
                                "type": "item",
                                "id": str(uuid.uuid4()),
                                "value": {
                                    "name": f"Indicador {number}.{index}",
                                    "unit": "personas",
                                    "baseline": "0",
                                    "target": "100",
                                    "means_of_verification": "Listas de asistencia",
                                },
                            }
                            for index in range(1, indicators + 1)
                        ],
                        "best_practices": [],
                        "predecessor": "",
                    },
                }
                for number in range(1, activities + 1)
            ],
        },
    }


def make_plan(code="GT", *, author, year=2026, live=True, title=None, pillars=None, language="es"):
    """A work plan under the government's page; `pillars` maps pillar number → list of objectives.

    Published directly (not through the workflow) when `live`: workflow tests drive it themselves.
    """
    from workplans.models import PILLAR_FIELDS, WorkPlanPage

    if pillars is None:
        pillars = {1: [plan_objective()]}
    plan = WorkPlanPage(
        title=title or f"Plan de trabajo {year}",
        slug=str(year),
        year=year,
        summary="Prioridades del año.",
        owner=author,
        live=False,
        has_unpublished_changes=True,
    )
    for number, objectives in pillars.items():
        setattr(plan, PILLAR_FIELDS[number], objectives)
    government_page(code, language).add_child(instance=plan)
    revision = plan.save_revision(user=author)
    if live:
        revision.publish()
    return WorkPlanPage.objects.get(pk=plan.pk)


_parts_pages = iter(range(1, 1_000_000))


def parts_page(code="GT", *, model=None, live=True, translate_to=()):
    """A published page with declared discussable parts (tests/testapp) under a government, with
    optional translations (each a published page of the same translation key)."""
    from wagtail.models import Locale

    from tests.testapp.models import PartsPage

    model = model or PartsPage
    number = next(_parts_pages)
    page = government_page(code).add_child(instance=model(title=f"Parts {number}", slug=f"parts-{number}", live=live))
    for language in translate_to:
        translation = page.copy_for_translation(Locale.objects.get(language_code=language))
        translation.live = live
        translation.save_revision().publish() if live else translation.save_revision()
    return page
