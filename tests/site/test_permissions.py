"""Who may add, edit and publish under which government: Wagtail's page permission policy decides."""

import pytest

from tests.factories import government_page, make_member

pytestmark = pytest.mark.django_db

ROLES = {
    "coordinator": lambda: make_member("coordinator"),
    "participant": lambda: make_member("participant"),
    "focal point GT": lambda: make_member("focal_point", government_code="GT"),
    "focal point HN": lambda: make_member("focal_point", government_code="HN"),
}

# role × government page (Guatemala) → (add under, edit, publish)
TABLE = [
    ("coordinator", (True, True, True)),
    ("focal point GT", (True, True, False)),
    ("focal point HN", (False, False, False)),
    ("participant", (False, False, False)),
]


@pytest.mark.parametrize("language", ["es", "en", "fr"])
@pytest.mark.parametrize(("role", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_page_permissions_on_guatemala(role, expected, language):
    member = ROLES[role]()
    page = government_page("GT", language)
    permissions = page.permissions_for_user(member)
    can_add = "add" in permissions.permissions
    assert (can_add, permissions.can_edit(), permissions.can_publish()) == expected


def test_focal_points_cannot_edit_sections_outside_their_government():
    member = make_member("focal_point", government_code="GT")
    guatemala = government_page("GT")
    for page in [guatemala.get_parent(), guatemala.get_parent().get_parent()]:
        permissions = page.specific.permissions_for_user(member)
        assert not permissions.can_edit()
        assert "add" not in permissions.permissions


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("focal point GT", True), ("focal point HN", False), ("participant", False), ("coordinator", True)],
)
def test_the_admin_edit_url_of_guatemala(client, role, allowed):
    member = ROLES[role]()
    client.force_login(member)
    response = client.get(f"/admin/pages/{government_page('GT').pk}/edit/")
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert not response["Location"].startswith(f"/admin/pages/{government_page('GT').pk}/edit/")


def test_participants_cannot_reach_the_admin_and_are_told_why(client):
    member = make_member("participant")
    client.force_login(member)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain == [("/accounts/login/?next=/admin/", 302)]
    content = response.content.decode()
    assert member.email in content
    assert 'name="login"' in content
