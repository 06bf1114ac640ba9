"""Uploads through the Wagtail admin: only the allowed kinds and sizes are stored.

A focal point adds documents and images to their government's collection; anything else is a
form error and leaves neither a row nor a file behind.
"""

import io
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def focal_point(client_for, focal_point_gt):
    return client_for(focal_point_gt)


def guatemala():
    return Collection.objects.get(name="Guatemala")


def stored_files(root):
    return [name for _folder, _dirs, names in os.walk(root) for name in names]


def png(width, height, *, noise=False):
    if noise:
        picture = PILImage.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        picture = PILImage.new("L", (width, height), color=200)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", compress_level=0 if noise else 9)
    return buffer.getvalue()


def add_document(client, name, content):
    return client.post(
        "/admin/documents/add/",
        {"title": name, "file": SimpleUploadedFile(name, content), "collection": guatemala().pk},
    )


def add_image(client, name, content):
    return client.post(
        "/admin/images/add/",
        {"title": name, "file": SimpleUploadedFile(name, content), "collection": guatemala().pk},
    )


def file_errors(response):
    """(code, message) of each error on the form's file field."""
    return [(error.code, " ".join(error.messages)) for error in response.context["form"].errors.as_data()["file"]]


def test_the_limits_are_the_documented_ones():
    assert settings.WAGTAILDOCS_EXTENSIONS == ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt"]
    assert settings.WAGTAILIMAGES_EXTENSIONS == ["jpg", "jpeg", "png", "webp", "gif"]
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 20 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 40_000_000


def test_a_focal_point_uploads_an_allowed_document(focal_point, media_root):
    response = add_document(focal_point, "informe-anual.pdf", b"%PDF-1.4 informe")
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.collection == guatemala()
    assert stored_files(media_root) == ["informe-anual.pdf"]


@pytest.mark.parametrize(
    "name", ["pagina.html", "grafico.svg", "instalador.exe", "archivo.zip", "macro.docm", "antiguo.doc"]
)
def test_a_document_of_a_kind_not_on_the_list_is_refused(focal_point, media_root, name):
    response = add_document(focal_point, name, b"<script>alert(1)</script>")
    assert response.status_code == 200
    extension = name.rsplit(".", 1)[1]
    assert [message for _code, message in file_errors(response) if f"“{extension}”" in message]
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_a_document_over_the_size_limit_is_refused(focal_point, media_root):
    response = add_document(focal_point, "enorme.pdf", b"%PDF" + b"0" * settings.WAGTAILDOCS_MAX_UPLOAD_SIZE)
    assert response.status_code == 200
    assert "file_too_large" in [code for code, _message in file_errors(response)]
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_a_focal_point_uploads_an_allowed_image(focal_point, media_root):
    response = add_image(focal_point, "taller.png", png(40, 30))
    assert response.status_code == 302
    assert Image.objects.get().width == 40
    assert "taller.png" in stored_files(media_root)


def test_an_svg_image_is_refused(focal_point, media_root):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'
    response = add_image(focal_point, "logo.svg", svg)
    assert response.status_code == 200
    assert [code for code, _message in file_errors(response)] == ["invalid_image_extension"]
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_an_image_over_the_size_limit_is_refused(focal_point, media_root):
    # Noise does not compress: 2,000 × 1,800 RGB pixels are a valid 10.8 MB PNG.
    content = png(2000, 1800, noise=True)
    assert len(content) > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    response = add_image(focal_point, "foto.png", content)
    assert response.status_code == 200
    assert [code for code, _message in file_errors(response)] == ["file_too_large"]
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_an_image_over_the_pixel_cap_is_refused_however_small_the_file(focal_point, media_root):
    content = png(7000, 6000)  # 42 megapixels of one grey: a few kilobytes
    assert len(content) < 1024 * 1024
    response = add_image(focal_point, "bomba.png", content)
    assert response.status_code == 200
    assert [code for code, _message in file_errors(response)] == ["file_too_many_pixels"]
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("url", "name", "content"),
    [
        ("/admin/documents/multiple/add/", "pagina.html", b"<script>alert(1)</script>"),
        ("/admin/images/multiple/add/", "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
    ],
)
def test_the_admins_multiple_upload_screen_refuses_the_same(focal_point, media_root, url, name, content):
    """The admin's usual "Add documents/images" screen uploads one file per request, over fetch."""
    response = focal_point.post(url, {"files[]": SimpleUploadedFile(name, content), "collection": guatemala().pk})
    assert response.status_code == 200
    assert response.json()["success"] is False and response.json()["error_message"]
    assert not Document.objects.exists() and not Image.objects.exists()
    assert stored_files(media_root) == []


def test_the_multiple_upload_screen_stores_an_allowed_document(client_for, focal_point_gt, media_root):
    response = client_for(focal_point_gt).post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta"), "collection": guatemala().pk},
    )
    assert response.json()["success"] is True
    assert Document.objects.get().uploaded_by_user == focal_point_gt
    assert stored_files(media_root) == ["acta.pdf"]
