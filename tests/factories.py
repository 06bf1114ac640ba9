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
