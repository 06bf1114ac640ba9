"""The request path (issue 14): compressed HTML, brotli static files, pooled PostgreSQL connections."""

import gzip

import pytest
from whitenoise.compress import Compressor

from tests.test_settings import PRODUCTION_ENV, manage


@pytest.mark.django_db
def test_a_page_is_gzipped_when_the_browser_asks(client, participant):
    client.force_login(participant)

    plain = client.get("/es/practices/")
    compressed = client.get("/es/practices/", headers={"accept-encoding": "gzip, br"})

    assert plain.status_code == compressed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    html = gzip.decompress(compressed.content)
    assert b'class="practice-library' in html or b"<main" in html
    assert len(compressed.content) < len(html) / 3


@pytest.mark.django_db
def test_the_csrf_token_in_a_gzipped_page_changes_with_every_response(client, participant):
    """BREACH needs the same secret in every compressed body; Django masks the token per response."""
    client.force_login(participant)

    def token():
        html = gzip.decompress(client.get("/es/", headers={"accept-encoding": "gzip"}).content).decode()
        return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    assert token() != token()


def test_collectstatic_writes_brotli_beside_gzip(tmp_path):
    css = tmp_path / "site.css"
    css.write_text("body { margin: 0; color: #123456; }\n" * 200)

    written = set(Compressor(quiet=True).compress(str(css)))

    assert written == {f"{css}.gz", f"{css}.br"}


def test_production_serves_static_files_precompressed_with_hashed_names():
    command = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    result = manage("shell", "-c", command, env=PRODUCTION_ENV)
    assert result.stdout.splitlines()[-1] == "whitenoise.storage.CompressedManifestStaticFilesStorage", result.stderr


def test_postgresql_connections_are_pooled_per_process():
    command = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['OPTIONS']['pool']['max_size'])"
    )
    result = manage("shell", "-c", command, env={**PRODUCTION_ENV, "DATABASE_CONN_MAX_AGE": "60"})
    assert result.stdout.splitlines()[-1].split() == ["0", "10"], result.stderr
    sized = manage("shell", "-c", command, env={**PRODUCTION_ENV, "DATABASE_POOL_MAX_SIZE": "4"})
    assert sized.stdout.splitlines()[-1].split() == ["0", "4"], sized.stderr
