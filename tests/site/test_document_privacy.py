"""Documents: a draft's attachments stay with its government and the coordinators; downloads are downloads.

role × state → may the member download the document?
"""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection

from tests.factories import government_page, make_member
from workspace.site.demo import build_practice
from workspace.site.models import BestPracticeAttachment, BestPracticePage

pytestmark = pytest.mark.django_db

Document = get_document_model()

ROLES = {
    "coordinator": ("coordinator", None),
    "focal point GT": ("focal_point", "GT"),
    "focal point HN": ("focal_point", "HN"),
    "participant": ("participant", None),
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def uploader(db):
    return make_member("focal_point", government_code="GT")


def make_document(uploader, name="protocolo-retorno.pdf", collection="Guatemala"):
    return Document.objects.create(
        title=name,
        file=ContentFile(b"%PDF-1.4 protocolo", name=name),
        collection=Collection.objects.get(name=collection),
        uploaded_by_user=uploader,
    )


def make_practice(*, author, live, attachments=(), body=()):
    """A Guatemalan practice whose own row holds the attachments (as the admin's create view saves it)."""
    government = government_page("GT")
    page = build_practice(
        government=government,
        author=author,
        title=f"Protocolo de retorno {BestPracticePage.objects.count()}",
        summary="Acogida de personas retornadas.",
        pillars=[3],
        instrument_type=BestPracticePage.InstrumentType.PROTOCOL,
        start_year=2019,
        body=body,
    )
    page.attachments = [BestPracticeAttachment(document=document) for document in attachments]
    page.live = live
    page.has_unpublished_changes = not live
    government.add_child(instance=page)
    page.save_revision(user=author)
    return page


def download(client, member, document):
    client.force_login(member)
    return client.get(document.url)


def security_lines(caplog):
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "workspace.security"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("coordinator", True), ("focal point GT", True), ("focal point HN", False), ("participant", False)],
)
def test_an_attachment_of_a_draft_practice(client, uploader, role, allowed):
    document = make_document(uploader)
    make_practice(author=uploader, live=False, attachments=[document])
    response = download(client, make_member(ROLES[role][0], government_code=ROLES[role][1]), document)
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.parametrize("role", ROLES)
def test_once_the_practice_is_published_every_member_downloads_it(client, uploader, role):
    document = make_document(uploader)
    practice = make_practice(author=uploader, live=False, attachments=[document])
    member = make_member(ROLES[role][0], government_code=ROLES[role][1])
    practice.get_latest_revision().publish()
    assert download(client, member, document).status_code == 200


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("coordinator", True), ("focal point GT", True), ("focal point HN", False), ("participant", False)],
)
def test_a_document_in_a_drafts_body_is_private_too(client, uploader, role, allowed):
    document = make_document(uploader)
    make_practice(author=uploader, live=False, body=[("document", {"document": document, "description": ""})])
    response = download(client, make_member(ROLES[role][0], government_code=ROLES[role][1]), document)
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("coordinator", True), ("focal point GT", True), ("focal point HN", False), ("participant", False)],
)
def test_a_document_used_nowhere_yet_stays_with_the_uploaders_government(client, uploader, role, allowed):
    document = make_document(uploader)
    response = download(client, make_member(ROLES[role][0], government_code=ROLES[role][1]), document)
    assert response.status_code == (200 if allowed else 404)


def test_the_uploader_downloads_what_they_uploaded(client, uploader):
    document = make_document(uploader)
    assert download(client, uploader, document).status_code == 200


def test_a_document_added_in_a_pending_draft_of_a_live_practice_stays_private_until_published(client, uploader):
    practice = make_practice(author=uploader, live=True)
    document = make_document(uploader)
    practice.attachments = [BestPracticeAttachment(document=document)]
    revision = practice.save_revision(user=uploader)  # the live row keeps its old attachments
    participant = make_member("participant")
    assert download(client, participant, document).status_code == 404
    revision.publish()
    assert download(client, participant, document).status_code == 200


def test_a_document_used_by_a_live_page_and_a_draft_is_open_to_every_member(client, uploader):
    document = make_document(uploader)
    make_practice(author=uploader, live=False, attachments=[document])
    make_practice(author=uploader, live=True, attachments=[document])
    assert download(client, make_member("participant"), document).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, uploader):
    document = make_document(uploader)
    make_practice(author=uploader, live=True, attachments=[document])
    response = client.get(document.url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_refused_download_is_logged_as_a_foreign_object(client, uploader, caplog):
    document = make_document(uploader)
    make_practice(author=uploader, live=False, attachments=[document])
    member = make_member("focal_point", government_code="HN")
    client.force_login(member)
    assert client.get(document.url).status_code == 404
    [line] = [line for line in security_lines(caplog) if line["event"] == "foreign_object_404"]
    assert line["user_id"] == member.pk and line["path"] == document.url
    assert line["kind"] == "document" and line["object_id"] == document.pk
    assert client.session.session_key not in caplog.text


def test_an_allowed_download_is_not_logged(client, uploader, caplog):
    document = make_document(uploader)
    assert download(client, uploader, document).status_code == 200
    assert not [line for line in security_lines(caplog) if line["event"] == "foreign_object_404"]


@pytest.mark.parametrize("name", ["protocolo.pdf", "notas.txt", "datos.csv"])
def test_every_document_is_a_download_that_the_browser_cannot_run(client, uploader, name):
    document = make_document(uploader, name=name)
    response = download(client, uploader, document)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_images_have_no_download_route_only_renditions_shown_in_pages():
    """Original images are never served (docs/operations.md, "Uploads"): Wagtail's image serve view
    is not routed, and without DEBUG nothing under MEDIA_URL is served by Django."""
    with pytest.raises(NoReverseMatch):
        reverse("wagtailimages_serve", args=["signature", 1, "original"])
    with pytest.raises(Resolver404):
        resolve("/media/original_images/foto.png")
