"""@mention autocomplete: who the comment box offers, to whom, and how fast."""

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from tests.discussions.conftest import make_draft_page
from tests.factories import government_page, make_member
from tests.site.test_practice_support import make_practice
from workspace.accounts.services import add_member
from workspace.discussions.access import can_view_page_discussion
from workspace.discussions.notifications import mentioned_members
from workspace.discussions.services import mention_candidates
from workspace.site.models import BestPracticePage

pytestmark = pytest.mark.django_db


def member(email, first_name, last_name, role="participant", government_code=None):
    return add_member(
        email=email, role=role, government_code=government_code, first_name=first_name, last_name=last_name
    )


def candidates(client, page, query):
    response = client.get(reverse("discussions:mention_candidates", args=[page.pk]), {"q": query})
    assert response.status_code == 200
    return response.json()


def test_the_members_whose_name_or_address_starts_with_the_query_accents_aside(client_for, coordinator):
    maria = member("maria.lopez@example.org", "María", "López")
    member("mario.perez@example.org", "Mario", "Pérez")
    member("ana.martinez@example.org", "Ana", "Martínez")
    member("jose.ramos@example.org", "José", "Ramos")  # no word of his starts with "mar"
    member("omar.diaz@example.org", "Omar", "Díaz")  # "mar" inside a word is not a start
    client = client_for(coordinator)
    page = government_page("GT")

    assert candidates(client, page, "mar") == [
        {"handle": "maria.lopez", "name": "María López"},
        {"handle": "ana.martinez", "name": "Ana Martínez"},
        {"handle": "mario.perez", "name": "Mario Pérez"},
    ]
    assert [c["name"] for c in candidates(client, page, "MARÍA")] == ["María López"]
    assert [c["name"] for c in candidates(client, page, "lopez")] == ["María López"]
    assert [c["name"] for c in candidates(client, page, "Jose")] == ["José Ramos"]
    assert [c["name"] for c in candidates(client, page, "omar.d")] == ["Omar Díaz"]  # the email's local part
    assert mentioned_members(f"@{candidates(client, page, 'maría')[0]['handle']} look") == [maria]


@pytest.mark.parametrize("query", ["", " ", "@", "ma ria", "<script>", "ma%", "(a|b)"])
def test_no_query_or_one_no_handle_could_start_with_offers_nobody(client_for, coordinator, query):
    member("maria.lopez@example.org", "María", "López")
    assert candidates(client_for(coordinator), government_page("GT"), query) == []


def test_the_handle_is_the_whole_address_when_another_active_member_shares_the_local_part(client_for, coordinator):
    gt = member("maria@gobierno.gt", "María", "Gómez")
    member("maria@gobierno.hn", "María", "Hernández")
    unique = member("marta@gobierno.gt", "Marta", "Ruiz")
    found = candidates(client_for(coordinator), government_page("GT"), "mar")

    assert found == [
        {"handle": "maria@gobierno.gt", "name": "María Gómez"},
        {"handle": "maria@gobierno.hn", "name": "María Hernández"},
        {"handle": "marta", "name": "Marta Ruiz"},
    ]
    # What the autocomplete inserts is what the parser resolves to that one member.
    assert mentioned_members("@maria@gobierno.gt and @marta") == [gt, unique]


def test_inactive_members_and_the_viewer_are_not_offered(client_for):
    viewer = member("mariela@example.org", "Mariela", "Vega")
    gone = member("marcos@example.org", "Marcos", "Soto")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    member("mariano@example.org", "Mariano", "Cruz")

    assert candidates(client_for(viewer), government_page("GT"), "mar") == [
        {"handle": "mariano", "name": "Mariano Cruz"}
    ]


def test_a_draft_s_thread_offers_only_those_who_can_read_it(client_for):
    """Never the members of another government (nor participants) who could not see the draft."""
    viewer = make_member("focal_point", government_code="GT", first_name="Viewer")
    colleague = make_member("focal_point", government_code="GT", first_name="Marisol")
    coordinator = make_member("coordinator", first_name="Marcela")
    make_member("focal_point", government_code="HN", first_name="Marvin")
    make_member("participant", first_name="Marina")
    draft = make_draft_page("GT")

    names = [c["name"] for c in candidates(client_for(viewer), draft, "mar")]

    assert sorted(names) == sorted([colleague.get_full_name(), coordinator.get_full_name()])


@pytest.mark.parametrize("page_kind", ["live", "draft GT", "draft HN", "groups-restricted", "password-restricted"])
def test_the_candidates_are_exactly_the_members_the_access_rule_lets_in(coordinator, page_kind):
    """The autocomplete's query mirrors `can_view_page_discussion`, member by member."""
    everyone = [
        make_member("participant", first_name="Marla"),
        make_member("focal_point", government_code="GT", first_name="Marla"),
        make_member("focal_point", government_code="HN", first_name="Marla"),
        make_member("coordinator", first_name="Marla"),
    ]
    if page_kind == "live":
        page = government_page("GT")
    elif page_kind.startswith("draft"):
        page = make_draft_page(page_kind[-2:])
    else:
        page = make_draft_page("HN")
        page.live = True
        page.save(update_fields=["live"])
        if page_kind == "password-restricted":
            PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="x")
        else:
            restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
            restriction.groups.set(everyone[0].groups.all())

    offered = {c["handle"] for c in mention_candidates(viewer=coordinator, page=page, query="marla")}

    allowed = {m.email.partition("@")[0] for m in everyone if can_view_page_discussion(m, page)}
    assert offered == allowed
    assert 0 < len(allowed) < len(everyone) or page_kind == "live"


def test_at_most_eight_ordered_by_name(client_for, coordinator):
    for letter in "KJIHGFEDCBA":
        member(f"marco.{letter.lower()}@example.org", "Marco", f"{letter}lvarez")
    found = candidates(client_for(coordinator), government_page("GT"), "marco")
    assert [c["name"] for c in found] == [f"Marco {letter}lvarez" for letter in "ABCDEFGH"]


def test_a_member_who_cannot_read_the_discussion_gets_a_404_not_a_list(client_for):
    draft = make_draft_page("GT")
    make_member("focal_point", government_code="GT", first_name="Marisol")
    stranger = make_member("focal_point", government_code="HN")

    response = client_for(stranger).get(reverse("discussions:mention_candidates", args=[draft.pk]), {"q": "mar"})

    assert response.status_code == 404
    assert b"Marisol" not in response.content


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("discussions:mention_candidates", args=[government_page("GT").pk]), {"q": "m"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_number_of_queries_does_not_grow_with_the_members(client_for, coordinator, django_assert_max_num_queries):
    client = client_for(coordinator)
    draft = make_draft_page("GT")
    member("marla.0@example.org", "Marla", "Zero", role="focal_point", government_code="GT")
    client.get(reverse("discussions:mention_candidates", args=[draft.pk]), {"q": "mar"})  # session, caches
    with django_assert_max_num_queries(16) as few:
        assert len(candidates(client, draft, "mar")) == 1
    for number in range(1, 12):
        member(f"marla.{number}@example.org", "Marla", f"N{number:02}", role="focal_point", government_code="GT")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(candidates(client, draft, "mar")) == 8


def test_a_page_type_s_own_access_rule_is_applied_to_the_matches(coordinator, monkeypatch):
    invited = make_member("participant", first_name="Marla", last_name="Invited")
    make_member("participant", first_name="Marla", last_name="Uninvited")
    practice = make_practice("GT")
    monkeypatch.setattr(
        BestPracticePage,
        "can_discuss",
        lambda page, user, anchor="": user.last_name != "Uninvited",
        raising=False,
    )

    offered = mention_candidates(viewer=coordinator, page=practice, query="marla")

    assert offered == [{"handle": invited.email.partition("@")[0], "name": "Marla Invited"}]
