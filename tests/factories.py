"""Test data built through the same services the product uses."""

import itertools

from workspace.accounts.services import add_member
from workspace.site.models import GovernmentPage

PASSWORD = "correct-horse-battery-42"
_sequence = itertools.count(1)


def make_member(role, *, government_code=None, password=PASSWORD, language=None, **names):
    number = next(_sequence)
    return add_member(
        email=f"{role.replace('_', '.')}{number}@example.org",
        role=role,
        government_code=government_code,
        password=password,
        language=language,
        first_name=names.get("first_name", f"Member{number}"),
        last_name=names.get("last_name", role.title()),
    )


def government_page(code, language="es"):
    return GovernmentPage.objects.get(code=code, locale__language_code=language)
