"""What meeting pages show alike to many members, rendered once (`core.memo`, `{% cache %}`).

Keys carry the answers of the access rules that decide what a fragment shows (`access.py`: a
coordinator, an invitee, venue and link, outcomes), never a member: the rules still run on every
request, and a fragment is only ever served to a member for whom they answer the same.

Namespaces, bumped by the receivers below (connected in `MeetingsConfig.ready()`):

- "pages" (`site.caching`): a page saved, published, unpublished, moved or deleted;
- "meetings": a meeting's rows beside the page changed without a page save (agenda items,
  decisions, action items, invited governments and pillars, named invitations);
- "meeting-invitees": who is invited may have changed (a member's groups, a member saved or
  deleted, a member's audit-logged change: deactivation and reactivation update the row directly);
- "rsvp:<translation key>": a meeting's answers or attendance changed; "rsvp-of:<member>": one of
  the member's answers changed.

Lists that depend on the time (upcoming/past) also carry `next_meeting_end`: the earliest end of a
live meeting still to come, so a meeting that ends moves to "past" on the next request.
"""

import hashlib

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from workspace.core import memo

PAGES = "pages"
MEETINGS = "meetings"
INVITEES = "meeting-invitees"
SHARED = (PAGES, MEETINGS)


def answers_namespace(meeting_key):
    return f"rsvp:{meeting_key}"


def member_answers_namespace(member_id):
    return f"rsvp-of:{member_id}"


def answers_of(member):
    """The member's answers, {meeting translation key (str): answer}, from the cache (namespace
    "rsvp-of:<member>", new when one of them changes)."""
    from .models import Participation

    return memo.get_or_build(
        "meeting-answers-of",
        member.pk,
        namespaces=(member_answers_namespace(member.pk),),
        build=lambda: {
            str(key): answer
            for key, answer in Participation.objects.filter(member_id=member.pk)
            .exclude(answer="")
            .values_list("meeting_key", "answer")
        },
    )


def digest(*parts):
    """A short stable digest of the parts (their `repr`), for keys."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def row_fingerprint(page):
    """The page row as loaded for this request: a change written straight to the row (a revision
    published by the scheduler, a script's update) makes a new key without any signal."""
    return digest(*(getattr(page, field.attname) for field in page._meta.concrete_fields))


def next_meeting_end(now=None):
    """The earliest end of a live meeting after `now` (None: none to come): the moment the
    upcoming and past lists change by themselves. From the cache, read again once it has passed."""
    from .models import MeetingPage

    now = now or timezone.now()
    key = memo.key("meetings-next-end", namespaces=SHARED)
    found = cache.get(key, memo._MISSING)
    if found is memo._MISSING or (found is not None and found <= now):
        found = MeetingPage.objects.live().filter(ends_at__gt=now).order_by("ends_at").values_list("ends_at", flat=True)
        found = found.first()
        cache.set(key, found, memo.TIMEOUT)
    return found


def named_invitations(member):
    """The ids of the meetings that name the member as an invitee (what, with their government,
    decides which circulated outcomes they read), from the cache."""
    from .models import MeetingPage

    if not getattr(member, "pk", None):
        return ()
    return memo.get_or_build(
        "meeting-named-invitations",
        member.pk,
        namespaces=SHARED,
        build=lambda: tuple(
            sorted(
                MeetingPage.invited_members.through.objects.filter(user_id=member.pk).values_list(
                    "meetingpage_id", flat=True
                )
            )
        ),
    )


def outcomes_reader_class(member):
    """Who reads which outcomes (`MeetingQuerySet.with_readable_outcomes`): coordinators all of them;
    others by their government and the meetings naming them."""
    from .access import is_coordinator

    if is_coordinator(member):
        return "coordinator"
    return f"{getattr(member, 'government_code', None) or '-'}:{digest(named_invitations(member))}"


# --- Invalidation ------------------------------------------------------------------------------------


def _meeting_rows_changed(sender=None, **kwargs):
    action = kwargs.get("action")
    if action is None or action in {"post_add", "post_remove", "post_clear"}:
        memo.bump(MEETINGS)


def _answers_changed(sender=None, instance=None, **kwargs):
    memo.bump(answers_namespace(instance.meeting_key), member_answers_namespace(instance.member_id))


def _invitees_changed(sender=None, **kwargs):
    action = kwargs.get("action")
    if action is not None and action not in {"post_add", "post_remove", "post_clear"}:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nobody's invitation
    memo.bump(INVITEES)


def _member_logged(sender=None, instance=None, created=False, **kwargs):
    from django.contrib.contenttypes.models import ContentType

    if created and instance.content_type_id == ContentType.objects.get_for_model(get_user_model()).pk:
        memo.bump(INVITEES)


def connect():
    from wagtail.models import ModelLogEntry

    from .models import ActionItem, AgendaItem, Decision, MeetingGovernment, MeetingPage, MeetingPillar, Participation

    for model in (ActionItem, AgendaItem, Decision, MeetingGovernment, MeetingPillar):
        for signal in (post_save, post_delete):
            signal.connect(
                _meeting_rows_changed, sender=model, dispatch_uid=f"meetings.cache.{model.__name__}.{signal}"
            )
    m2m_changed.connect(
        _meeting_rows_changed, sender=MeetingPage.invited_members.through, dispatch_uid="meetings.cache.invited"
    )
    m2m_changed.connect(
        _invitees_changed, sender=MeetingPage.invited_members.through, dispatch_uid="meetings.cache.named"
    )
    for signal in (post_save, post_delete):
        signal.connect(_answers_changed, sender=Participation, dispatch_uid=f"meetings.cache.answers.{signal}")
    User = get_user_model()
    m2m_changed.connect(_invitees_changed, sender=User.groups.through, dispatch_uid="meetings.cache.groups")
    post_save.connect(_invitees_changed, sender=User, dispatch_uid="meetings.cache.member_saved")
    post_delete.connect(_invitees_changed, sender=User, dispatch_uid="meetings.cache.member_deleted")
    post_save.connect(_member_logged, sender=ModelLogEntry, dispatch_uid="meetings.cache.member_logged")
