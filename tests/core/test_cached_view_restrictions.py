"""Wagtail's view-restriction check before a page is served reads the restrictions from the cache
(`core.pages.CachedViewRestrictions`): a restriction added, changed or removed shows on the next
request, and the answer is the same rows Wagtail would read."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from tests.site.test_practice_support import make_practice

pytestmark = pytest.mark.django_db


def restrict_to(page, group):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(group)
    return restriction


def test_the_cached_answer_is_wagtails(coordinator):
    practice = make_practice("GT")
    restriction = restrict_to(practice, Group.objects.get(name="Coordinators"))
    cached = practice.get_view_restrictions()
    assert list(cached) == list(Page.get_view_restrictions(practice))
    own = next(found for found in cached if found.pk == restriction.pk)  # beside the site's sign-in rule
    assert {*own.groups.all()} == {Group.objects.get(name="Coordinators")}
    assert cached.order_by("-page__depth")[0] == restriction  # still a queryset for Wagtail's admin


def test_a_restriction_shows_on_the_next_request_and_goes_with_it(client_for, participant, coordinator):
    practice = make_practice("GT")
    client = client_for(participant)
    assert client.get(practice.url).status_code == 200
    restriction = restrict_to(practice, Group.objects.get(name="Coordinators"))
    assert client.get(practice.url).status_code == 302  # Wagtail sends a member outside the group to sign in
    assert client_for(coordinator).get(practice.url).status_code == 200
    restriction.groups.set([Group.objects.get(name="Participants")])
    assert client_for(participant).get(practice.url).status_code == 200
    restriction.delete()
    assert client_for(participant).get(practice.url).status_code == 200


def test_serving_a_page_asks_no_query_about_its_restrictions(client_for, participant):
    practice = make_practice("GT")
    client = client_for(participant)
    client.get(practice.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(practice.url).status_code == 200
    assert not [query for query in queries if "wagtailcore_pageviewrestriction" in query["sql"]]
