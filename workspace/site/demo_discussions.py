"""Demo discussions on the demo practices, for `seed_demo` (site seeds them: it sits above discussions).

Idempotent: a page that already has a discussion is left alone. Comments go through the services
(sanitising, sequences, follows, notifications), so the demo looks like real use.
"""

from django.contrib.auth import get_user_model

from workspace.accounts.models import COORDINATORS_GROUP
from workspace.discussions.models import Flag
from workspace.discussions.services import flag_comment, get_or_create_thread, post_comment, thread_of

SCRIPTS = {
    "es": [
        ("¿Cómo resolvieron la coordinación con los consulados durante la primera fase?", None),
        ("Con una mesa técnica mensual y un punto focal por consulado. Les compartimos el acta.", 0),
        ("Nos interesa replicarlo en 2025; ¿qué presupuesto requirió la línea de atención?", None),
    ],
    "en": [
        ("Which indicators did you use to measure reintegration after six months?", None),
        ("Employment, school enrolment and access to health services, from a follow-up survey.", 0),
        ("Could this practice be adapted for returnees from the Caribbean route?", None),
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
    for index, page in enumerate(_pages()):
        if thread_of(page) is not None:
            continue
        thread = get_or_create_thread(page=page)
        language = page.locale.language_code if page.locale.language_code in SCRIPTS else "es"
        posted = []
        for number, (body, parent) in enumerate(SCRIPTS[language]):
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
