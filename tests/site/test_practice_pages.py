"""A practice's page, and the listings on government, pillar and home pages, in three languages."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from tests.factories import government_page, make_member
from tests.site.test_practice_support import library_url, make_practice, translate
from workspace.site.models import BestPracticeAttachment, BestPracticePage, BestPracticeRelation, PillarPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, db):
    client.force_login(make_member("participant"))
    return client


@pytest.fixture
def practice(db):
    contact = make_member("focal_point", government_code="GT", first_name="Ana Lucía", last_name="Morales")
    page = make_practice(
        "GT",
        author=contact,
        title="Protocolo de recepción de personas retornadas",
        summary="Recepción digna en el aeropuerto.",
        pillars=[1, 3],
        populations=["returnees", "unaccompanied-children"],
        instrument_type="protocol",
        start_year=2017,
        partners=["Instituto Guatemalteco de Migración", "Secretaría de Bienestar Social"],
        tags=["retorno"],
        results="<p>El tiempo de atención bajó a tres horas.</p>",
        key_figures=[("3 h", "tiempo medio de atención", "Registro 2019")],
        body=[
            "Cada persona retornada recibe atención psicosocial.",
            ("quote", {"text": "Recibir bien es el primer paso.", "attribution": "Equipo del centro"}),
            ("key_figure", {"figure": "1 250", "label": "personas al mes", "source": ""}),
            ("table", {"caption": "Atenciones", "first_row_is_header": True, "data": "Año | Personas\n2019 | 15 000"}),
        ],
    )
    document = Document(title="Protocolo firmado")
    document.file.save("protocolo.pdf", ContentFile(b"%PDF-1.4\n" + b"x" * 2048), save=False)
    document.save()
    BestPracticeAttachment.objects.create(page=page, document=document, description="Versión oficial", sort_order=0)
    return page


def test_a_practice_page_shows_its_metadata_body_and_attachments(member_client, practice):
    response = member_client.get(practice.url)
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Protocolo de recepción de personas retornadas",
        "Guatemala",
        "Fortalecimiento de capacidades en gobernanza migratoria",  # the Spanish pillar page's title
        "Gestión de crisis migratorias",
        "Personas retornadas",
        "Instituto Guatemalteco de Migración",
        "Ana Lucía Morales",
        "Cada persona retornada recibe atención psicosocial.",
        "Recibir bien es el primer paso.",
        "1 250",
        '<th scope="col">Personas</th>',
        "El tiempo de atención bajó a tres horas.",
        "tiempo medio de atención",
        "Protocolo firmado",
        "(PDF, 2,0\xa0KB)",
        '<section class="discussion" id="discussion"',  # the live discussion panel
    ):
        assert text in body, text
    assert "2017" in body


def test_the_page_links_its_translations(member_client, practice):
    english = translate(practice, "en", title="Reception protocol for returnees")
    body = member_client.get(practice.url).content.decode()
    assert f'href="{english.url}"' in body
    assert 'hreflang="en"' in body
    assert 'hreflang="fr"' not in body
    body = member_client.get(english.url).content.decode()
    assert f'href="{practice.url}"' in body


def test_a_draft_translation_is_not_linked(member_client, practice):
    translate(practice, "fr", title="Protocole d'accueil", live=False)
    body = member_client.get(practice.url).content.decode()
    assert 'hreflang="fr"' not in body


@pytest.mark.parametrize(
    ("language", "heading"),
    [("es", "Buenas prácticas"), ("en", "Best practices"), ("fr", "Bonnes pratiques")],
)
def test_pages_render_in_three_languages(member_client, practice, language, heading):
    page = practice if language == "es" else translate(practice, language, title=f"Protocole {language}")
    response = member_client.get(page.url)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    library = member_client.get(library_url(language))
    assert library.status_code == 200
    assert heading in library.content.decode()
    assert page.title in library.content.decode()
    for url in (government_page("GT", language).url, PillarPage.objects.get(number=3, locale=page.locale).url):
        listing = member_client.get(url)
        assert listing.status_code == 200
        assert page.title in listing.content.decode()
    home = member_client.get(f"/{language}/")
    assert page.title in home.content.decode()


def test_related_practices_and_other_practices_on_the_pillar(member_client, practice):
    related = make_practice("HN", title="Centros de atención al migrante retornado", pillars=[3])
    same_pillar = make_practice("MX", title="Coordinación de albergues", pillars=[3])
    other_pillar = make_practice("PA", title="Campaña en terminales", pillars=[4])
    draft = make_practice("SV", title="Borrador salvadoreño", pillars=[1], live=False)
    BestPracticeRelation.objects.create(page=practice, practice=related, sort_order=0)
    BestPracticeRelation.objects.create(page=practice, practice=draft, sort_order=1)
    body = member_client.get(practice.url).content.decode()
    related_section = body.split('id="related-heading"')[1].split("</section>")[0]
    assert related.title in related_section
    assert draft.title not in body
    pillar_section = body.split('id="pillar-practices-heading"')[1].split("</section>")[0]
    assert same_pillar.title in pillar_section
    assert related.title not in pillar_section  # already listed as related
    assert other_pillar.title not in pillar_section


def test_related_practices_show_the_translation_in_the_page_language(member_client, practice):
    related = make_practice("HN", title="Centros de atención al migrante retornado", pillars=[2])
    related_en = translate(related, "en", title="Reception centres for returnees")
    BestPracticeRelation.objects.create(page=practice, practice=related, sort_order=0)
    english = translate(practice, "en", title="Reception protocol for returnees")
    body = member_client.get(english.url).content.decode()
    assert related_en.title in body
    assert related.title not in body


# --- Drafts never leak into a listing ----------------------------------------------------------


def test_drafts_and_pending_amendments_appear_in_no_listing(member_client, practice):
    draft = make_practice("GT", title="Borrador nunca aprobado", pillars=[3], live=False)
    practice.title = "Enmienda pendiente de revisión"
    practice.save_revision()
    gt = government_page("GT")
    pillar = PillarPage.objects.get(number=3, locale=gt.locale)
    for url in (library_url(), library_url(q="borrador"), library_url(q="enmienda"), gt.url, pillar.url, "/es/"):
        body = member_client.get(url).content.decode()
        assert draft.title not in body, url
        assert "Enmienda pendiente" not in body, url
    assert "Protocolo de recepción de personas retornadas" in member_client.get(gt.url).content.decode()
    assert member_client.get(draft.url or f"{gt.url}{draft.slug}/").status_code == 404


def test_the_government_page_lists_only_its_own_practices(member_client, practice):
    honduras = make_practice("HN", title="Práctica hondureña")
    body = member_client.get(government_page("GT").url).content.decode()
    assert practice.title in body
    assert honduras.title not in body


def test_empty_states(member_client):
    assert "No best practices have been shared yet." in member_client.get(library_url("en")).content.decode()
    assert "has not shared best practices yet" in member_client.get(government_page("GT", "en").url).content.decode()


# --- The record ---------------------------------------------------------------------------------


def test_the_end_year_cannot_precede_the_start_year(practice):
    practice.end_year = 2010
    with pytest.raises(ValidationError) as error:
        practice.full_clean()
    assert "end_year" in error.value.message_dict


def test_practices_live_under_a_government_page_only():
    assert BestPracticePage.parent_page_types == ["site.GovernmentPage"]
    assert government_page("GT").specific_class.subpage_types == ["site.BestPracticePage", "workplans.WorkPlanPage"]


def test_the_admin_form_offers_only_the_governments_focal_points_as_contact(client, practice):
    gt_member = make_member("focal_point", government_code="GT", first_name="Jorge", last_name="Castillo")
    hn_member = make_member("focal_point", government_code="HN", first_name="Karla", last_name="Mejía")
    client.force_login(gt_member)
    body = client.get(f"/admin/pages/{practice.pk}/edit/").content.decode()
    assert "Jorge Castillo" in body
    assert "Karla Mejía" not in body
    assert hn_member.email not in body
    assert 'name="pillars"' in body


def test_the_contact_must_be_a_focal_point_of_the_government(client, practice):
    client.force_login(make_member("coordinator"))
    from tests.site.test_practice_permissions import practice_form

    outsider = make_member("focal_point", government_code="HN")
    response = client.post(
        f"/admin/pages/{practice.pk}/edit/", practice_form(slug=practice.slug, contact=str(outsider.pk))
    )
    assert response.status_code == 200  # the form again, with the error
    practice.refresh_from_db()
    assert practice.contact_id != outsider.pk


def test_pillars_are_saved_from_the_admin_form(client, practice):
    from tests.site.test_practice_permissions import practice_form

    client.force_login(make_member("coordinator"))
    response = client.post(
        f"/admin/pages/{practice.pk}/edit/",
        practice_form(slug=practice.slug, pillars=["2", "4"], **{"action-publish": "Publish"}),
    )
    assert response.status_code == 302
    practice = BestPracticePage.objects.get(pk=practice.pk)
    assert practice.pillar_numbers == [2, 4]
    assert set(practice.tags.names()) == {"niñez migrante", "protección"}
