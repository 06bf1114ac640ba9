"""The kinds of notification, registered by the rooms that send them (in their AppConfig.ready()).

A kind says how its notices read and who may still open them; the bell, the list and the digest
ask the kind, so a new room adds notices without touching this one.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: Any
    # One line in the list, with `notification` (and `target`) in its context.
    template: str = "notifications/kinds/default.html"
    # (member, notification) → may the member still open what it is about? Default: the page rule.
    may_see: Any = None
    # notification → the URL fragment on the page (default: its `part`).
    fragment: Any = None
    # notification → a line of plain text for the list and the digest (default: none).
    excerpt: Any = None


_KINDS = {}
UNKNOWN = NotificationKind(key="", label=_("Notification"))


def register_kind(key, *, label, **options):
    """Register (or re-register, e.g. in tests) a kind of notification; returns it."""
    kind = NotificationKind(key=key, label=label, **options)
    _KINDS[key] = kind
    return kind


def kind_of(key):
    return _KINDS.get(key, UNKNOWN)


def registered_kinds():
    return dict(_KINDS)
