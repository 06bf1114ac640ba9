"""Who may do what with a best practice, in the Wagtail admin: role × action × own/other government.

Page permissions come from setup_workspace (focal points: add/change on their GovernmentPage;
coordinators: add/change/publish/lock on the root) and are enforced by Wagtail's own views;
these tests drive the admin URLs themselves, not only the edit form.
"""

import pytest
from django.core import mail
from wagtail.models import Page, Workflow, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.factories import government_page, make_member
from tests.site.test_practice_support import make_practice
from workspace.site.demo import approve, submit_for_review
from workspace.site.models import BestPracticePage

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "focal point (own government)", "focal point (other government)", "participant")


def member_for(role):
    if role == "coordinator":
        return make_member("coordinator")
    if role == "focal point (own government)":
        return make_member("focal_point", government_code="GT")
    if role == "focal point (other government)":
        return make_member("focal_point", government_code="HN")
    return make_member("participant")


def practice_form(**overrides):
    data = nested_form_data(
        {
            "title": "Protocolo de atención a la niñez migrante no acompañada",
            "slug": "protocolo-ninez-no-acompanada",
            "summary": "Ruta de atención para niñas, niños y adolescentes no acompañados en la frontera.",
            "instrument_type": "protocol",
            "start_year": "2019",
            "end_year": "",
            "partners": "Secretaría de Bienestar Social\nProcuraduría General de la Nación",
            "contact": "",
            "tags": "niñez migrante, protección",
            "body": streamfield([]),
            "key_figures": streamfield([]),
            "results": rich_text("<p>Atención en menos de 24 horas.</p>"),
            "attachments": inline_formset([]),
            "related_links": inline_formset([]),
            "comments": inline_formset([]),
            "seo_title": "",
            "search_description": "",
        }
    )
    data["pillars"] = ["1", "3"]
    data["target_populations"] = []
    data.update(overrides)
    return data


@pytest.fixture
def gt_draft():
    """A Guatemalan practice never approved, with two revisions (by another GT focal point)."""
    author = make_member("focal_point", government_code="GT")
    page = make_practice("GT", author=author, live=False, title="Borrador confidencial de Guatemala")
    page.summary = "Segunda versión del borrador."
    page.save_revision(user=author)
    return page


@pytest.fixture
def gt_live():
    author = make_member("focal_point", government_code="GT")
    return make_practice("GT", author=author, title="Práctica publicada de Guatemala")


def is_denied(response):
    """Wagtail answers a forbidden admin action with 403, or a redirect to the admin home / sign-in."""
    if response.status_code == 403:
        return True
    if response.status_code == 302:
        location = response["Location"]
        return location.rstrip("/").endswith("/admin") or "/accounts/login/" in location
    return False


# --- The table: (action, applies to) → roles allowed ---------------------------------------

ALLOWED = {
    "add form": {"coordinator", "focal point (own government)"},
    "create": {"coordinator", "focal point (own government)"},
    "edit form": {"coordinator", "focal point (own government)"},
    "save draft": {"coordinator", "focal point (own government)"},
    "preview": {"coordinator", "focal point (own government)"},
    "compare revisions": {"coordinator", "focal point (own government)"},
    "view a revision": {"coordinator", "focal point (own government)"},
    "history": {"coordinator", "focal point (own government)"},
    "view draft": {"coordinator", "focal point (own government)"},
    "delete form": {"coordinator", "focal point (own government)"},
    "move": {"coordinator", "focal point (own government)"},
    "copy": {"coordinator", "focal point (own government)"},
    "submit for review": {"coordinator", "focal point (own government)"},
    "publish": {"coordinator"},
    "lock": {"coordinator"},
    "unpublish a live practice": {"coordinator"},
    "delete a live practice": {"coordinator"},
}


def run(action, client, draft, live):
    """Perform the action; return (response, whether it took effect)."""
    gt = government_page("GT")
    edit_url = f"/admin/pages/{draft.pk}/edit/"
    if action == "add form":
        response = client.get(f"/admin/pages/add/site/bestpracticepage/{gt.pk}/")
        return response, response.status_code == 200
    if action == "create":
        before = BestPracticePage.objects.count()
        response = client.post(f"/admin/pages/add/site/bestpracticepage/{gt.pk}/", practice_form())
        return response, BestPracticePage.objects.count() == before + 1
    if action == "edit form":
        response = client.get(edit_url)
        return response, response.status_code == 200
    if action == "save draft":
        response = client.post(edit_url, practice_form(title="Título cambiado", slug=draft.slug))
        draft.refresh_from_db()
        return response, draft.draft_title == "Título cambiado"
    if action == "preview":
        response = client.post(f"{edit_url}preview/", practice_form(slug=draft.slug))
        return response, response.status_code == 200 and response.json().get("is_valid") is True
    if action == "compare revisions":
        response = client.get(f"/admin/pages/{draft.pk}/revisions/compare/earliest...latest/")
        return response, response.status_code == 200
    if action == "view a revision":
        response = client.get(f"/admin/pages/{draft.pk}/revisions/{draft.latest_revision_id}/view/")
        return response, response.status_code == 200
    if action == "history":
        response = client.get(f"/admin/pages/{draft.pk}/history/")
        return response, response.status_code == 200
    if action == "view draft":
        response = client.get(f"/admin/pages/{draft.pk}/view_draft/")
        return response, response.status_code == 200
    if action == "delete form":
        response = client.get(f"/admin/pages/{draft.pk}/delete/")
        return response, response.status_code == 200
    if action == "move":
        response = client.get(f"/admin/pages/{draft.pk}/move/")
        return response, response.status_code == 200
    if action == "copy":
        response = client.get(f"/admin/pages/{draft.pk}/copy/")
        return response, response.status_code == 200
    if action == "submit for review":
        response = client.post(edit_url, practice_form(slug=draft.slug, **{"action-submit": "Submit"}))
        return response, WorkflowState.objects.filter(object_id=str(draft.pk), status="in_progress").exists()
    if action == "publish":
        response = client.post(edit_url, practice_form(slug=draft.slug, **{"action-publish": "Publish"}))
        draft.refresh_from_db()
        return response, draft.live
    if action == "lock":
        response = client.post(f"/admin/pages/{draft.pk}/lock/")
        draft.refresh_from_db()
        return response, draft.locked
    if action == "unpublish a live practice":
        response = client.post(f"/admin/pages/{live.pk}/unpublish/")
        live.refresh_from_db()
        return response, not live.live
    if action == "delete a live practice":
        response = client.post(f"/admin/pages/{live.pk}/delete/")
        return response, not Page.objects.filter(pk=live.pk).exists()
    raise AssertionError(action)


CASES = [(action, role, role in allowed) for action, allowed in ALLOWED.items() for role in ROLES]


@pytest.mark.parametrize(("action", "role", "allowed"), CASES, ids=[f"{a} · {r}" for a, r, _ in CASES])
def test_permission_table(action, role, allowed, client, gt_draft, gt_live):
    client.force_login(member_for(role))
    response, took_effect = run(action, client, gt_draft, gt_live)
    assert response.status_code != 500
    if allowed:
        assert took_effect, (response.status_code, response.get("Location"))
    else:
        assert not took_effect
        # Publishing without permission is silently a draft save in Wagtail; everything else is refused.
        if not (action == "publish" and role == "focal point (own government)"):
            assert is_denied(response), (response.status_code, response.get("Location"))


def test_a_focal_point_cannot_add_a_practice_under_another_government(client_for, focal_point_hn):
    client = client_for(focal_point_hn)
    before = BestPracticePage.objects.count()
    response = client.post(f"/admin/pages/add/site/bestpracticepage/{government_page('GT').pk}/", practice_form())
    assert is_denied(response)
    assert BestPracticePage.objects.count() == before


def test_practices_go_under_a_government_page_only(client_for, coordinator):
    client = client_for(coordinator)
    library = Page.objects.get(url_path="/home/practices/")
    response = client.get(f"/admin/pages/add/site/bestpracticepage/{library.pk}/")
    assert response.status_code in (302, 403)
    assert BestPracticePage.parent_page_types == ["site.GovernmentPage"]


def test_the_explorer_does_not_show_another_governments_practices(client_for, focal_point_hn, gt_draft):
    client = client_for(focal_point_hn)
    response = client.get(f"/admin/pages/{government_page('GT').pk}/")
    assert gt_draft.title not in response.content.decode()


def test_admin_search_does_not_show_another_governments_drafts(client_for, focal_point_hn, gt_draft):
    client = client_for(focal_point_hn)
    response = client.get("/admin/pages/search/", {"q": "Borrador confidencial"})
    assert response.status_code == 200
    assert f"/admin/pages/{gt_draft.pk}/" not in response.content.decode()
    response = client_for(make_member("focal_point", government_code="GT")).get(
        "/admin/pages/search/", {"q": "Borrador confidencial"}
    )
    assert f"/admin/pages/{gt_draft.pk}/" in response.content.decode()


def test_the_page_chooser_hides_another_governments_drafts(client_for, focal_point_hn, gt_draft, gt_live):
    client = client_for(focal_point_hn)
    response = client.get(f"/admin/choose-page/{government_page('GT').pk}/")
    body = response.content.decode()
    assert "Borrador confidencial" not in body
    response = client.get("/admin/choose-page/search/", {"q": "Borrador"})
    assert f'data-id="{gt_draft.pk}"' not in response.content.decode()
    assert "Borrador confidencial de Guatemala" not in response.content.decode()


def test_the_page_chooser_shows_own_drafts_to_their_government(client_for, focal_point_gt, gt_draft):
    client = client_for(focal_point_gt)
    response = client.get(f"/admin/choose-page/{government_page('GT').pk}/")
    assert "Borrador confidencial" in response.content.decode()


# --- The workflow: submit → approve (publishes) / request changes ----------------------------


def test_a_focal_point_submits_and_a_coordinator_approves(
    client_for, focal_point_gt, coordinator, gt_draft, django_capture_on_commit_callbacks
):
    client = client_for(focal_point_gt)
    with django_capture_on_commit_callbacks(execute=True):  # the notices' emails leave after the commit
        response = client.post(
            f"/admin/pages/{gt_draft.pk}/edit/", practice_form(slug=gt_draft.slug, **{"action-submit": "Submit"})
        )
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(gt_draft.pk), status="in_progress")
    assert state.workflow_id == Workflow.objects.get(name="Coordinator review").pk
    gt_draft.refresh_from_db()
    assert not gt_draft.live

    # Only coordinators are told there is something to review.
    recipients = {address for message in mail.outbox for address in message.to}
    assert focal_point_gt.email not in recipients
    assert coordinator.email in recipients

    task_state = state.current_task_state
    client = client_for(coordinator)
    response = client.post(
        f"/admin/pages/workflow/action/{gt_draft.pk}/approve/{task_state.pk}/", {"comment": "Aprobada."}
    )
    assert response.status_code in (200, 302)
    gt_draft.refresh_from_db()
    assert gt_draft.live
    assert gt_draft.title == "Protocolo de atención a la niñez migrante no acompañada"
    assert gt_draft.live_revision.user == focal_point_gt
    state.refresh_from_db()
    assert state.status == "approved"


def test_a_coordinator_requests_changes_with_a_comment(client_for, coordinator, gt_draft):
    author = gt_draft.owner
    submit_for_review(gt_draft, by=author)
    task_state = gt_draft.current_workflow_task_state
    response = client_for(coordinator).post(
        f"/admin/pages/workflow/action/{gt_draft.pk}/reject/{task_state.pk}/",
        {"comment": "Agregue los resultados de 2019, por favor."},
    )
    assert response.status_code in (200, 302)
    task_state.refresh_from_db()
    assert task_state.status == "rejected"
    assert task_state.comment == "Agregue los resultados de 2019, por favor."
    gt_draft.refresh_from_db()
    assert not gt_draft.live


@pytest.mark.parametrize("role", ["focal point (own government)", "focal point (other government)", "participant"])
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_only_coordinators_can_approve_or_reject(client, gt_draft, role, action):
    submit_for_review(gt_draft, by=gt_draft.owner)
    task_state = gt_draft.current_workflow_task_state
    client.force_login(member_for(role))
    response = client.post(
        f"/admin/pages/workflow/action/{gt_draft.pk}/{action}/{task_state.pk}/", {"comment": "No debería contar."}
    )
    assert response.status_code != 500
    task_state.refresh_from_db()
    assert task_state.status == "in_progress"
    gt_draft.refresh_from_db()
    assert not gt_draft.live


def test_an_amendment_under_review_leaves_the_approved_version_live(coordinator, gt_live):
    author = gt_live.owner
    gt_live.title = "Título enmendado en revisión"
    gt_live.summary = "Resumen enmendado."
    gt_live.save_revision(user=author)
    submit_for_review(gt_live, by=author)
    stored = BestPracticePage.objects.get(pk=gt_live.pk)
    assert stored.title == "Práctica publicada de Guatemala"
    assert stored.live and stored.has_unpublished_changes
    approve(stored, by=coordinator)
    stored.refresh_from_db()
    assert stored.title == "Título enmendado en revisión"
