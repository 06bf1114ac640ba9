"""The permission matrix: every URL pattern and websocket route × role × published/draft object.

The patterns come from the URL resolver (Wagtail admin, allauth, i18n_patterns included) and from
workspace/routing.py; each is classified by exactly one rule of RULES (or WS_RULES), which says
what each role gets for a published and for a draft Guatemalan object. A pattern that no rule
matches fails `test_every_url_pattern_has_exactly_one_rule` with its name and route.

Outcomes (what `outcome(response)` reads from a response):
- "200": the page or JSON answered (2xx);
- "sign-in": a redirect to /accounts/login/ (anonymous visitors; participants in the admin, who see
  the sign-in page with "you do not have permission to access the admin");
- "admin home": Wagtail's "Sorry, you do not have permission to access this area." — a redirect to
  the dashboard (/admin/); Wagtail answers every refused admin action this way;
- "redirect": any other redirect (`redirects_to` pins where, when it matters);
- "403", "404", "405", "410", "500": as is. Another government's draft answers 404 on the site, its
  attachments and every discussion endpoint (existence not revealed); in the admin, "admin home".
On top of the status, every page answered 200 to someone who may not see the Guatemalan draft
(anonymous, participant, Honduras's focal point) must not contain the draft's title.

Data is built once per module (inside a transaction rolled back at the end); each test runs in a
savepoint of its own. Destructive admin URLs are only GET (their confirm pages); the discussion
POST endpoints are also POSTed, since their refusals are what protects a draft.
"""

from dataclasses import dataclass, field

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import PASSWORD, government_page, make_meeting, make_member

ROLES = ("anonymous", "participant", "focal point GT", "focal point HN", "coordinator")
PUBLISHED, DRAFT = "published", "draft"

OK, SIGN_IN, ADMIN_HOME, REDIRECT = "200", "sign-in", "admin home", "redirect"
FORBIDDEN, NOT_FOUND, NOT_ALLOWED, GONE = "403", "404", "405", "410"


def outcome(response):
    status = response.status_code
    if 200 <= status < 300:
        return OK
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith(("/accounts/login/", "http://testserver/accounts/login/")):
            return SIGN_IN
        if location.split("?")[0] in ("/admin/", "http://testserver/admin/"):
            return ADMIN_HOME
        return REDIRECT
    # The live client's "sign in first": a JSON 401 naming the sign-in page.
    is_json = response.get("Content-Type", "").startswith("application/json")
    if status == 401 and is_json and response.json().get("login_url") == "/accounts/login/":
        return SIGN_IN
    return str(status)


# --- The data: a published and a draft Guatemalan practice, with everything hanging off them ---


@dataclass
class World:
    members: dict
    practice: dict
    thread: dict
    comment: dict
    task_state: dict
    workflow_state: dict
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["extra"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world():
    from django.contrib.auth.models import Group
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection, Locale, Site, Task, Workflow

    from tests.site.test_practice_support import make_practice
    from workspace.accounts.models import FocalPointDesignation
    from workspace.accounts.services import designate_focal_point, invite_member
    from workspace.discussions.models import Thread
    from workspace.discussions.services import post_comment
    from workspace.notifications.models import Notification
    from workspace.site.demo import submit_for_review
    from workspace.site.models import BestPracticeAttachment, TargetPopulation

    members = {
        "participant": make_member("participant"),
        "focal point GT": make_member("focal_point", government_code="GT"),
        "focal point HN": make_member("focal_point", government_code="HN"),
        "coordinator": make_member("coordinator"),
    }
    author = members["focal point GT"]
    practice = {
        PUBLISHED: make_practice("GT", author=author, title="Práctica publicada de Guatemala"),
        DRAFT: make_practice("GT", author=author, live=False, title="Borrador confidencial de Guatemala"),
    }
    task_state, workflow_state = {}, {}
    for state, page in practice.items():
        page.save_revision(user=author)
        workflow_state[state] = submit_for_review(page, by=author)
        task_state[state] = workflow_state[state].current_task_state
    thread = {state: Thread.objects.create(page=page, anchor="") for state, page in practice.items()}
    comment = {
        state: post_comment(thread=t, author=author, body=f"Comentario ({state})") for state, t in thread.items()
    }

    gt_collection = Collection.objects.get(name=government_page("GT").title)
    documents = {}
    for state, page in practice.items():
        documents[state] = get_document_model().objects.create(
            title=f"Protocolo ({state})",
            file=ContentFile(b"confidential", name=f"protocolo-{state}.txt"),
            collection=gt_collection,
            uploaded_by_user=author,
        )
        # The page's own row refers to the attachment, as the admin's create view saves it.
        page.attachments = [BestPracticeAttachment(document=documents[state])]
        page.save()
    image = get_image_model().objects.create(
        title="Foto", file=get_test_image_file("foto.png"), collection=gt_collection
    )
    invitation = invite_member(
        email="invitada@example.org", role="participant", language="es", invited_by=members["coordinator"]
    )
    notification = Notification.objects.create(recipient=author, kind="discussions.mention", page=thread[DRAFT].page)
    extra = {
        "documents": documents,
        "document": documents[DRAFT],
        "image": image,
        "invitation": invitation,
        "notification": notification,
        "redirect": Redirect.objects.create(old_path="/old-path", redirect_link="/es/"),
        "collection": gt_collection,
        "group": Group.objects.get(name="Focal points · GT"),
        "site": Site.objects.get(is_default_site=True),
        "locale": Locale.objects.get(language_code="fr"),
        "workflow": Workflow.objects.get(name="Coordinator review"),
        "task": Task.objects.filter(workflow_tasks__workflow__name="Coordinator review").first().specific,
        "target_population": TargetPopulation.objects.first(),
        "designation": designate_focal_point(
            member=author, designation=FocalPointDesignation.Designation.PRIMARY, by=members["coordinator"]
        ),
        # A meeting inviting Guatemala, and one still a draft (coordinators only) titled like the draft.
        "meeting": {
            PUBLISHED: make_meeting(governments=("GT",), title="Reunión de trabajo con Guatemala"),
            DRAFT: make_meeting(governments=("GT",), status="draft", title=DRAFT_TITLE),
        },
    }
    extra["proposal"] = matrix_proposal(extra["meeting"][PUBLISHED], author)
    extra["plan"] = matrix_plans(author)
    return World(members, practice, thread, comment, task_state, workflow_state, extra)


def matrix_proposal(meeting, author):
    """An agenda item proposed by Guatemala's focal point for the published meeting."""
    from meetings.services import propose_agenda_item

    return propose_agenda_item(meeting=meeting, member=author, government="GT", title="Propuesta de Guatemala")


MATRIX_ACTIVITY = "6f1c0d1e-0000-4000-8000-000000000001"


def matrix_plans(author):
    """A published and a draft Guatemalan work plan, whose first activity has a known id."""
    from tests.factories import make_plan, plan_objective

    plans = {}
    for state, year, title in ((PUBLISHED, 2026, "Plan publicado de Guatemala"), (DRAFT, 2027, DRAFT_TITLE)):
        objective = plan_objective()
        objective["value"]["activities"][0]["id"] = MATRIX_ACTIVITY
        plans[state] = make_plan(
            "GT", author=author, year=year, title=title, live=state == PUBLISHED, pillars={1: [objective]}
        )
    return plans


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def clear_cache():
    """Rate limits and socket counts live in the cache: each test starts without them."""
    cache.clear()
    yield
    cache.clear()


# --- How a pattern's kwargs are filled --------------------------------------------------------


def page_kwargs(world, state, key=""):
    page = world.practice[state]
    gt = government_page("GT")
    return {
        "page_id": page.pk,
        "parent_page_id": page.pk,
        "page_to_move_id": page.pk,
        "pk": page.pk,
        "destination_id": gt.pk,
        "revision_id": page.latest_revision_id,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "task_state_id": world.task_state[state].pk,
        "workflow_state_id": world.workflow_state[state].pk,
        "task_id": world.task.pk,
        "action_name": "approve",
        "content_type_app_name": "site",
        "content_type_model_name": "bestpracticepage",
        "app_label": "wagtailcore",
        "model_name": "page",
        "object_id": page.pk,
        "session_id": 1,
        "action": "delete",
    }


def discussion_kwargs(world, state, key=""):
    return {
        "page_id": world.practice[state].pk,
        "thread_id": world.thread[state].pk,
        "comment_id": world.comment[state].pk,
    }


def meeting_kwargs(world, state, key=""):
    return {"page_id": world.meeting[state].pk}


def fixed(**kwargs):
    return lambda world, state, key="": dict(kwargs)


# --- The rule table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A kind of URL: which patterns it covers, how to fill them, what each role gets.

    `expect` maps each role to an outcome, or to (published, draft) outcomes when `objects` is
    BOTH. `names` are "namespace:name" (or the bare name, or the route of an unnamed pattern);
    `namespaces` cover whole Wagtail sub-apps. `only_anonymous` (a reason) means the kwargs cannot
    be filled meaningfully (a signed token, a password restriction that does not exist): only the
    anonymous cell is requested. `post` (data) makes the test POST after the GET, and `post_expect`
    says what each role gets from that POST (the discussion endpoints, with `Accept: application/json`).
    `known_holes` (role → description) marks cells where the app does not yet answer what the
    table says; they run as strict xfails, so fixing the hole turns them red until the mark goes.
    """

    kind: str
    expect: dict
    names: frozenset = frozenset()
    namespaces: frozenset = frozenset()
    fill: object = None
    objects: tuple = (None,)
    url: object = None
    query: object = ""
    post: dict | None = None
    post_expect: dict | None = None
    only_anonymous: str = ""
    redirects_to: str = ""
    known_holes: dict = field(default_factory=dict)


def rule(kind, expect, *, names=(), namespaces=(), **options):
    return Rule(kind, expect, frozenset(names), frozenset(namespaces), **options)


def each(outcome_for_all, **overrides):
    """The same outcome for every role but those named (focal_point_GT → "focal point GT")."""
    expect = dict.fromkeys(ROLES, outcome_for_all)
    expect.update({role.replace("_", " "): value for role, value in overrides.items()})
    return expect


def admin(*, gt, hn, coordinator):
    """Wagtail admin: anonymous visitors and participants (no admin access) are sent to sign in."""
    return {
        "anonymous": SIGN_IN,
        "participant": SIGN_IN,
        "focal point GT": gt,
        "focal point HN": hn,
        "coordinator": coordinator,
    }


def members(*, participant, gt, hn, coordinator):
    return {
        "anonymous": SIGN_IN,
        "participant": participant,
        "focal point GT": gt,
        "focal point HN": hn,
        "coordinator": coordinator,
    }


BOTH = (PUBLISHED, DRAFT)
ANY_ADMIN_USER = admin(gt=OK, hn=OK, coordinator=OK)
COORDINATORS_ONLY = admin(gt=ADMIN_HOME, hn=ADMIN_HOME, coordinator=OK)
NOBODY_BUT_SUPERUSERS = admin(gt=ADMIN_HOME, hn=ADMIN_HOME, coordinator=ADMIN_HOME)
GET_NOT_ALLOWED = admin(gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED)
# What a draft's discussion answers: members who may not edit the draft get 404, like a missing one.
SEE_THREAD = members(participant=(OK, NOT_FOUND), gt=OK, hn=(OK, NOT_FOUND), coordinator=OK)
OWN_GOVERNMENT_FILES = admin(gt=OK, hn=ADMIN_HOME, coordinator=OK)


def in_collection(world, state, key=""):
    return {
        "document_id": world.document.pk,
        "doc_id": world.document.pk,
        "image_id": world.image.pk,
        "pk": world.document.pk,
        "filter_spec": "fill-100x100",
    }


def member_objects(world, state, key=""):
    return {"notification_id": world.notification.pk}


def admin_object_pks(world, state, key=""):
    """The object an admin model view is about, by the view's namespace (or exact name)."""
    by_key = {
        "wagtailadmin_workflows:edit_task": world.task.pk,
        "wagtailadmin_workflows:disable_task": world.task.pk,
    }
    by_namespace = {
        "wagtailsites": world.site.pk,
        "wagtaillocales": world.locale.pk,
        "wagtailusers_users": world.members["focal point GT"].pk,
        "wagtailusers_groups": world.group.pk,
        "wagtailadmin_collections": world.collection.pk,
        "wagtailadmin_workflows": world.workflow.pk,
        "wagtailsnippets_site_targetpopulation": world.target_population.pk,
        "wagtailsnippetchoosers_site_targetpopulation": world.target_population.pk,
        "discussion_moderation": world.comment[PUBLISHED].pk,
        "agenda_proposals": world.proposal.pk,
        "focal_point_designations": world.designation.pk,
    }
    page_type = {"content_type_app_name": "site", "content_type_model_name": "bestpracticepage"}
    namespace = key.rsplit(":", 1)[0] if ":" in key else ""
    return {
        "pk": by_key.get(key, by_namespace.get(namespace)),
        "collection_id": world.collection.pk,
        "redirect_id": world.redirect.pk,
        "task_id": world.task.pk,
        "app_label": "site",
        "model_name": "bestpracticepage",
        **page_type,
    }


RULES = [
    # --- Site shell ----------------------------------------------------------------------------
    rule("static/healthz: open to everyone", each(OK), names=["healthz"]),
    rule(
        "one door: every other sign-in page redirects to allauth's",
        each(SIGN_IN),
        names=["wagtailadmin_login_redirect", "wagtailadmin_login", "wagtailcore_login_redirect", "wagtailcore_login"],
    ),
    rule(
        "one door: Wagtail's password reset redirects to allauth's (rate-limited) one",
        each(REDIRECT),
        names=["wagtailadmin_password_reset_redirect", "wagtailadmin_password_reset"],
        redirects_to="/accounts/password/reset/",
    ),
    rule(
        "Wagtail's own password-reset pages: switched off (WAGTAIL_PASSWORD_MANAGEMENT_ENABLED), allauth's are used",
        each(NOT_FOUND),
        names=[
            "wagtailadmin_password_reset_done",
            "wagtailadmin_password_reset_confirm",
            "wagtailadmin_password_reset_complete",
        ],
        fill=fixed(uidb64="MQ", token="not-a-token"),
    ),
    rule(
        "the site's pages (Wagtail serve): members read what is published; a draft is 404 for everyone",
        members(participant=(OK, NOT_FOUND), gt=(OK, NOT_FOUND), hn=(OK, NOT_FOUND), coordinator=(OK, NOT_FOUND))
        | {"anonymous": (SIGN_IN, NOT_FOUND)},
        names=["wagtail_serve"],
        objects=BOTH,
        url=lambda world, state: world.practice[state].url,
    ),
    rule(
        "a page read in its source language under another interface: as the page itself (issue 12)",
        members(participant=(OK, NOT_FOUND), gt=(OK, NOT_FOUND), hn=(OK, NOT_FOUND), coordinator=(OK, NOT_FOUND))
        | {"anonymous": (SIGN_IN, NOT_FOUND)},
        names=["source_page"],
        objects=BOTH,
        url=lambda world, state: f"/fr/source/{world.practice[state].pk}/",
    ),
    rule(
        "the member's own account page (issue 12)",
        members(participant=OK, gt=OK, hn=OK, coordinator=OK),
        names=["account_profile"],
    ),
    rule(
        "a page's password form",
        each(NOT_FOUND),
        names=["wagtailcore_authenticate_with_password"],
        only_anonymous="no page has a password restriction: any restriction id answers 404",
        fill=lambda world, state, key: {"page_view_restriction_id": 999999, "page_id": world.practice[PUBLISHED].pk},
    ),
    rule(
        "documents: a published practice's attachment for every member, a draft's for those who may edit it",
        SEE_THREAD,
        names=["wagtaildocs_serve"],
        objects=BOTH,
        url=lambda world, state: world.documents[state].url,
    ),
    rule(
        "a document's password form",
        each(NOT_FOUND),
        names=["wagtaildocs_authenticate_with_password"],
        only_anonymous="no collection has a password restriction: any restriction id answers 404",
        fill=fixed(restriction_id=999999),
    ),
    rule(
        "language switch: a GET only redirects (the choice is made by POST)",
        each(REDIRECT),
        names=["set_language"],
    ),
    # --- Invitations -----------------------------------------------------------------------------
    rule(
        "invitations list and form: coordinators (anonymous visitors are sent to sign in)",
        each(FORBIDDEN, coordinator=OK, anonymous=SIGN_IN),
        names=["accounts:invitations"],
    ),
    rule(
        "invitation actions: POST only",
        each(NOT_ALLOWED),
        names=["accounts:resend_invitation", "accounts:revoke_invitation"],
        fill=lambda world, state, key: {"pk": world.invitation.pk},
    ),
    rule(
        "an invitation link: an unknown token is 410 for everyone",
        each(GONE),
        names=["accounts:accept_invitation"],
        fill=fixed(token="not-a-token"),
    ),
    # --- allauth -----------------------------------------------------------------------------------
    rule(
        "allauth account views open to everyone (sign-in, password reset, email confirmation)",
        each(OK),
        names=[
            "account_login",
            "account_inactive",
            "account_signup",
            "account_email_verification_sent",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key_done",
            "account_confirm_email",
            "account_reset_password_from_key",
        ],
        fill=fixed(key="not-a-key", uidb36="1"),
    ),
    rule(
        "sign-out (allauth's, also at /admin/logout/): GET shows the confirmation, only a POST signs out",
        each(OK, anonymous=REDIRECT),
        names=["account_logout", "wagtailadmin_logout_allauth", "wagtailadmin_logout"],
    ),
    rule(
        "allauth views of the signed-in member",
        members(participant=OK, gt=OK, hn=OK, coordinator=OK),
        names=[
            "account_reauthenticate",
            "account_request_reauthentication_code",
            "account_email",
            "account_change_password",
            "mfa_index",
            "mfa_list_webauthn",
            "usersessions_list",
        ],
    ),
    rule(
        "allauth steps out of sequence: a signed-in member is sent on (code confirmations, set password)",
        members(participant=REDIRECT, gt=REDIRECT, hn=REDIRECT, coordinator=REDIRECT),
        names=[
            "account_confirm_reauthentication_code",
            "account_set_password",
            "account_confirm_login_code",
            "mfa_authenticate",
            "mfa_reauthenticate_webauthn",
        ],
    ),
    rule(
        "MFA changes need a fresh reauthentication (force_login leaves none in the session)",
        members(participant=REDIRECT, gt=REDIRECT, hn=REDIRECT, coordinator=REDIRECT),
        names=["mfa_activate_totp", "mfa_generate_recovery_codes", "mfa_add_webauthn"],
        redirects_to="/accounts/reauthenticate/",
    ),
    rule(
        "MFA reauthentication: only for a member with an authenticator (coordinators here)",
        members(participant=REDIRECT, gt=REDIRECT, hn=REDIRECT, coordinator=OK),
        names=["mfa_reauthenticate"],
        redirects_to="/accounts/reauthenticate/",
    ),
    rule(
        "deactivating TOTP: 404 without TOTP; coordinators must reauthenticate",
        members(participant=NOT_FOUND, gt=NOT_FOUND, hn=NOT_FOUND, coordinator=REDIRECT),
        names=["mfa_deactivate_totp"],
        redirects_to="/accounts/reauthenticate/",
    ),
    rule(
        "recovery codes: 404 until generated",
        members(participant=NOT_FOUND, gt=NOT_FOUND, hn=NOT_FOUND, coordinator=NOT_FOUND),
        names=["mfa_view_recovery_codes", "mfa_download_recovery_codes"],
    ),
    rule(
        "a security key of one's own: reauthenticate first (none exists here)",
        members(participant=REDIRECT, gt=REDIRECT, hn=REDIRECT, coordinator=REDIRECT),
        names=["mfa_remove_webauthn", "mfa_edit_webauthn"],
        fill=fixed(pk=999999),
        redirects_to="/accounts/reauthenticate/",
    ),
    # --- Meetings -------------------------------------------------------------------------------------
    rule(
        "RSVP: POST only; invitees (Guatemala) answer, others are told why (403); a draft meeting is 404",
        members(participant=NOT_ALLOWED, gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED),
        names=["meetings:rsvp"],
        fill=meeting_kwargs,
        objects=BOTH,
        post={"answer": "attending"},
        post_expect=members(
            participant=(FORBIDDEN, NOT_FOUND), gt=(OK, NOT_FOUND), hn=(FORBIDDEN, NOT_FOUND), coordinator=FORBIDDEN
        ),
    ),
    rule(
        "a meeting's .ics: every member for a scheduled meeting, coordinators for a draft",
        members(participant=(OK, NOT_FOUND), gt=(OK, NOT_FOUND), hn=(OK, NOT_FOUND), coordinator=OK),
        names=["meetings:ics"],
        fill=meeting_kwargs,
        objects=BOTH,
    ),
    rule(
        "a meeting's roster and its CSV export: coordinators only",
        members(
            participant=(FORBIDDEN, NOT_FOUND), gt=(FORBIDDEN, NOT_FOUND), hn=(FORBIDDEN, NOT_FOUND), coordinator=OK
        ),
        names=["meetings:roster", "meetings:roster_csv"],
        fill=meeting_kwargs,
        objects=BOTH,
    ),
    rule(
        "proposing an agenda item: POST only; Guatemala's focal point for Guatemala, others told why; a draft is 404",
        members(participant=NOT_ALLOWED, gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED),
        names=["meetings:propose"],
        fill=meeting_kwargs,
        objects=BOTH,
        post={"government": "GT", "title": "Retorno asistido"},
        post_expect=members(
            participant=(FORBIDDEN, NOT_FOUND), gt=(OK, NOT_FOUND), hn=(FORBIDDEN, NOT_FOUND), coordinator=FORBIDDEN
        ),
    ),
    rule(
        "proposing a correction to the minutes: POST only; only attendees while circulated (not the case here)",
        members(participant=NOT_ALLOWED, gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED),
        names=["meetings:correct"],
        fill=meeting_kwargs,
        objects=BOTH,
        post={"text": "Corregir la fecha."},
        post_expect=members(
            participant=(FORBIDDEN, NOT_FOUND),
            gt=(FORBIDDEN, NOT_FOUND),
            hn=(FORBIDDEN, NOT_FOUND),
            coordinator=FORBIDDEN,
        ),
    ),
    rule(
        "deciding on a proposal or a correction: POST only, coordinators only (an unknown one is 404)",
        members(participant=NOT_ALLOWED, gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED),
        names=["meetings:decide_proposal", "meetings:decide_correction"],
        fill=lambda world, state, key="": {
            "page_id": world.meeting[state].pk,
            "proposal_id": 999999,
            "correction_id": 999999,
        },
        objects=BOTH,
        post={"decision": "decline", "reason": "No"},
        post_expect=members(
            participant=(FORBIDDEN, NOT_FOUND),
            gt=(FORBIDDEN, NOT_FOUND),
            hn=(FORBIDDEN, NOT_FOUND),
            coordinator=NOT_FOUND,
        ),
    ),
    rule(
        "the outcomes listing across meetings: every member (published outcomes only)",
        members(participant=OK, gt=OK, hn=OK, coordinator=OK),
        names=["meetings:outcomes"],
    ),
    rule(
        "the member's calendar subscription page",
        members(participant=OK, gt=OK, hn=OK, coordinator=OK),
        names=["meetings:subscription"],
    ),
    rule(
        "a calendar feed: the secret token is the key (an unknown one is 404 for everyone)",
        each(NOT_FOUND),
        names=["meetings:feed"],
        fill=fixed(token="not-a-token"),
    ),
    # --- Discussions --------------------------------------------------------------------------------
    rule(
        "discussion reads (comment list, events, page thread, a part's panel, mention candidates): a draft's are 404"
        " to strangers",
        SEE_THREAD,
        names=[
            "discussions:comments",
            "discussions:events",
            "discussions:older",
            "discussions:page_thread",
            "discussions:part_panel",
            "discussions:mention_candidates",
        ],
        fill=discussion_kwargs,
        objects=BOTH,
    ),
    rule(
        "a comment's reply form on a page of its own (the link without JavaScript): any member who may see"
        " the thread; a draft's are 404 to strangers",
        SEE_THREAD,
        names=["discussions:comment_form"],
        fill=lambda world, state, key="": {**discussion_kwargs(world, state), "action": "reply"},
        objects=BOTH,
    ),
    rule(
        "a comment's hide form on a page of its own: coordinators; strangers to a draft get 404",
        members(participant=(FORBIDDEN, NOT_FOUND), gt=FORBIDDEN, hn=(FORBIDDEN, NOT_FOUND), coordinator=OK),
        names=["discussions:moderation_form"],
        fill=lambda world, state, key="": {**discussion_kwargs(world, state), "action": "hide"},
        objects=BOTH,
    ),
    rule(
        "discussion posting and following: any member who may see the thread",
        members(participant=NOT_ALLOWED, gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED),
        names=["discussions:post", "discussions:follow", "discussions:unfollow"],
        fill=discussion_kwargs,
        objects=BOTH,
        post={"body": "Una respuesta."},
        post_expect=SEE_THREAD,
    ),
    rule(
        "editing and deleting a comment: its author (a Guatemalan focal point here)",
        members(participant=NOT_ALLOWED, gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED),
        names=["discussions:edit", "discussions:delete"],
        fill=discussion_kwargs,
        objects=BOTH,
        post={"body": "Texto cambiado."},
        post_expect=members(
            participant=(FORBIDDEN, NOT_FOUND), gt=OK, hn=(FORBIDDEN, NOT_FOUND), coordinator=FORBIDDEN
        ),
    ),
    rule(
        "flagging a comment: any member who may see it, except its author",
        members(participant=NOT_ALLOWED, gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED),
        names=["discussions:flag"],
        fill=discussion_kwargs,
        objects=BOTH,
        post={"reason": "spam"},
        post_expect=members(participant=(OK, NOT_FOUND), gt=FORBIDDEN, hn=(OK, NOT_FOUND), coordinator=OK),
    ),
    rule(
        "moderation (hide, restore, lock, unlock): coordinators; strangers to a draft get 404",
        members(participant=NOT_ALLOWED, gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED),
        names=["discussions:hide", "discussions:restore", "discussions:lock", "discussions:unlock"],
        fill=discussion_kwargs,
        objects=BOTH,
        post={"reason": "Fuera de tema."},
        post_expect=members(
            participant=(FORBIDDEN, NOT_FOUND), gt=FORBIDDEN, hn=(FORBIDDEN, NOT_FOUND), coordinator=OK
        ),
    ),
    rule(
        "the member's notification centre",
        members(participant=OK, gt=OK, hn=OK, coordinator=OK),
        names=["notifications:list"],
    ),
    rule(
        "the member's notification actions: POST only",
        members(participant=NOT_ALLOWED, gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED),
        names=["notifications:read_all", "notifications:preferences"],
    ),
    rule(
        "marking one notification read (a Guatemalan focal point's): another member's is 404",
        members(participant=NOT_ALLOWED, gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED),
        names=["notifications:read"],
        fill=member_objects,
        post={},
        post_expect=members(participant=NOT_FOUND, gt=OK, hn=NOT_FOUND, coordinator=NOT_FOUND),
    ),
    rule(
        "opening one notification (a Guatemalan focal point's): to its comment; another member's is 404",
        members(participant=NOT_ALLOWED, gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED),
        names=["notifications:open"],
        fill=member_objects,
        post={},
        post_expect=members(participant=NOT_FOUND, gt=REDIRECT, hn=NOT_FOUND, coordinator=NOT_FOUND),
        redirects_to="#discussion",
    ),
    # --- Work plans ---------------------------------------------------------------------------------
    rule(
        "progress on a work plan: POST only; the plan's government and coordinators, on an approved plan",
        members(participant=NOT_ALLOWED, gt=NOT_ALLOWED, hn=NOT_ALLOWED, coordinator=NOT_ALLOWED),
        names=["workplans:progress"],
        fill=lambda world, state, key: {"plan_id": world.plan[state].pk},
        objects=BOTH,
        post={"activity": MATRIX_ACTIVITY, "status": "in_progress", "percent_complete": "10"},
        post_expect=members(participant=NOT_FOUND, gt=(OK, NOT_FOUND), hn=NOT_FOUND, coordinator=(OK, NOT_FOUND)),
    ),
    rule(
        "a work plan's export: the approved plan for every member, a draft for those who may edit it",
        members(participant=(OK, NOT_FOUND), gt=OK, hn=(OK, NOT_FOUND), coordinator=OK),
        names=["workplans:export_plan"],
        fill=lambda world, state, key: {"plan_id": world.plan[state].pk, "file_format": "csv"},
        objects=BOTH,
    ),
    rule(
        "an activity's progress history: the approved plan for every member, a draft for those who may edit it",
        members(participant=(OK, NOT_FOUND), gt=OK, hn=(OK, NOT_FOUND), coordinator=OK),
        names=["workplans:activity_history"],
        fill=lambda world, state, key: {"plan_id": world.plan[state].pk, "activity_uuid": MATRIX_ACTIVITY},
        objects=BOTH,
    ),
    rule(
        "the dashboard's export (approved plans only): every member",
        members(participant=OK, gt=OK, hn=OK, coordinator=OK),
        names=["workplans:export_dashboard"],
        fill=fixed(file_format="xlsx"),
    ),
    rule(
        "start next year's plan (confirm page): who may add pages under the plan's government",
        admin(gt=OK, hn=ADMIN_HOME, coordinator=OK),
        names=["workplans_next_year"],
        fill=lambda world, state, key: {"page_id": world.plan[state].pk},
        objects=BOTH,
    ),
    # --- Wagtail admin: pages -----------------------------------------------------------------------
    rule(
        "wagtail admin page views that take a page id: edit, preview, view draft, revisions (view, "
        "compare, revert form), history, workflow history, usage, copy",
        admin(gt=OK, hn=ADMIN_HOME, coordinator=OK),
        names=[
            "wagtailadmin_pages:edit",
            "wagtailadmin_pages:preview_on_edit",
            "wagtailadmin_pages:view_draft",
            "wagtailadmin_pages:revisions_view",
            "wagtailadmin_pages:revisions_compare",
            "wagtailadmin_pages:revisions_revert",
            "wagtailadmin_pages:history",
            "wagtailadmin_pages:history_results",
            "wagtailadmin_pages:workflow_history",
            "wagtailadmin_pages:workflow_history_detail",
            "wagtailadmin_pages:usage",
            "wagtailadmin_pages:copy",
        ],
        fill=page_kwargs,
        objects=BOTH,
    ),
    # --- wagtail-localize (issue 12): translating pages in the admin -----------------------------
    rule(
        "translate a page (wagtail-localize): focal points and coordinators with submit_translation; "
        "another government's draft is refused like everywhere in the admin",
        admin(gt=OK, hn=(OK, ADMIN_HOME), coordinator=OK),
        names=["wagtail_localize:submit_page_translation"],
        fill=page_kwargs,
        objects=BOTH,
    ),
    rule(
        "convert a translation back to an alias: a synced translation only (none here), for its editors",
        admin(gt=NOT_FOUND, hn=ADMIN_HOME, coordinator=NOT_FOUND),
        names=["wagtail_localize:convert_to_alias"],
        fill=page_kwargs,
        objects=BOTH,
    ),
    rule(
        "the translations report lists every translation, drafts included: coordinators",
        COORDINATORS_ONLY,
        names=["wagtail_localize:translations_report", "wagtail_localize:translations_report_results"],
    ),
    rule(
        "wagtail-localize's script catalogue and its list of a snippet's rows (the target populations): any admin user",
        ANY_ADMIN_USER,
        names=["wagtail_localize:javascript_catalog", "wagtail_localize:snippets_api_listing"],
        fill=fixed(app_label="site", model_name="targetpopulation"),
    ),
    rule(
        "wagtail-localize's changes to a translation: POST only",
        GET_NOT_ALLOWED,
        names=[
            "wagtail_localize:edit_string_translation",
            "wagtail_localize:edit_override",
            "wagtail_localize:upload_pofile",
            "wagtail_localize:machine_translate",
            "wagtail_localize:stop_translation",
        ],
        fill=fixed(translation_id=999999, string_segment_id=999999, overridable_segment_id=999999),
    ),
    rule(
        "wagtail-localize's views of one translation, source or snippet: unknown ids answer 404",
        admin(gt=NOT_FOUND, hn=NOT_FOUND, coordinator=NOT_FOUND),
        names=[
            "wagtail_localize:submit_snippet_translation",
            "wagtail_localize:update_translations",
            "wagtail_localize:download_pofile",
            "wagtail_localize:preview_translation",
            "wagtail_localize:snippets_api_detail",
        ],
        fill=fixed(
            translation_id=999999,
            translation_source_id=999999,
            string_segment_id=999999,
            overridable_segment_id=999999,
            app_label="site",
            model_name="targetpopulation",
            pk=999999,
            mode="form",
        ),
    ),
    rule(
        "the old revisions URL redirects to the history (the history itself is checked above)",
        admin(gt=REDIRECT, hn=REDIRECT, coordinator=REDIRECT),
        names=["wagtailadmin_pages:revisions_index"],
        fill=page_kwargs,
        objects=BOTH,
        redirects_to="/admin/pages/",
    ),
    rule(
        "delete and move (confirm pages): a focal point on their own draft; coordinators anywhere",
        admin(gt=(ADMIN_HOME, OK), hn=ADMIN_HOME, coordinator=OK),
        names=["wagtailadmin_pages:delete", "wagtailadmin_pages:move"],
        fill=page_kwargs,
        objects=BOTH,
    ),
    rule(
        "publishing, review and privacy (approve/reject forms, task preview, unschedule, privacy): coordinators",
        COORDINATORS_ONLY,
        names=[
            "wagtailadmin_pages:workflow_action",
            "wagtailadmin_pages:collect_workflow_action_data",
            "wagtailadmin_pages:workflow_preview",
            "wagtailadmin_pages:revisions_unschedule",
            "wagtailadmin_pages:set_privacy",
        ],
        fill=page_kwargs,
        objects=BOTH,
    ),
    rule(
        "unpublish: coordinators, and only what is live",
        admin(gt=ADMIN_HOME, hn=ADMIN_HOME, coordinator=(OK, ADMIN_HOME)),
        names=["wagtailadmin_pages:unpublish"],
        fill=page_kwargs,
        objects=BOTH,
    ),
    rule(
        "adding under a practice: nobody (a practice has no subpage types)",
        NOBODY_BUT_SUPERUSERS,
        names=["wagtailadmin_pages:add", "wagtailadmin_pages:preview_on_add", "wagtailadmin_pages:add_subpage"],
        fill=page_kwargs,
        objects=BOTH,
    ),
    rule(
        "explorer and page chooser below a page: any admin user, but not below another government's draft",
        admin(gt=OK, hn=(OK, ADMIN_HOME), coordinator=OK),
        names=["wagtailadmin_explore", "wagtailadmin_explore_results", "wagtailadmin_choose_page_child"],
        fill=page_kwargs,
        objects=BOTH,
    ),
    rule(
        "move confirmation: only who may move the page",
        admin(gt=(ADMIN_HOME, OK), hn=ADMIN_HOME, coordinator=OK),
        names=["wagtailadmin_pages:move_confirm"],
        fill=page_kwargs,
        objects=BOTH,
    ),
    rule(
        "workflow cancellation check: a JSON step without page data, for any admin user",
        ANY_ADMIN_USER,
        names=["wagtailadmin_pages:confirm_workflow_cancellation"],
        fill=page_kwargs,
        objects=BOTH,
    ),
    rule(
        "page actions that are POST only (lock, unlock, position, editing sessions, API actions, "
        "workflow enable/remove, multiple-upload steps)",
        GET_NOT_ALLOWED,
        names=[
            "wagtailadmin_pages:lock",
            "wagtailadmin_pages:unlock",
            "wagtailadmin_pages:set_page_position",
            "wagtailadmin_api:pages:action",
            "wagtailadmin_editing_sessions:ping",
            "wagtailadmin_editing_sessions:release",
            "wagtailadmin_workflows:enable",
            "wagtailadmin_workflows:remove",
            "wagtailadmin_workflows:enable_task",
            "wagtaildocs:edit_multiple",
            "wagtaildocs:create_multiple_from_uploaded_document",
            "wagtaildocs:delete_multiple",
            "wagtaildocs:delete_upload_multiple",
            "wagtailimages:edit_multiple",
            "wagtailimages:create_multiple_from_uploaded_image",
            "wagtailimages:delete_multiple",
            "wagtailimages:delete_upload_multiple",
        ],
        fill=lambda world, state, key: {
            **page_kwargs(world, PUBLISHED),
            "action_name": "copy",
            "page_pk": world.practice[PUBLISHED].pk,
            "workflow_pk": world.workflow.pk,
            "pk": world.workflow.pk,
            "doc_id": world.document.pk,
            "image_id": world.image.pk,
            "uploaded_file_id": 999999,
        },
    ),
    rule(
        "admin API page detail: who may explore the page (another government's answers 404)",
        admin(gt=OK, hn=NOT_FOUND, coordinator=OK),
        names=["wagtailadmin_api:pages:detail"],
        fill=page_kwargs,
        objects=BOTH,
    ),
    rule(
        "admin views that answer 404 for these objects (not an alias; no such tag model, task type, "
        "settings, block or image URL generator; API find without a query)",
        admin(gt=NOT_FOUND, hn=NOT_FOUND, coordinator=NOT_FOUND),
        names=[
            "wagtailadmin_pages:convert_alias",
            "wagtailadmin_api:pages:find",
            "wagtailadmin_api:images:find",
            "wagtailadmin_tag_model_autocomplete",
            "wagtailadmin_workflows:add_task",
            "wagtailadmin_block_preview",
            "wagtailsettings:edit",
            "wagtailsettings:preview_on_edit",
            "wagtailimages:url_generator",
            "wagtailimages:url_generator_output",
            "wagtailadmin_collections:delete",
        ],
        fill=lambda world, state, key: {
            **page_kwargs(world, PUBLISHED),
            "app_name": "site",
            "model_name": "page",
            "app_label": "wagtailcore",
            "image_id": world.image.pk,
            "pk": world.collection.pk,
        },
    ),
    rule(
        "bulk actions (the confirmation of deleting a practice): any admin user (Wagtail lists what they may not "
        "delete, the POST checks each page), but not with another government's draft",
        admin(gt=OK, hn=(OK, ADMIN_HOME), coordinator=OK),
        names=["wagtail_bulk_action"],
        fill=fixed(app_label="wagtailcore", model_name="page", action="delete"),
        objects=BOTH,
        query=lambda world, state: f"?id={world.practice[state].pk}",
    ),
    # --- Wagtail admin: everything else ---------------------------------------------------------------
    rule(
        "admin pages every admin user may open (dashboard, explorer root, search, choosers, reports "
        "that Wagtail filters by permission, account)",
        ANY_ADMIN_USER,
        names=[
            "wagtailadmin_home",
            "wagtailadmin_explore_root",
            "wagtailadmin_pages:search",
            "wagtailadmin_pages:search_results",
            "wagtailadmin_pages:type_use",
            "wagtailadmin_pages:type_use_results",
            "wagtailadmin_choose_page",
            "wagtailadmin_choose_page_search",
            "wagtailadmin_choose_page_chosen_multiple",
            "wagtailadmin_choose_page_external_link",
            "wagtailadmin_choose_page_email_link",
            "wagtailadmin_choose_page_phone_link",
            "wagtailadmin_choose_page_anchor_link",
            "wagtailadmin_tag_autocomplete",
            "wagtailadmin_api:pages:listing",
            "wagtailadmin_api:images:listing",
            "wagtailadmin_reports:workflow",
            "wagtailadmin_reports:workflow_results",
            "wagtailadmin_reports:workflow_tasks",
            "wagtailadmin_reports:workflow_tasks_results",
            "wagtailadmin_reports:site_history",
            "wagtailadmin_reports:site_history_results",
            "wagtailadmin_reports:aging_pages",
            "wagtailadmin_reports:aging_pages_results",
            "wagtailadmin_account",
            "wagtailadmin_dismissibles",
            "wagtailembeds:chooser",
            "wagtailembeds:chooser_upload",
            "wagtaildocs:index",
            "wagtaildocs:index_results",
            "wagtaildocs:add",
            "wagtaildocs:add_multiple",
            "wagtailimages:index",
            "wagtailimages:index_results",
            "wagtailimages:add",
            "wagtailimages:add_multiple",
            "wagtaildocs_chooser:choose",
            "wagtaildocs_chooser:choose_results",
            "wagtaildocs_chooser:chosen_multiple",
            "wagtaildocs_chooser:create",
            "wagtailimages_chooser:choose",
            "wagtailimages_chooser:choose_results",
            "wagtailimages_chooser:chosen_multiple",
            "wagtailimages_chooser:create",
            "wagtailadmin_workflows:task_chooser",
            "wagtailadmin_workflows:task_chooser_results",
            "wagtailadmin_workflows:task_chooser_create",
            "wagtailadmin_workflows:task_chosen",
            "wagtailsnippetchoosers_site_targetpopulation:choose",
            "wagtailsnippetchoosers_site_targetpopulation:choose_results",
            "wagtailsnippetchoosers_site_targetpopulation:chosen",
            "wagtailsnippetchoosers_site_targetpopulation:chosen_multiple",
        ],
        fill=admin_object_pks,
    ),
    rule(
        "creating a practice: a focal point goes straight to their government's page; coordinators choose",
        admin(gt=REDIRECT, hn=REDIRECT, coordinator=OK),
        names=["wagtailadmin_pages:choose_parent"],
        fill=admin_object_pks,
        redirects_to="/admin/pages/add/site/bestpracticepage/",
    ),
    rule(
        "page types report (it names the last edited page of each type): those who may publish",
        COORDINATORS_ONLY,
        names=["wagtailadmin_reports:page_types_usage", "wagtailadmin_reports:page_types_usage_results"],
    ),
    rule(
        "admin API document listing (every document's title and file): those who may publish",
        COORDINATORS_ONLY,
        names=["wagtailadmin_api:documents:listing"],
    ),
    rule(
        "admin API document find: those who may publish (404 for them without a query)",
        admin(gt=ADMIN_HOME, hn=ADMIN_HOME, coordinator=NOT_FOUND),
        names=["wagtailadmin_api:documents:find"],
    ),
    rule(
        "admin API image detail: any admin user",
        ANY_ADMIN_USER,
        names=["wagtailadmin_api:images:detail"],
        fill=lambda world, state, key: {"pk": world.image.pk},
    ),
    rule(
        "admin API document detail (a draft's attachment): who may download it",
        admin(gt=OK, hn=NOT_FOUND, coordinator=OK),
        names=["wagtailadmin_api:documents:detail"],
        fill=lambda world, state, key: {"pk": world.document.pk},
    ),
    rule(
        "documents and images of Guatemala's collection: its focal points and coordinators",
        OWN_GOVERNMENT_FILES,
        names=[
            "wagtaildocs:edit",
            "wagtaildocs:delete",
            "wagtaildocs:document_usage",
            "wagtaildocs_chooser:chosen",
        ],
        fill=in_collection,
    ),
    rule(
        "images of Guatemala's collection: its focal points and coordinators",
        OWN_GOVERNMENT_FILES,
        names=[
            "wagtailimages:edit",
            "wagtailimages:delete",
            "wagtailimages:preview",
            "wagtailimages:image_usage",
            "wagtailimages_chooser:chosen",
            "wagtailimages_chooser:select_format",
        ],
        fill=lambda world, state, key: {**in_collection(world, state), "pk": world.image.pk},
    ),
    rule(
        "coordinators' admin: members (edit, deactivate), focal-point designations, target populations, "
        "locked pages report, moderation queue (hide/restore forms)",
        COORDINATORS_ONLY,
        names=[
            "wagtailadmin_reports:locked_pages",
            "wagtailadmin_reports:locked_pages_results",
            "wagtailsnippetchoosers_site_targetpopulation:create",
            "discussion_moderation:index",
            "discussion_moderation:index_results",
            "discussion_moderation:hide",
            "discussion_moderation:restore",
            "agenda_proposals:index",
            "agenda_proposals:index_results",
            "agenda_proposals:decide",
            "wagtailusers_users:index",
            "wagtailusers_users:index_results",
            "wagtailusers_users:edit",
            "wagtailusers_users:history",
            "wagtailusers_users:history_results",
            "wagtailusers_users:usage",
            "wagtailusers_users:deactivate",
            "wagtailusers_users:reactivate",
            "wagtailusers_users:reset_mfa",
        ],
        namespaces=["wagtailsnippets_site_targetpopulation", "focal_point_designations"],
        fill=admin_object_pks,
    ),
    rule(
        "superusers only: sites, locales, users, groups, collections, workflows, redirects, snippets index; "
        "nobody adds, edits or deletes comments in the queue",
        NOBODY_BUT_SUPERUSERS,
        names=[
            "wagtailadmin_collections:index",
            "wagtailadmin_collections:add",
            "wagtailadmin_collections:edit",
            "wagtailadmin_collections:set_privacy",
            "wagtailsnippets:index",
            "discussion_moderation:add",
            "discussion_moderation:edit",
            "discussion_moderation:delete",
            "discussion_moderation:history",
            "discussion_moderation:history_results",
            "discussion_moderation:usage",
            "agenda_proposals:add",
            "agenda_proposals:edit",
            "agenda_proposals:delete",
            "agenda_proposals:history",
            "agenda_proposals:history_results",
            "agenda_proposals:usage",
            "wagtailadmin_workflows:index",
            "wagtailadmin_workflows:index_results",
            "wagtailadmin_workflows:add",
            "wagtailadmin_workflows:disable",
            "wagtailadmin_workflows:edit",
            "wagtailadmin_workflows:usage",
            "wagtailadmin_workflows:usage_results",
            "wagtailadmin_workflows:select_task_type",
            "wagtailadmin_workflows:task_index",
            "wagtailadmin_workflows:task_index_results",
            "wagtailadmin_workflows:edit_task",
            "wagtailadmin_workflows:disable_task",
            # Members join by invitation: nobody adds, copies or deletes a user in the admin.
            "wagtailusers_users:add",
            "wagtailusers_users:delete",
            "wagtailusers_users:copy",
        ],
        namespaces=["wagtailsites", "wagtaillocales", "wagtailusers_groups", "wagtailredirects"],
        fill=admin_object_pks,
    ),
    rule(
        "Wagtail's 404 page preview: any admin user",
        ANY_ADMIN_USER,
        names=["admin/test404/"],
        url=lambda world, state: "/admin/test404/",
    ),
    rule(
        "admin assets (icons sprite, JavaScript translations): open to everyone",
        each(OK),
        names=["wagtailadmin_sprite", "wagtailadmin_javascript_catalog"],
    ),
    rule(
        "Wagtail's deliberate error page (failwhale): a 500 for admin users",
        admin(gt="500", hn="500", coordinator="500"),
        names=["wagtailadmin_error_test"],
    ),
    rule(
        "any other /admin/ URL: sign in first (through /admin/login/), then 404",
        admin(gt=NOT_FOUND, hn=NOT_FOUND, coordinator=NOT_FOUND) | {"anonymous": REDIRECT, "participant": REDIRECT},
        names=["admin/^.*/$"],
        url=lambda world, state: "/admin/no-such-admin-view/",
        redirects_to="/admin/login/",
    ),
]


# --- Walking the resolver ----------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str
    route: str
    pattern: URLPattern
    kwarg_names: tuple

    @property
    def namespace(self):
        return self.key.rsplit(":", 1)[0] if ":" in self.key else ""


def walk(patterns, prefix="", namespace="", kwarg_names=()):
    for entry in patterns:
        names = kwarg_names + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner, names)
        else:
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or route
            yield Pattern(name, route, entry, names)


def all_patterns():
    return list(walk(get_resolver().url_patterns))


def rules_for(pattern):
    return [
        candidate for candidate in RULES if pattern.key in candidate.names or pattern.namespace in candidate.namespaces
    ]


def test_every_url_pattern_has_exactly_one_rule():
    problems = []
    for pattern in all_patterns():
        matching = rules_for(pattern)
        if len(matching) != 1:
            kinds = [candidate.kind for candidate in matching] or "no rule"
            problems.append(f"{pattern.key} ({pattern.route}): {kinds}")
    assert not problems, "every URL pattern needs exactly one row in RULES:\n" + "\n".join(problems)


def test_every_name_in_the_table_is_a_real_pattern():
    """A row left behind by a removed URL would test nothing."""
    patterns = all_patterns()
    keys = {pattern.key for pattern in patterns}
    namespaces = {pattern.namespace for pattern in patterns}
    stale = [
        (candidate.kind, sorted(candidate.names - keys), sorted(candidate.namespaces - namespaces))
        for candidate in RULES
        if candidate.names - keys or candidate.namespaces - namespaces
    ]
    assert not stale, stale


def url_for(pattern, rule_, world, state):
    if rule_.url is not None and (custom := rule_.url(world, state)) is not None:
        path = custom
    else:
        kwargs = rule_.fill(world, state, pattern.key) if rule_.fill else {}
        missing = [name for name in pattern.kwarg_names if name not in kwargs]
        assert not missing, f"{pattern.key} ({pattern.route}): the rule cannot fill {missing}"
        path = reverse(pattern.key, kwargs={name: kwargs[name] for name in pattern.kwarg_names})
    query = rule_.query(world, state) if callable(rule_.query) else rule_.query
    return path + query


def client_for(world, role):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world.members[role])
    return client


def expected_for(expect, role, index):
    value = expect[role]
    return value[index] if isinstance(value, tuple) else value


def body_of(response):
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode(errors="replace")


def check(response, want, rule_, where, role, world):
    got = outcome(response)
    if got != want:
        return f"{where}: {got}, expected {want} ({response.get('Location', '')})"
    if got == REDIRECT and rule_.redirects_to and rule_.redirects_to not in response["Location"]:
        return f"{where}: redirects to {response['Location']}, expected {rule_.redirects_to}"
    if got == OK and role in STRANGERS_TO_THE_DRAFT and DRAFT_TITLE in body_of(response):
        return f"{where}: shows the Guatemalan draft's title to {role}"
    return None


DRAFT_TITLE = "Borrador confidencial de Guatemala"
STRANGERS_TO_THE_DRAFT = ("anonymous", "participant", "focal point HN")


def cells():
    for candidate in RULES:
        for role in ROLES:
            marks = []
            if role in candidate.known_holes:
                marks = [pytest.mark.xfail(strict=True, reason=candidate.known_holes[role])]
            yield pytest.param(candidate, role, marks=marks, id=f"{candidate.kind[:70]} · {role}")


@pytest.mark.parametrize(("rule_", "role"), list(cells()))
def test_matrix(world, db, rule_, role):
    """Each pattern of the rule, for the published and the draft object: GET (then POST) → outcome.

    On top of the status, every page answered to someone who may not see the Guatemalan draft
    is searched for the draft's title.
    """
    if rule_.only_anonymous and role != "anonymous":
        pytest.skip(rule_.only_anonymous)
    client = client_for(world, role)
    patterns = [pattern for pattern in all_patterns() if rules_for(pattern) == [rule_]]
    assert patterns, rule_.kind
    failures = []
    for pattern in patterns:
        for index, state in enumerate(rule_.objects):
            url = url_for(pattern, rule_, world, state)
            where = f"{pattern.key} [{state or '-'}] GET {url}"
            failures.append(check(client.get(url), expected_for(rule_.expect, role, index), rule_, where, role, world))
            if rule_.post is not None:
                response = client.post(url, rule_.post, HTTP_ACCEPT="application/json")
                want = expected_for(rule_.post_expect, role, index)
                failures.append(check(response, want, rule_, f"{pattern.key} [{state}] POST {url}", role, world))
    failures = [failure for failure in failures if failure]
    assert not failures, "\n".join(failures)


def test_wagtails_front_end_sign_in_form_cannot_bypass_allauth(world, db):
    """Django's LoginView under /<lang>/_util/login/ would sign a coordinator in with a password alone."""
    client = Client()
    coordinator = world.members["coordinator"]
    for language in ("es", "en", "fr"):
        response = client.post(f"/{language}/_util/login/", {"username": coordinator.email, "password": PASSWORD})
        assert outcome(response) == SIGN_IN
        assert "_auth_user_id" not in client.session


def test_wagtails_sign_out_and_password_reset_go_through_allauth(world, db):
    client = client_for(world, "focal point GT")
    assert client.get("/admin/logout/").status_code == 200
    assert client.get("/admin/").status_code == 200, "a GET must not sign the member out"
    response = client.post("/admin/password_reset/", {"email": world.members["focal point GT"].email})
    assert response["Location"] == "/accounts/password/reset/"
    assert client.post("/admin/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


# --- Websocket routes ------------------------------------------------------------------------------

ACCEPTED = "accepted"
WS_ORIGIN = (b"origin", b"http://testserver")


@dataclass(frozen=True)
class SocketRule:
    kind: str
    routes: frozenset
    expect: dict
    objects: tuple = (None,)
    path: object = None


WS_RULES = [
    SocketRule(
        "the member's own push channel (notification count)",
        frozenset({"ws/me/"}),
        each(ACCEPTED, anonymous=4401),
        path=lambda world, state: "/ws/me/",
    ),
    SocketRule(
        "a page's one socket (its discussions and other streams): like the page; a draft is 4403 to strangers",
        frozenset({"ws/pages/<int:page_id>/"}),
        members(participant=(ACCEPTED, 4403), gt=ACCEPTED, hn=(ACCEPTED, 4403), coordinator=ACCEPTED)
        | {"anonymous": 4401},
        objects=BOTH,
        path=lambda world, state: f"/ws/pages/{world.practice[state].pk}/",
    ),
]


def socket_routes():
    from workspace.routing import websocket_urlpatterns

    return [str(pattern.pattern) for pattern in websocket_urlpatterns]


def test_every_websocket_route_has_exactly_one_rule():
    problems = [route for route in socket_routes() if len([rule_ for rule_ in WS_RULES if route in rule_.routes]) != 1]
    assert not problems, f"every websocket route needs exactly one row in WS_RULES: {problems}"
    assert {route for rule_ in WS_RULES for route in rule_.routes} <= set(socket_routes())


@pytest.fixture
def sockets_in_this_transaction(monkeypatch):
    """Consumers run their database calls on this thread (async_to_sync), inside the module's
    transaction; Channels' closing of "old" connections around them would close the test's own."""
    import channels.db

    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)


def session_cookie(world, role):
    if role == "anonymous":
        return None
    client = Client()
    client.force_login(world.members[role])
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def socket_outcome(path, cookie):
    from workspace.asgi import application

    async def scenario():
        headers = [WS_ORIGIN] + ([(b"cookie", cookie)] if cookie else [])
        communicator = WebsocketCommunicator(application, path, headers=headers)
        connected, code = await communicator.connect(timeout=3)
        if connected:
            # A refusal is accepted and then closed with its code (so the browser can read it).
            output = await communicator.receive_output(timeout=3)
            code = output["code"] if output["type"] == "websocket.close" else None
        await communicator.disconnect()
        return ACCEPTED if code is None else code

    return async_to_sync(scenario)()


WS_CELLS = [(rule_, role) for rule_ in WS_RULES for role in ROLES]


@pytest.mark.parametrize(("rule_", "role"), WS_CELLS, ids=[f"{r.kind[:60]} · {role}" for r, role in WS_CELLS])
def test_websocket_matrix(world, db, sockets_in_this_transaction, rule_, role):
    cookie = session_cookie(world, role)
    failures = []
    for index, state in enumerate(rule_.objects):
        path = rule_.path(world, state)
        want = expected_for(rule_.expect, role, index)
        got = socket_outcome(path, cookie)
        if got != want:
            failures.append(f"{path}: {got}, expected {want}")
    assert not failures, failures


def test_the_reports_menu_offers_the_page_types_report_to_publishers_only(world, db):
    link = reverse("wagtailadmin_reports:page_types_usage")
    assert link not in client_for(world, "focal point GT").get("/admin/").content.decode()
    assert link in client_for(world, "coordinator").get("/admin/").content.decode()


# --- Cache-aware rows: what one member's request put in the cache never reaches another ------

CACHE_WARMERS = ("focal point GT", "coordinator")


def cached_page_urls(world):
    """The front-end pages whose parts come from the cache (docs/architecture.md, "Caching")."""
    from tests.site.test_practice_support import library_url
    from workspace.site.models import PillarPage

    return [
        "/es/",
        world.practice[PUBLISHED].url,
        library_url(),
        library_url(q="Borrador confidencial"),
        library_url(government=["GT"]),
        government_page("GT").url,
        world.plan[PUBLISHED].url,
        f"/work-plans/{world.plan[PUBLISHED].pk}/activities/{MATRIX_ACTIVITY}/history/",
        "/es/workplans/",
        world.meeting[PUBLISHED].url,
        "/es/meetings/",
        *(pillar.url for pillar in PillarPage.objects.live().filter(locale__language_code="es")),
    ]


def test_cached_pages_never_carry_the_draft_to_strangers(world, db, rf):
    """Guatemala's focal point and a coordinator read every cached page first (and the focal point
    previews a pending amendment titled like the draft): then nobody who may not see the draft
    finds its title on any of them, and the warmers' own pages stay as they were."""
    page = world.practice[PUBLISHED].specific
    page.title = DRAFT_TITLE
    revision = page.save_revision(user=world.members["focal point GT"])
    request = rf.get(page.url)
    request.user = world.members["focal point GT"]
    assert DRAFT_TITLE in revision.as_object().make_preview_request(original_request=request).content.decode()

    urls = cached_page_urls(world)
    for role in CACHE_WARMERS:
        client = client_for(world, role)
        for url in urls:
            assert client.get(url).status_code == 200, (role, url)
    failures = []
    for role in STRANGERS_TO_THE_DRAFT:
        client = client_for(world, role)
        for url in urls:
            response = client.get(url)
            if response.status_code == 200 and DRAFT_TITLE in body_of(response):
                failures.append(f"{url}: shows the Guatemalan draft's title to {role} after a warm cache")
    assert not failures, "\n".join(failures)
