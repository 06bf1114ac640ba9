import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import execute_from_command_line

GOOD_PASSWORD = "lempira-volcán-2026"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_commands(settings):
    settings.LANGUAGE_CODE = "en"  # management commands speak the default language


def test_messages_are_translated_for_spanish_operators(monkeypatch, settings):
    settings.LANGUAGE_CODE = "es"
    code, _, stderr = add_member_cli(monkeypatch, "nuevo@example.org", "--role", "focal_point")
    assert code == 2
    assert "gobierno" in stderr


def add_member_cli(monkeypatch, *args, stdin=""):
    """Run `manage.py add_member …` exactly as from a shell; return (exit code, stdout, stderr)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    stdout, stderr = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", stdout)
    monkeypatch.setattr("sys.stderr", stderr)
    # run_from_argv closes the connections when done, which would end the test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    code = 0
    try:
        execute_from_command_line(["manage.py", "add_member", *args])
    except SystemExit as exit:
        code = exit.code
    return code, stdout.getvalue(), stderr.getvalue()


def counts():
    return get_user_model().objects.count(), EmailAddress.objects.count()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["nuevo@example.org", "--role", "focal_point", "--government", "XX"], "", "Unknown government"),
        (["nuevo@example.org", "--role", "focal_point"], "", "must belong to a government"),
        (["not-an-email", "--role", "participant"], "", "not a valid email"),
        (["nuevo@example.org", "--role", "minister"], "", "Unknown role"),
        (["nuevo@example.org", "--role", "participant", "--government", "GT"], "", "Only focal points"),
        (["nuevo@example.org", "--role", "participant", "--password-stdin"], "password123\n", "too common"),
        (["nuevo@example.org", "--role", "participant", "--password-stdin"], "Short1!x\n", "too short"),
        (["nuevo@example.org"], "", "required: --role"),
    ],
    ids=[
        "unknown-government",
        "focal-point-without-government",
        "invalid-email",
        "unknown-role",
        "participant-with-government",
        "common-password",
        "short-password",
        "missing-role",
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(monkeypatch, args, stdin, message):
    before = counts()
    code, _, stderr = add_member_cli(monkeypatch, *args, stdin=stdin)
    assert code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert message.lower() in lines[0].lower()
    assert counts() == before


def test_duplicate_email_exits_2_and_writes_nothing(monkeypatch, focal_point_gt):
    before = counts()
    code, _, stderr = add_member_cli(monkeypatch, focal_point_gt.email.upper(), "--role", "participant")
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1
    assert "already exists" in stderr
    assert counts() == before


def test_a_focal_point_is_created_verified_active_and_in_their_government_group(monkeypatch):
    code, stdout, _ = add_member_cli(
        monkeypatch, "Ana.Morales@Example.org", "--role", "focal_point", "--government", "gt", "--first-name", "Ana"
    )
    assert code == 0
    assert "ana.morales@example.org" in stdout
    member = get_user_model().objects.get(email="ana.morales@example.org")
    assert member.is_active
    assert not member.is_superuser
    assert [group.name for group in member.groups.all()] == ["Focal points · GT"]
    assert member.role == "focal_point"
    assert member.government_code == "GT"
    address = EmailAddress.objects.get(user=member)
    assert address.verified and address.primary
    assert member.preferred_language == "es"
    assert member.time_zone == "America/Guatemala"
    assert not member.has_usable_password()


def test_password_from_stdin_lets_the_member_sign_in(monkeypatch, client):
    code, _, stderr = add_member_cli(
        monkeypatch, "coordina@example.org", "--role", "coordinator", "--password-stdin", stdin=GOOD_PASSWORD + "\n"
    )
    assert code == 0, stderr
    member = get_user_model().objects.get(email="coordina@example.org")
    assert member.role == "coordinator"
    assert member.check_password(GOOD_PASSWORD)
    response = client.post("/accounts/login/", {"login": "coordina@example.org", "password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_haitian_focal_point_defaults_to_french_and_port_au_prince(monkeypatch):
    code, _, _ = add_member_cli(monkeypatch, "focal@haiti.example.org", "--role", "focal_point", "--government", "HT")
    assert code == 0
    member = get_user_model().objects.get(email="focal@haiti.example.org")
    assert member.preferred_language == "fr"
    assert member.time_zone == "America/Port-au-Prince"
