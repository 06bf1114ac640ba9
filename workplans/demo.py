"""Demo work plans: one per government for the current programme year, realistic Spanish content.

Idempotent: a government that already has a plan for the year is left alone. Plans go through
the real workflow (submitted by the government's focal point, approved by a coordinator); some
stay in draft, one stays in review; approved plans get a short progress history.
"""

import uuid

from django.contrib.auth import get_user_model
from django.db import transaction

from workspace.site.demo import COORDINATORS, FOCAL_POINT_EMAILS, approve, submit_for_review
from workspace.site.models import GovernmentPage

from .models import PILLAR_FIELDS, WorkPlanPage, current_programme_year
from .services import record_progress

APPROVED = ("GT", "HN", "SV", "MX", "CR", "PA")
IN_REVIEW = ("DO",)
# The rest (BZ, HT) stay in draft.

PILLAR_CONTENT = {
    1: (
        "Fortalecer las capacidades institucionales en gobernanza migratoria",
        [
            (
                "Formación de oficiales de migración en identificación de perfiles vulnerables",
                "Dirección General de Migración\nEscuela de Formación Migratoria",
                "Oficiales de migración de frontera",
                "8500",
                [
                    ("Oficiales capacitados", "personas", "0", "120"),
                    ("Módulos de formación validados", "módulos", "1", "4"),
                ],
            ),
            (
                "Actualización del protocolo de atención a niñas, niños y adolescentes migrantes",
                "Procuraduría de la Niñez\nDirección General de Migración",
                "Niñez migrante no acompañada",
                "3200",
                [("Protocolo aprobado", "documento", "0", "1")],
            ),
        ],
    ),
    2: (
        "Consolidar alianzas bilaterales y con la sociedad civil",
        [
            (
                "Mecanismo bilateral de coordinación fronteriza",
                "Cancillería\nDirección General de Migración",
                "Autoridades fronterizas de ambos países",
                "5000",
                [("Reuniones binacionales realizadas", "reuniones", "0", "4")],
            ),
        ],
    ),
    3: (
        "Preparar la respuesta ante crisis migratorias",
        [
            (
                "Plan de contingencia para llegadas masivas de personas migrantes",
                "Protección Civil\nDirección General de Migración\nMinisterio de Salud",
                "Personas migrantes en tránsito",
                "12000",
                [
                    ("Plan de contingencia validado", "documento", "0", "1"),
                    ("Simulacros realizados", "simulacros", "0", "2"),
                ],
            ),
        ],
    ),
    4: (
        "Prevenir la migración irregular mediante la comunicación para el desarrollo",
        [
            (
                "Campaña comunitaria de información sobre migración segura",
                "Ministerio de Comunicación\nGobiernos municipales",
                "Jóvenes de comunidades de origen",
                "6000",
                [("Personas alcanzadas por la campaña", "personas", "0", "5000")],
            ),
        ],
    ),
}

PROGRESS = (
    ("in_progress", 40, "Se realizó el primer taller con 48 oficiales.", 48),
    ("in_progress", 65, "Segundo taller concluido; falta el módulo sobre trata de personas.", 80),
)


def _pillar_blocks(number):
    title, activities = PILLAR_CONTENT[number]
    return [
        {
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
                            "title": activity_title,
                            "description": "",
                            "responsible_institutions": institutions,
                            "start_month": "2",
                            "end_month": "11",
                            "target_group": target_group,
                            "budget_amount": budget,
                            "budget_currency": "USD",
                            "indicators": [
                                {
                                    "type": "item",
                                    "id": str(uuid.uuid4()),
                                    "value": {
                                        "name": name,
                                        "unit": unit,
                                        "baseline": baseline,
                                        "target": target,
                                        "means_of_verification": "Informes y listas de asistencia",
                                    },
                                }
                                for name, unit, baseline, target in indicators
                            ],
                            "best_practices": [],
                            "predecessor": "",
                        },
                    }
                    for activity_title, institutions, target_group, budget, indicators in activities
                ],
            },
        }
    ]


@transaction.atomic
def seed_workplans():
    """Create the demo plans that do not exist yet; returns how many were created."""
    User = get_user_model()
    year = current_programme_year()
    coordinator = User.objects.filter(email=COORDINATORS[0][0]).first()
    created = 0
    for government in GovernmentPage.objects.filter(locale__language_code="es").order_by("code"):
        if WorkPlanPage.objects.child_of(government).filter(year=year).exists():
            continue
        author = User.objects.filter(email=FOCAL_POINT_EMAILS.get(government.code, "")).first()
        if author is None or coordinator is None:
            continue
        plan = WorkPlanPage(
            title=f"Plan de trabajo {year} · {government.title}",
            slug=str(year),
            year=year,
            summary=f"Prioridades de {government.title} para {year} en los cuatro pilares del programa.",
            owner=author,
            live=False,
            has_unpublished_changes=True,
        )
        for number, field_name in PILLAR_FIELDS.items():
            setattr(plan, field_name, _pillar_blocks(number))
        government.add_child(instance=plan)
        plan.save_revision(user=author, log_action=True)
        created += 1
        if government.code in APPROVED + IN_REVIEW:
            submit_for_review(plan, by=author)
        if government.code in APPROVED:
            plan = approve(plan, by=coordinator, comment="Plan aprobado en la reunión anual de coordinación.")
            plan = WorkPlanPage.objects.get(pk=plan.pk)
            first = plan.activities()[0]
            for status, percent, note, value in PROGRESS:
                record_progress(
                    plan=plan,
                    activity_uuid=first.uuid,
                    by=author,
                    status=status,
                    percent_complete=percent,
                    indicator_values={first.indicators[0].uuid: value},
                    note=note,
                )
            if government.code in ("HN", "PA"):
                crisis = plan.structure()[2].activities()[0]
                record_progress(
                    plan=plan,
                    activity_uuid=crisis.uuid,
                    by=author,
                    status="delayed",
                    percent_complete=20,
                    note="Retraso por la temporada de lluvias; se reprograma el simulacro.",
                )
    return created
