"""Issue 12: every visible string in the member's language, the admin and error pages included."""

import pytest
from django.test import Client
from django.utils import translation
from wagtail.models import Task, Workflow

from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_workflow_and_task_names_show_translated_and_stay_stored_in_code():
    workflow = Workflow.objects.get(name="Coordinator review")
    task = Task.objects.get(name="Coordinator approval")
    with translation.override("es"):
        assert str(workflow.name) == "Revisión de la coordinación"
        assert str(Task.objects.get(pk=task.pk).name) == "Aprobación de la coordinación"
        workflow.save()
    with translation.override("fr"):
        assert str(workflow.name) == "Révision de la coordination"
    assert Workflow.objects.filter(pk=workflow.pk, name="Coordinator review").exists()


def test_the_admin_follows_the_members_preferred_language(client):
    member = make_member("focal_point", government_code="GT", language="fr")
    client.force_login(member)
    client.cookies["django_language"] = "es"
    response = client.get("/admin/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="fr"' in body
    assert "Espace régional" in body  # the branding title, translated
    assert "Editor Guide" not in body and "Guide de l'éditeur" not in body


def test_the_submit_button_names_the_workflow_in_the_members_language(client):
    from tests.site.test_practice_support import make_practice

    member = make_member("focal_point", government_code="GT", language="es")
    practice = make_practice("GT", author=member, live=False)
    client.force_login(member)
    body = client.get(f"/admin/pages/{practice.pk}/edit/").content.decode()
    assert "Enviar a Revisión de la coordinación" in body
    assert "Coordinator review" not in body


@pytest.mark.parametrize(("language", "text"), [("es", "Esta página no existe"), ("fr", "Cette page n'existe pas")])
def test_404_uses_the_sites_layout_and_language(client, language, text):
    client.force_login(make_member("participant"))
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert text in body and 'class="site-header"' in body


def test_403_uses_the_sites_layout_and_language(client):
    client.force_login(make_member("focal_point", government_code="GT", language="es"))
    client.cookies["django_language"] = "es"
    response = client.get("/accounts/invitations/")
    assert response.status_code == 403
    assert "No tiene acceso a esta página" in response.content.decode()


def test_csrf_failure_uses_the_sites_layout():
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "es"
    response = client.post("/accounts/login/", {"login": "x@example.org", "password": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert 'class="site-header"' in body and "Este formulario ha caducado" in body


def test_rate_limit_page_uses_the_sites_layout(rf):
    from allauth.core.internal.ratelimit import handler429
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/accounts/login/")
    request.user = AnonymousUser()
    with translation.override("fr"):
        response = handler429(request)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_500_page_renders_without_a_request():
    from django.template import loader

    with translation.override("es"):
        body = loader.get_template("500.html").render()
    assert "Algo salió mal" in body
