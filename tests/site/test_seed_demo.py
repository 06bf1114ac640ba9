import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from workspace.accounts.models import FocalPointDesignation

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(email="coordinacion@example.org").exists()


def test_seed_demo_creates_members_for_every_government_and_prints_the_sign_ins(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    User = get_user_model()
    members = list(User.objects.prefetch_related("groups"))
    assert {member.government_code for member in members if member.government_code} == {
        "BZ", "CR", "DO", "SV", "GT", "HT", "HN", "MX", "PA",
    }  # fmt: skip
    assert any(member.role == "coordinator" for member in members)
    assert sum(member.role == "participant" for member in members) >= 2
    assert "coordinacion@example.org" in out.getvalue()
    assert "demo-workspace-2026" in out.getvalue()
    coordinator = User.objects.get(email="coordinacion@example.org")
    assert coordinator.check_password("demo-workspace-2026")
    designations = {
        (row.government_code, row.designation): row.member.email for row in FocalPointDesignation.objects.all()
    }
    assert len([key for key in designations if key[1] == "primary"]) == 9
    assert designations[("GT", "primary")] == "focal.gt@example.org"
    assert designations[("GT", "alternate")] == "focal2.gt@example.org"


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    count = get_user_model().objects.count()
    designations = FocalPointDesignation.objects.count()
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert get_user_model().objects.count() == count
    assert FocalPointDesignation.objects.count() == designations
