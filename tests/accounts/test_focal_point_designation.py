"""Each government's primary and alternate focal point: who can hold it, constraints, log, admin, page."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.utils import translation
from wagtail.models import ModelLogEntry

from tests.accounts.test_add_member import add_member_cli
from tests.factories import government_page, make_member
from workspace.accounts import services
from workspace.accounts.models import FocalPointDesignation

pytestmark = pytest.mark.django_db

PRIMARY, ALTERNATE = FocalPointDesignation.Designation.PRIMARY, FocalPointDesignation.Designation.ALTERNATE


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"  # commands and services speak the default language
    with translation.override("en"):
        yield


def designations(code="GT"):
    return {row.designation: row.member for row in FocalPointDesignation.objects.filter(government_code=code)}


def log_actions(member):
    return list(
        ModelLogEntry.objects.filter(object_id=str(member.pk), action__startswith="workspace.focal_point.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- The service ------------------------------------------------------------------------------


def test_a_government_gets_a_primary_and_an_alternate_logged_with_the_coordinator(coordinator):
    primary = make_member("focal_point", government_code="GT")
    alternate = make_member("focal_point", government_code="GT")
    services.designate_focal_point(member=primary, designation=PRIMARY, by=coordinator)
    services.designate_focal_point(member=alternate, designation=ALTERNATE, by=coordinator)
    assert designations("GT") == {"primary": primary, "alternate": alternate}
    entry = ModelLogEntry.objects.get(object_id=str(primary.pk), action="workspace.focal_point.designate")
    assert entry.user_id == coordinator.pk
    assert entry.data["government"] == "GT" and entry.data["designation"] == "primary"


@pytest.mark.parametrize("role", ["participant", "coordinator"])
def test_only_focal_points_can_be_designated(role, coordinator):
    member = make_member(role)
    with pytest.raises(ValidationError):
        services.designate_focal_point(member=member, designation=PRIMARY, by=coordinator)
    assert not FocalPointDesignation.objects.exists()


def test_an_inactive_focal_point_cannot_be_designated(coordinator):
    member = make_member("focal_point", government_code="GT")
    member.is_active = False
    member.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        services.designate_focal_point(member=member, designation=PRIMARY, by=coordinator)


def test_a_taken_place_is_refused_unless_the_coordinator_replaces_its_holder(coordinator):
    first = make_member("focal_point", government_code="GT")
    second = make_member("focal_point", government_code="GT")
    services.designate_focal_point(member=first, designation=PRIMARY, by=coordinator)
    with pytest.raises(ValidationError, match="already has a primary"):
        services.designate_focal_point(member=second, designation=PRIMARY, by=coordinator)
    assert designations() == {"primary": first}
    services.designate_focal_point(member=second, designation=PRIMARY, by=coordinator, replace=True)
    assert designations() == {"primary": second}
    assert log_actions(first) == ["workspace.focal_point.designate", "workspace.focal_point.undesignate"]


def test_the_primary_made_alternate_moves_and_leaves_the_primary_place_free(coordinator):
    member = make_member("focal_point", government_code="GT")
    services.designate_focal_point(member=member, designation=PRIMARY, by=coordinator)
    services.designate_focal_point(member=member, designation=ALTERNATE, by=coordinator)
    assert designations() == {"alternate": member}


def test_each_government_has_its_own_places(coordinator):
    guatemalan = make_member("focal_point", government_code="GT")
    honduran = make_member("focal_point", government_code="HN")
    services.designate_focal_point(member=guatemalan, designation=PRIMARY, by=coordinator)
    services.designate_focal_point(member=honduran, designation=PRIMARY, by=coordinator)
    assert designations("GT") == {"primary": guatemalan}
    assert designations("HN") == {"primary": honduran}


def test_leaving_the_focal_point_group_clears_the_designation(coordinator):
    member = make_member("focal_point", government_code="GT")
    services.designate_focal_point(member=member, designation=PRIMARY, by=coordinator)
    before = {group.name for group in member.groups.all()}
    member.groups.set([Group.objects.get(name="Focal points · HN")])
    services.record_group_change(member=member, before=before, by=coordinator)
    assert not FocalPointDesignation.objects.filter(member=member).exists()
    assert "workspace.focal_point.undesignate" in log_actions(member)


def test_deactivation_clears_the_designation(coordinator):
    member = make_member("focal_point", government_code="GT")
    services.designate_focal_point(member=member, designation=ALTERNATE, by=coordinator)
    services.deactivate_member(member=member, by=coordinator, reason="Left the ministry")
    assert not FocalPointDesignation.objects.exists()


# --- Database constraints -----------------------------------------------------------------------


def test_the_database_allows_one_primary_per_government():
    first = make_member("focal_point", government_code="GT")
    second = make_member("focal_point", government_code="GT")
    FocalPointDesignation.objects.create(government_code="GT", designation=PRIMARY, member=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        FocalPointDesignation.objects.create(government_code="GT", designation=PRIMARY, member=second)


def test_the_database_allows_one_designation_per_member():
    member = make_member("focal_point", government_code="GT")
    FocalPointDesignation.objects.create(government_code="GT", designation=PRIMARY, member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        FocalPointDesignation.objects.create(government_code="GT", designation=ALTERNATE, member=member)


def test_the_database_refuses_an_unknown_designation():
    member = make_member("focal_point", government_code="GT")
    with pytest.raises(IntegrityError), transaction.atomic():
        FocalPointDesignation.objects.create(government_code="GT", designation="deputy", member=member)


# --- add_member --designation ---------------------------------------------------------------------


def test_add_member_designates_a_new_focal_point(monkeypatch):
    code, _, stderr = add_member_cli(
        monkeypatch, "nueva@example.org", "--role", "focal_point", "--government", "GT", "--designation", "primary"
    )
    assert code == 0, stderr
    assert designations()["primary"].email == "nueva@example.org"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "focal_point", "--government", "GT", "--designation", "primary"], "already has a primary"),
        (["--role", "participant", "--designation", "alternate"], "only a focal point"),
        (["--role", "focal_point", "--government", "GT", "--designation", "deputy"], "unknown designation"),
    ],
    ids=["place-taken", "not-a-focal-point", "unknown-designation"],
)
def test_add_member_designation_errors_exit_2_with_one_line_and_write_nothing(monkeypatch, coordinator, args, message):
    holder = make_member("focal_point", government_code="GT")
    services.designate_focal_point(member=holder, designation=PRIMARY, by=coordinator)
    users_before = type(holder).objects.count()
    code, _, stderr = add_member_cli(monkeypatch, "nuevo@example.org", *args)
    assert code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert message in lines[0].lower()
    assert type(holder).objects.count() == users_before
    assert designations() == {"primary": holder}


# --- The government page ----------------------------------------------------------------------


def test_the_government_page_names_its_primary_and_alternate(client_for, participant, coordinator):
    primary = make_member("focal_point", government_code="GT", first_name="Ana", last_name="Morales")
    alternate = make_member("focal_point", government_code="GT", first_name="Luis", last_name="Pérez")
    services.designate_focal_point(member=primary, designation=PRIMARY, by=coordinator)
    services.designate_focal_point(member=alternate, designation=ALTERNATE, by=coordinator)
    response = client_for(participant).get(government_page("GT", "en").url)
    html = response.content.decode()
    assert f'Primary focal point</dt><dd>Ana Morales · <a href="mailto:{primary.email}">' in html
    assert f'Alternate</dt><dd>Luis Pérez · <a href="mailto:{alternate.email}">' in html
    assert html.count(primary.email) == 2  # listed once (link text and address), not again below


def test_the_designations_are_read_in_one_query(coordinator, django_assert_num_queries):
    for designation in (PRIMARY, ALTERNATE):
        member = make_member("focal_point", government_code="GT")
        services.designate_focal_point(member=member, designation=designation, by=coordinator)
    template = Template(
        "{% load members %}{% focal_point_designations 'GT' as d %}{{ d.primary.email }}/{{ d.alternate.email }}"
    )
    with django_assert_num_queries(1):
        rendered = template.render(Context())
    assert rendered.count("@example.org") == 2


def test_a_government_without_designations_shows_neither_line(client_for, participant):
    html = client_for(participant).get(government_page("HN", "en").url).content.decode()
    assert "Primary focal point" not in html


# --- Coordinators set it from the admin ------------------------------------------------------------


def test_a_coordinator_designates_from_the_admin_choosing_among_focal_points(client_for, coordinator):
    focal_point = make_member("focal_point", government_code="GT", first_name="Ana", last_name="Morales")
    participant = make_member("participant", first_name="Pablo", last_name="Participante")
    client = client_for(coordinator)
    form_page = client.get("/admin/focal-points/new/")
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert "Ana Morales" in html and "Pablo Participante" not in html
    refused = client.post("/admin/focal-points/new/", {"designation": "primary", "member": participant.pk})
    assert refused.status_code == 200 and not FocalPointDesignation.objects.exists()
    response = client.post("/admin/focal-points/new/", {"designation": "primary", "member": focal_point.pk})
    assert response.status_code == 302
    assert designations() == {"primary": focal_point}
    assert ModelLogEntry.objects.filter(
        object_id=str(focal_point.pk), action="workspace.focal_point.designate", user=coordinator
    ).exists()


def test_a_coordinator_replaces_the_primary_from_the_admin(client_for, coordinator):
    first = make_member("focal_point", government_code="GT")
    second = make_member("focal_point", government_code="GT")
    services.designate_focal_point(member=first, designation=PRIMARY, by=coordinator)
    response = client_for(coordinator).post("/admin/focal-points/new/", {"designation": "primary", "member": second.pk})
    assert response.status_code == 302
    assert designations() == {"primary": second}


def test_a_coordinator_changes_who_is_alternate_from_the_admin(client_for, coordinator):
    first = make_member("focal_point", government_code="GT")
    second = make_member("focal_point", government_code="GT")
    designation = services.designate_focal_point(member=first, designation=ALTERNATE, by=coordinator)
    response = client_for(coordinator).post(
        f"/admin/focal-points/edit/{designation.pk}/", {"designation": "alternate", "member": second.pk}
    )
    assert response.status_code == 302
    assert designations() == {"alternate": second}
    assert log_actions(first)[-1] == "workspace.focal_point.undesignate"


def test_a_coordinator_removes_a_designation_from_the_admin(client_for, coordinator):
    member = make_member("focal_point", government_code="GT")
    designation = services.designate_focal_point(member=member, designation=PRIMARY, by=coordinator)
    response = client_for(coordinator).post(f"/admin/focal-points/delete/{designation.pk}/")
    assert response.status_code == 302
    assert not FocalPointDesignation.objects.exists()
    assert log_actions(member)[-1] == "workspace.focal_point.undesignate"


@pytest.mark.parametrize("role", ["participant", "focal_point"])
def test_non_coordinators_cannot_designate(client_for, role):
    member = make_member(role, government_code="GT" if role == "focal_point" else None)
    client = client_for(member)
    assert client.get("/admin/focal-points/new/").status_code in (302, 403)
    response = client.post("/admin/focal-points/new/", {"designation": "primary", "member": member.pk})
    assert response.status_code in (302, 403)
    assert not FocalPointDesignation.objects.exists()


def test_the_designations_listing_shows_each_government_place(client_for, coordinator):
    member = make_member("focal_point", government_code="GT", first_name="Ana", last_name="Morales")
    services.designate_focal_point(member=member, designation=PRIMARY, by=coordinator)
    html = client_for(coordinator).get("/admin/focal-points/").content.decode()
    assert "Ana Morales" in html and "GT" in html


def test_the_members_history_in_the_admin_reads_the_designations(client_for):
    coordinator = make_member("coordinator", language="en")
    member = make_member("focal_point", government_code="GT")
    services.designate_focal_point(member=member, designation=PRIMARY, by=coordinator)
    services.designate_focal_point(member=member, designation=ALTERNATE, by=coordinator)
    html = client_for(coordinator).get(f"/admin/users/history/{member.pk}/").content.decode()
    assert "Designated: Alternate focal point · GT" in html
    assert "Designation removed: Primary focal point · GT" in html
