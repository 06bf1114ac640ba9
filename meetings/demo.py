"""Demo meetings for `seed_demo` (MeetingsConfig.seed_demo). Idempotent: a meeting whose slug exists is left alone.

The annual coordination meeting of 22–24 October 2018 in San José (held, with published minutes,
decisions and action items), the October–November 2018 high-level meetings with Guatemala and
Honduras, and an upcoming virtual working session with answers and a discussion on an agenda item.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from workspace.accounts.models import COORDINATORS_GROUP, FOCAL_POINTS_GROUP_PREFIX
from workspace.core.reference import GOVERNMENT_CODES

from .models import (
    ActionItem,
    AgendaItem,
    Decision,
    MeetingGovernment,
    MeetingIndexPage,
    MeetingPage,
    MeetingPillar,
    Participation,
)
from .zones import local_to_utc

ANNUAL_AGENDA = [
    # (day, start, minutes, title, pillar, presenters)
    (1, "08:30", 30, "Inauguración y palabras de bienvenida", None, "Director Regional de la OIM; MTSS de Costa Rica"),
    (1, "09:00", 90, "El nuevo Programa Regional Mesoamérica-Caribe: objetivos y cuatro pilares", None, "Coordinación"),
    (1, "11:00", 120, "Pilar 1: fortalecimiento de capacidades en gobernanza migratoria", 1, "Puntos focales"),
    (1, "14:00", 120, "Herramientas: MigApp y E-Campus", 4, "Equipo de comunicación"),
    (2, "08:30", 150, "Pilar 2: alianzas con sociedad civil y gobiernos locales", 2, "Puntos focales"),
    (2, "11:30", 90, "Pilar 3: gestión de crisis migratorias, albergues y protocolos", 3, "Jefes de misión"),
    (2, "14:00", 150, "Mesas de trabajo por gobierno: borradores de planes de trabajo 2019", None, "Todos"),
    (3, "08:30", 120, "Pilar 4: prevención mediante comunicación para el desarrollo", 4, "Equipo de comunicación"),
    (3, "11:00", 90, "Presentación de los planes de trabajo por gobierno", None, "Puntos focales"),
    (3, "14:00", 60, "Acuerdos, próximos pasos y clausura", None, "Coordinación"),
]

ANNUAL_MINUTES = (
    "<p>Los representantes de los nueve gobiernos participantes, la coordinación del programa y los jefes "
    "de misión se reunieron en San José del 22 al 24 de octubre de 2018 para lanzar la nueva fase del "
    "Programa Regional de Migración Mesoamérica-Caribe.</p>"
    "<p>Se presentaron los cuatro pilares y cada gobierno elaboró un borrador de plan de trabajo para 2019. "
    "Los participantes destacaron la importancia de los espacios de diálogo para unificar enfoques en la "
    "región y compartir buenas prácticas.</p>"
)
ANNUAL_DECISIONS = [
    "Cada gobierno presentará su plan de trabajo 2019 según los cuatro pilares antes del 15 de diciembre.",
    "La coordinación organizará una sesión de trabajo virtual trimestral con los puntos focales.",
    "Se ampliará el uso de MigApp y del E-Campus a las instituciones de los nueve gobiernos.",
]
ANNUAL_ACTIONS = [
    ("Enviar el borrador del plan de trabajo 2019", "GT", date(2018, 12, 15), ActionItem.Status.DONE),
    ("Enviar el borrador del plan de trabajo 2019", "HN", date(2018, 12, 15), ActionItem.Status.DONE),
    ("Designar punto focal alterno ante el programa", "HT", date(2018, 11, 30), ActionItem.Status.OPEN),
    ("Compartir el protocolo de albergues temporales", "CR", date(2019, 2, 28), ActionItem.Status.IN_PROGRESS),
    ("Difundir MigApp en las oficinas de migración fronterizas", "SV", date(2019, 3, 31), ActionItem.Status.OPEN),
]


def _index():
    return MeetingIndexPage.objects.filter(locale__language_code="es").first()


def _members_of(code):
    return list(get_user_model().objects.filter(groups__name=f"{FOCAL_POINTS_GROUP_PREFIX}{code}", is_active=True))


def _create(index, *, slug, title, start, end, zone, governments, pillars=(), agenda=(), **fields):
    existing = MeetingPage.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    meeting = MeetingPage(
        title=title,
        slug=slug,
        starts_at=local_to_utc(start, zone),
        ends_at=local_to_utc(end, zone),
        time_zone=zone,
        **fields,
    )
    meeting.invited_government_links = [MeetingGovernment(government=code) for code in governments]
    meeting.pillar_links = [MeetingPillar(pillar=number) for number in pillars]
    meeting.agenda_items = [
        AgendaItem(
            day=day,
            start_time=time.fromisoformat(start_time),
            duration_minutes=minutes,
            title=item_title,
            pillar=pillar,
            presenters=presenters,
            sort_order=position,
        )
        for position, (day, start_time, minutes, item_title, pillar, presenters) in enumerate(agenda)
    ]
    index.add_child(instance=meeting)
    meeting.save_revision().publish()
    return MeetingPage.objects.get(pk=meeting.pk), True


@transaction.atomic
def seed_meetings():
    """Create the demo meetings (once); returns the number created."""
    index = _index()
    if index is None:
        return 0
    coordinator = get_user_model().objects.filter(groups__name=COORDINATORS_GROUP).first()
    created = 0

    annual, new = _create(
        index,
        slug="reunion-anual-de-coordinacion-2018",
        title="Reunión anual de coordinación del Programa Regional 2018",
        start=datetime(2018, 10, 22, 8, 30),
        end=datetime(2018, 10, 24, 17, 30),
        zone="America/Costa_Rica",
        governments=GOVERNMENT_CODES,
        pillars=(1, 2, 3, 4),
        agenda=ANNUAL_AGENDA,
        kind=MeetingPage.Kind.ANNUAL_COORDINATION,
        status=MeetingPage.Status.HELD,
        host_government="CR",
        venue="Hotel en San José, Costa Rica\nSalón de conferencias",
        summary="Espacio de diálogo y coordinación regional para diseñar los planes de trabajo según los cuatro "
        "pilares del programa.",
        minutes=ANNUAL_MINUTES,
        outcomes_phase=MeetingPage.OutcomesPhase.PUBLISHED,
        corrections_deadline=date(2018, 11, 9),
    )
    if new:
        created += 1
        annual.decisions = [Decision(text=text, sort_order=n) for n, text in enumerate(ANNUAL_DECISIONS)]
        annual.action_items = [
            ActionItem(title=title, owner_government=code, due_date=due, status=status, sort_order=n)
            for n, (title, code, due, status) in enumerate(ANNUAL_ACTIONS)
        ]
        annual.save_revision(user=coordinator).publish()
        for code in GOVERNMENT_CODES:
            for member in _members_of(code)[:1]:
                Participation.objects.update_or_create(
                    meeting_key=annual.translation_key,
                    member=member,
                    defaults={"answer": Participation.Answer.ATTENDING, "attended": code != "HT"},
                )

    high_level = [
        (
            "reunion-alto-nivel-guatemala-viceministerio-2018",
            "Presentación del programa al Viceministerio de Relaciones Exteriores de Guatemala",
            datetime(2018, 10, 30, 10, 0),
            "America/Guatemala",
            "GT",
        ),
        (
            "reunion-alto-nivel-guatemala-trabajo-2018",
            "Reunión con el Ministerio de Trabajo y Previsión Social de Guatemala",
            datetime(2018, 11, 6, 9, 0),
            "America/Guatemala",
            "GT",
        ),
        (
            "reunion-alto-nivel-honduras-2018",
            "Reunión con la Cancillería y la Dirección General de Migración de Honduras",
            datetime(2018, 11, 13, 10, 0),
            "America/Tegucigalpa",
            "HN",
        ),
    ]
    for slug, title, start, zone, code in high_level:
        _meeting, new = _create(
            index,
            slug=slug,
            title=title,
            start=start,
            end=start + timedelta(hours=2),
            zone=zone,
            governments=(code,),
            pillars=(1, 2),
            agenda=[
                (
                    1,
                    start.strftime("%H:%M"),
                    45,
                    "El nuevo enfoque del programa y sus componentes",
                    None,
                    "Director Regional",
                ),
                (
                    1,
                    (start + timedelta(minutes=45)).strftime("%H:%M"),
                    45,
                    "Actividades previstas para 2019",
                    1,
                    "Coordinación",
                ),
                (
                    1,
                    (start + timedelta(minutes=90)).strftime("%H:%M"),
                    30,
                    "Prioridades del gobierno",
                    2,
                    "Autoridades",
                ),
            ],
            kind=MeetingPage.Kind.HIGH_LEVEL,
            status=MeetingPage.Status.HELD,
            host_government=code,
            venue="Despacho ministerial",
        )
        created += new

    soon = (timezone.now() + timedelta(days=10)).astimezone(UTC).date()
    session, new = _create(
        index,
        slug="sesion-virtual-seguimiento-planes",
        title="Sesión de trabajo virtual: seguimiento de los planes de trabajo",
        start=datetime.combine(soon, time(10, 0)),
        end=datetime.combine(soon, time(12, 0)),
        zone="America/Guatemala",
        governments=GOVERNMENT_CODES,
        pillars=(1, 2, 3, 4),
        agenda=[
            (1, "10:00", 15, "Bienvenida y objetivos", None, "Coordinación"),
            (1, "10:15", 60, "Avance de los planes de trabajo por pilar", None, "Puntos focales"),
            (1, "11:15", 30, "Propuestas de actividades conjuntas", 2, "Puntos focales"),
            (1, "11:45", 15, "Acuerdos", None, "Coordinación"),
        ],
        kind=MeetingPage.Kind.WORKING_SESSION,
        status=MeetingPage.Status.SCHEDULED,
        online_link="https://videoconferencia.example.org/programa-regional",
        summary="Revisión trimestral del avance de los planes de trabajo con los puntos focales.",
    )
    if new:
        created += 1
        answers = {"GT": "attending", "HN": "attending", "CR": "tentative", "HT": "declined", "MX": "attending"}
        for code, answer in answers.items():
            for member in _members_of(code)[:1]:
                Participation.objects.update_or_create(
                    meeting_key=session.translation_key,
                    member=member,
                    defaults={"answer": answer, "answered_at": timezone.now()},
                )
        _seed_discussion(session)
        _seed_proposal(session)
    return created


def _seed_proposal(session):
    """A Honduran focal point's agenda proposal, waiting in the coordinators' backlog."""
    from .services import propose_agenda_item

    for member in _members_of("HN")[:1]:
        propose_agenda_item(
            meeting=session,
            member=member,
            government="HN",
            title="Retorno asistido: lecciones de la frontera sur",
            description="Honduras presentará los resultados del protocolo de recepción de personas retornadas.",
            pillar=3,
            duration_minutes=20,
        )


def _seed_discussion(session):
    from workspace.discussions.services import get_or_create_thread, post_comment

    item = session.agenda_items.order_by("sort_order")[1]
    authors = _members_of("GT")[:1] + _members_of("HN")[:1]
    if len(authors) < 2:
        return
    thread = get_or_create_thread(page=session, anchor=item.anchor)
    first = post_comment(
        thread=thread,
        author=authors[0],
        body="Guatemala presentará el avance del pilar 1: tres talleres de capacitación realizados.",
    )
    post_comment(
        thread=thread,
        author=authors[1],
        body="Honduras propone compartir la metodología de los talleres para el pilar 3.",
        parent=first,
    )
