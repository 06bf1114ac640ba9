"""Demo data for a local workspace: realistic members for every government (idempotent)."""

from django.contrib.auth import get_user_model
from django.db import transaction

from workspace.accounts.services import add_member

DEMO_PASSWORD = "demo-workspace-2026"

COORDINATORS = (("coordinacion@example.org", "Alexandra", "Bonilla", "es"),)

FOCAL_POINTS = (
    ("BZ", "focal.bz@example.org", "Sharon", "Young"),
    ("CR", "focal.cr@example.org", "Johnny", "Ruiz"),
    ("CR", "focal2.cr@example.org", "María Fernanda", "Solís"),
    ("DO", "focal.do@example.org", "Rafael", "Peña"),
    ("SV", "focal.sv@example.org", "Claudia", "Hernández"),
    ("GT", "focal.gt@example.org", "Ana Lucía", "Morales"),
    ("GT", "focal2.gt@example.org", "Jorge", "Castillo"),
    ("HT", "focal.ht@example.org", "Jean-Baptiste", "Étienne"),
    ("HN", "focal.hn@example.org", "Karla", "Mejía"),
    ("MX", "focal.mx@example.org", "Luis", "Ortega"),
    ("PA", "focal.pa@example.org", "Itzel", "Rodríguez"),
)

PARTICIPANTS = (
    ("participante@example.org", "Diego", "Ramírez", "es"),
    ("participant.fr@example.org", "Nadège", "Pierre", "fr"),
    ("participant.en@example.org", "Kevin", "Moore", "en"),
)


@transaction.atomic
def seed_demo():
    """Create the demo members that do not exist yet; return the list of demo sign-ins."""
    User = get_user_model()
    sign_ins = []

    def ensure(email, **kwargs):
        if not User.objects.filter(email__iexact=email).exists():
            add_member(email=email, password=DEMO_PASSWORD, **kwargs)
        sign_ins.append((email, kwargs["role"], kwargs.get("government_code") or ""))

    for email, first, last, language in COORDINATORS:
        ensure(email, role="coordinator", first_name=first, last_name=last, language=language)
    for code, email, first, last in FOCAL_POINTS:
        ensure(email, role="focal_point", government_code=code, first_name=first, last_name=last)
    for email, first, last, language in PARTICIPANTS:
        ensure(email, role="participant", first_name=first, last_name=last, language=language)
    return sign_ins
