"""CSRF on every state-changing endpoint, and no GET that changes state.

Every URL pattern of the resolver (the same walk and kwargs as the permission matrix) refuses a
POST without the CSRF token with 403, signed in or not; the site's own POST endpoints then
accept the same POST with the token (so the 403 was the token, not the permission), and none of
them changes anything when answered a GET. Finally every URL of the matrix is requested with GET
as a coordinator and as a focal point, and the database is the same afterwards.
"""

import hashlib

import pytest
from django.test import Client

from tests import test_permission_matrix as matrix
from tests.test_permission_matrix import PUBLISHED, all_patterns, rules_for, url_for

# The matrix's data (a published and a draft Guatemalan practice and what hangs off them), built
# once for this module too.
world = matrix.world
clear_cache = matrix.clear_cache

# The site's state-changing endpoints, with a POST that does something for the member who sends it.
SITE_POSTS = {
    "discussions:post": ("focal point GT", {"body": "Un comentario nuevo."}),
    "discussions:edit": ("focal point GT", {"body": "Texto editado."}),
    "discussions:delete": ("focal point GT", {}),
    "discussions:flag": ("participant", {"reason": "spam"}),
    "discussions:hide": ("coordinator", {"reason": "Fuera de tema."}),
    "discussions:restore": ("coordinator", {"reason": ""}),
    "discussions:lock": ("coordinator", {"reason": ""}),
    "discussions:unlock": ("coordinator", {"reason": ""}),
    "discussions:follow": ("participant", {}),
    "discussions:unfollow": ("participant", {}),
    "notifications:read_all": ("focal point GT", {}),
    "notifications:preferences": ("focal point GT", {"email_mentions": "", "daily_digest": ""}),
    "notifications:open": ("focal point GT", {}),
    "notifications:read": ("focal point GT", {}),
    "accounts:invitations": ("coordinator", {"email": "nueva@example.org", "role": "participant", "language": "es"}),
    "accounts:resend_invitation": ("coordinator", {}),
    "accounts:revoke_invitation": ("coordinator", {}),
    "set_language": ("participant", {"language": "fr", "next": "/fr/"}),
    "account_logout": ("participant", {}),
    "account_change_password": ("participant", {"oldpassword": "x", "password1": "y", "password2": "y"}),
    "account_email": ("participant", {"action_add": "", "email": "otra@example.org"}),
    "usersessions_list": ("participant", {}),
    "meetings:rsvp": ("focal point GT", {"answer": "attending"}),
    "meetings:subscription": ("focal point GT", {"action": "issue"}),
    "workplans:progress": (
        "focal point GT",
        {"activity": matrix.MATRIX_ACTIVITY, "status": "in_progress", "percent_complete": "20"},
    ),
    "account_profile": ("participant", {"first_name": "Diego", "language": "es", "time_zone": ""}),
}
# Site endpoints that change nothing on a GET by construction (POST only), checked below.
SITE_NAMESPACES = ("discussions", "accounts", "meetings", "workplans")


def signed_in(world, role, **options):
    client = Client(**options)
    if role != "anonymous":
        client.force_login(world.members[role])
    return client


def first_url(pattern, world):
    rule_ = rules_for(pattern)[0]
    return url_for(pattern, rule_, world, rule_.objects[0] or PUBLISHED)


def is_csrf_refusal(response):
    return response.status_code == 403 and b"CSRF" in response.content


# wagtail-localize's editing endpoints are Django REST framework views too (see below).
LOCALIZE_API = {
    "wagtail_localize:edit_string_translation",
    "wagtail_localize:edit_override",
    "wagtail_localize:snippets_api_listing",
    "wagtail_localize:snippets_api_detail",
}


@pytest.mark.parametrize("role", ["anonymous", "focal point GT", "coordinator"])
def test_every_url_refuses_a_post_without_the_csrf_token(world, db, role):
    client = signed_in(world, role, enforce_csrf_checks=True)
    accepted = []
    for pattern in all_patterns():
        url = first_url(pattern, world)
        response = client.post(url, {"body": "x", "reason": "spam", "language": "fr"})
        if (pattern.namespace.startswith("wagtailadmin_api") or pattern.key in LOCALIZE_API) and not is_csrf_refusal(
            response
        ):
            # Wagtail's admin API is Django REST framework: csrf_exempt for Django, with DRF's own
            # check for signed-in members; before it, anonymous visitors are sent to sign in and
            # the document listing is refused to members who may not publish.
            assert response.status_code == 302
            assert response["Location"].split("?")[0] in ("/accounts/login/", "/admin/"), response["Location"]
            continue
        if not is_csrf_refusal(response):
            accepted.append(f"{pattern.key} POST {url}: {response.status_code}")
    assert not accepted, "\n".join(accepted)


def site_post_patterns():
    return [pattern for pattern in all_patterns() if pattern.key in SITE_POSTS]


def test_every_site_post_endpoint_is_listed():
    """A new POST endpoint of discussions or accounts needs a row in SITE_POSTS (or is a GET view)."""
    get_views = {"discussions:comments", "discussions:events", "discussions:older", "discussions:page_thread"}
    get_views |= {"discussions:part_panel", "discussions:comment_form", "discussions:moderation_form"}
    get_views |= {"discussions:mention_candidates", "notifications:list", "accounts:accept_invitation"}
    # The roster's POST (attendance) is only accepted once the meeting has started: tests/meetings.
    get_views |= {"meetings:ics", "meetings:roster", "meetings:roster_csv", "meetings:feed"}
    get_views |= {"workplans:export_plan", "workplans:export_dashboard", "workplans:activity_history"}
    get_views |= {"meetings:outcomes"}
    # Accepted only in a meeting's phase (proposals before it starts, corrections while the minutes
    # circulate): their POSTs are tested there (tests/meetings/test_proposals.py, test_corrections.py);
    # the CSRF refusal and the harmless GET are covered for every URL above and below.
    get_views |= {"meetings:propose", "meetings:decide_proposal", "meetings:correct", "meetings:decide_correction"}
    site = {pattern.key for pattern in all_patterns() if pattern.namespace in SITE_NAMESPACES}
    assert site - get_views <= set(SITE_POSTS), sorted(site - get_views - set(SITE_POSTS))
    assert set(SITE_POSTS) <= {pattern.key for pattern in all_patterns()}


def database_state():
    """A fingerprint, model by model, of every row a GET could change: pages, revisions, workflows,
    discussions, members, groups, invitations, documents, audit logs.

    Left out: sessions (and allauth's last-seen time), and what Wagtail's admin writes on a GET as
    a cache or a default: editing-session presence, image renditions, a document's or image's
    file size and hash (computed on first display, which reindexes the document: the search
    index is derived data), the editor's comment-notification subscription row (created,
    switched off, when the edit view opens).
    """
    from django.apps import apps

    skipped = {
        "sessions.session",
        "usersessions.usersession",
        "wagtailadmin.editingsession",
        "wagtailimages.rendition",
        "wagtailcore.pagesubscription",
        "wagtailsearch.indexentry",
    }
    cached_columns = {"file_size", "file_hash"}
    state = {}
    for model in apps.get_models():
        if model._meta.label_lower in skipped or not model._meta.managed:
            continue
        columns = [field.attname for field in model._meta.concrete_fields if field.attname not in cached_columns]
        rows = model._base_manager.order_by("pk").values_list(*columns)
        state[model._meta.label_lower] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return state


def changed_models(before, after):
    return sorted(label for label in after if before.get(label) != after[label])


@pytest.mark.parametrize("name", sorted(SITE_POSTS))
def test_a_site_post_needs_the_token_and_works_with_it(world, db, name):
    role, data = SITE_POSTS[name]
    client = signed_in(world, role, enforce_csrf_checks=True)
    (pattern,) = [pattern for pattern in all_patterns() if pattern.key == name]
    url = first_url(pattern, world)
    before = database_state()

    response = client.post(url, data)
    assert is_csrf_refusal(response)
    assert changed_models(before, database_state()) == []
    assert "_auth_user_id" in client.session

    client.get("/accounts/login/")  # sets the csrftoken cookie
    response = client.post(url, data, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert not is_csrf_refusal(response), response.status_code
    assert response.status_code < 400, response.status_code


@pytest.mark.parametrize("name", sorted(SITE_POSTS))
def test_a_get_to_a_site_post_endpoint_changes_nothing(world, db, name):
    role, _ = SITE_POSTS[name]
    client = signed_in(world, role)
    (pattern,) = [pattern for pattern in all_patterns() if pattern.key == name]
    before = database_state()
    response = client.get(first_url(pattern, world))
    assert response.status_code in (200, 302, 405)
    assert changed_models(before, database_state()) == []
    assert "_auth_user_id" in client.session, "a GET signed the member out"


def matrix_urls(world):
    for pattern in all_patterns():
        (rule_,) = rules_for(pattern)
        for state in rule_.objects:
            yield pattern, url_for(pattern, rule_, world, state)


def test_no_get_in_the_matrix_changes_the_database(world, db):
    """Every URL of every rule, published and draft (confirm pages of delete, unpublish, approve,
    revert, the sign-out page…), as a coordinator, who may act on all of them. The database is compared once
    after all of them; only when it changed is it compared after each, to name the culprits."""
    client = signed_in(world, "coordinator", raise_request_exception=False)
    before = database_state()
    for _, url in matrix_urls(world):
        client.get(url)
    assert "_auth_user_id" in client.session, "a GET signed the member out"
    after = database_state()
    if after == before:
        return
    changed = [f"models changed: {changed_models(before, after)}"]
    for pattern, url in matrix_urls(world):
        before = database_state()
        client.get(url)
        if models := changed_models(before, database_state()):
            changed.append(f"{pattern.key} GET {url}: {models}")
    pytest.fail("\n".join(changed))
