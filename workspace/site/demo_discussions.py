"""Demo discussions on the demo practices, for `seed_demo` (site seeds them: it sits above discussions).

Idempotent: a page that already has a discussion is left alone. Comments go through the services
(sanitising, sequences, follows, notifications), so the demo looks like real use.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from workspace.accounts.models import COORDINATORS_GROUP
from workspace.discussions.models import Flag
from workspace.discussions.services import flag_comment, get_or_create_thread, post_comment, thread_of


def conversations(today=None):
    """One conversation per demo practice, by language: (body, index of the comment it answers).

    No two practices share a comment, and the years follow the demo's "now", the real date.
    """
    year = (today or timezone.localdate()).year
    return {
        "es": [
            [
                ("¿Cómo resolvieron la coordinación con los consulados durante la primera fase?", None),
                ("Con una mesa técnica mensual y un punto focal por consulado. Les compartimos el acta.", 0),
                (f"Nos interesa replicarlo en {year + 1}; ¿qué presupuesto requirió la línea de atención?", None),
            ],
            [
                ("¿Qué instituciones firmaron el convenio y quién preside el comité de seguimiento?", None),
                ("Lo preside la autoridad migratoria; la cancillería lleva la secretaría técnica.", 0),
                (f"En nuestra evaluación de {year} la rotación de personal fue el mayor obstáculo. ¿Les pasó?", None),
            ],
            [
                ("¿Cuánto tiempo tomó capacitar a los equipos de frontera antes del lanzamiento?", None),
                ("Seis semanas, con módulos presenciales y prácticas supervisadas en dos puestos fronterizos.", 0),
                (f"Quisiéramos conocer los resultados de {year - 1} antes de proponerlo a nuestro ministerio.", None),
            ],
            [
                ("¿Cómo protegen los datos personales de las personas registradas?", None),
                ("El registro cumple la ley de protección de datos; solo el equipo de casos ve los expedientes.", 0),
                (f"¿Tienen previsto ampliar la cobertura a otros departamentos en {year + 1}?", None),
            ],
        ],
        "en": [
            [
                ("Which indicators did you use to measure reintegration after six months?", None),
                ("Employment, school enrolment and access to health services, from a follow-up survey.", 0),
                ("Could this practice be adapted for returnees from the Caribbean route?", None),
            ],
            [
                ("How did you reach communities without mobile coverage?", None),
                ("Community radio and printed leaflets handed out at health centres.", 0),
                (f"We plan a similar campaign for {year + 1}: did you test the messages with migrants first?", None),
            ],
        ],
    }


FLAGGED_TEXT = "Oferta especial: visas garantizadas en 48 horas, escríbanos por WhatsApp."


def _pages(limit=4):
    """The first published practices, one per conversation (a page's language versions share one)."""
    from .models import BestPracticePage, GovernmentPage

    pages, keys = [], set()
    for page in BestPracticePage.objects.live().order_by("pk").select_related("locale").iterator():
        if page.translation_key not in keys:
            keys.add(page.translation_key)
            pages.append(page)
        if len(pages) == limit:
            break
    return pages or list(GovernmentPage.objects.live().filter(locale__language_code="es").order_by("pk")[:limit])


def seed_discussions():
    """Add threads with comments and replies (es/en) on published practices and one flagged comment."""
    members = list(get_user_model().objects.filter(is_active=True).order_by("pk"))
    coordinators = [member for member in members if member.groups.filter(name=COORDINATORS_GROUP).exists()]
    others = [member for member in members if member not in coordinators]
    if len(members) < 2:
        return 0
    authors = others or members
    created = 0
    scripts = conversations()
    for index, page in enumerate(_pages()):
        if thread_of(page) is not None:
            continue
        thread = get_or_create_thread(page=page)
        language = page.locale.language_code if page.locale.language_code in scripts else "es"
        script = scripts[language][index % len(scripts[language])]
        posted = []
        for number, (body, parent) in enumerate(script):
            author = (coordinators or members)[0] if parent is not None else authors[(index + number) % len(authors)]
            posted.append(
                post_comment(
                    thread=thread,
                    author=author,
                    body=body,
                    parent=posted[parent] if parent is not None else None,
                    idempotency_key=f"demo-{page.pk}-{number}",
                )
            )
        created += 1
        if index == 0 and not Flag.objects.exists():
            spam = post_comment(thread=thread, author=authors[-1], body=FLAGGED_TEXT, idempotency_key="demo-flagged")
            flagger = next(member for member in members if member.pk != spam.author_id)
            flag_comment(comment=spam, member=flagger, reason=Flag.Reason.SPAM)
    return created
