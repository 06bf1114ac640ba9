"""Scheduling in the admin: local times in the meeting's zone, stored in UTC; overlap and over-time warnings."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from meetings.models import MeetingIndexPage, MeetingPage
from meetings.services import overlapping_meetings
from meetings.zones import MEETING_ZONES, local_to_utc, zone_choices
from tests.factories import make_meeting
from workspace.core.zones import time_zone_name

pytestmark = pytest.mark.django_db

# (zone, local wall-clock time, expected UTC): all nine capitals, Haiti with and without DST,
# Mexico City with DST in 2018 and without it since 2022.
CONVERSIONS = [
    ("America/Mexico_City", datetime(2018, 10, 22, 9), datetime(2018, 10, 22, 14)),
    ("America/Mexico_City", datetime(2025, 7, 1, 9), datetime(2025, 7, 1, 15)),
    ("America/Belize", datetime(2025, 7, 1, 9), datetime(2025, 7, 1, 15)),
    ("America/Guatemala", datetime(2025, 7, 1, 9), datetime(2025, 7, 1, 15)),
    ("America/El_Salvador", datetime(2025, 7, 1, 9), datetime(2025, 7, 1, 15)),
    ("America/Tegucigalpa", datetime(2025, 7, 1, 9), datetime(2025, 7, 1, 15)),
    ("America/Costa_Rica", datetime(2018, 10, 22, 9), datetime(2018, 10, 22, 15)),
    ("America/Panama", datetime(2025, 7, 1, 9), datetime(2025, 7, 1, 14)),
    ("America/Port-au-Prince", datetime(2025, 7, 1, 9), datetime(2025, 7, 1, 13)),
    ("America/Port-au-Prince", datetime(2025, 1, 15, 9), datetime(2025, 1, 15, 14)),
    ("America/Santo_Domingo", datetime(2025, 1, 15, 9), datetime(2025, 1, 15, 13)),
    ("UTC", datetime(2025, 1, 15, 9), datetime(2025, 1, 15, 9)),
]


@pytest.mark.parametrize(("zone", "local", "expected"), CONVERSIONS)
def test_local_times_convert_to_utc(zone, local, expected):
    assert local_to_utc(local, zone) == expected.replace(tzinfo=UTC)


def test_only_the_regions_zones_are_accepted():
    assert len(MEETING_ZONES) == 10
    with pytest.raises(ValueError):
        local_to_utc(datetime(2025, 1, 1, 9), "Europe/Paris")


def test_zone_names_follow_the_readers_language_with_the_id_only_where_asked():
    with translation.override("es"):
        assert time_zone_name("America/Port-au-Prince", with_id=True) == "hora de Haití (America/Port-au-Prince)"
        assert time_zone_name("America/Port-au-Prince") == "hora de Haití"
        assert time_zone_name("UTC", with_id=True) == "tiempo universal coordinado (UTC)"
    with translation.override("fr"):
        assert time_zone_name("America/Mexico_City", with_id=True) == "heure de Mexico (America/Mexico_City)"
    with translation.override("en"):
        assert dict(zone_choices())["America/Guatemala"] == "Guatemala time (America/Guatemala)"
    assert time_zone_name("Europe/Madrid", with_id=True) == "Europe/Madrid"


def meeting_form(**overrides):
    data = nested_form_data(
        {
            "title": "Sesión de trabajo sobre retorno",
            "slug": "sesion-retorno",
            "kind": "working_session",
            "status": "scheduled",
            "local_start": "2030-03-04 09:00",
            "local_end": "2030-03-04 11:00",
            "time_zone": "America/Tegucigalpa",
            "host_government": "HN",
            "venue": "Casa Presidencial, Tegucigalpa",
            "online_link": "",
            "summary": "",
            "minutes": rich_text(""),
            "outcomes_phase": "draft",
            "corrections_deadline": "",
            "agenda_items": inline_formset(
                [
                    {
                        "day": "1",
                        "start_time": "09:00",
                        "duration_minutes": "150",
                        "title": "Bienvenida",
                        "description": "",
                        "pillar": "1",
                        "presenters": "",
                        "document": "",
                    }
                ]
            ),
            "decisions": inline_formset([]),
            "action_items": inline_formset([]),
            "comments": inline_formset([]),
            "seo_title": "",
            "search_description": "",
        }
    )
    data["invited_governments"] = ["HN", "GT"]
    data["pillars"] = ["1", "2"]
    data["invited_members"] = []
    data.update(overrides)
    return data


def add_url():
    index = MeetingIndexPage.objects.get(locale__language_code="es")
    return f"/admin/pages/add/meetings/meetingpage/{index.pk}/"


def test_a_coordinator_schedules_a_meeting_in_the_admin(client_for, coordinator):
    other = make_meeting(
        governments=("GT",), starts_at=datetime(2030, 3, 4, 16, tzinfo=UTC), hours=1, title="Reunión que se cruza"
    )
    client = client_for(coordinator)
    response = client.post(add_url(), meeting_form(**{"action-publish": "publish"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = MeetingPage.objects.get(slug="sesion-retorno")
    # 09:00 in Tegucigalpa (UTC−6) is 15:00 UTC.
    assert meeting.starts_at == datetime(2030, 3, 4, 15, tzinfo=UTC)
    assert meeting.ends_at == datetime(2030, 3, 4, 17, tzinfo=UTC)
    assert meeting.live and meeting.invited_government_codes == ["GT", "HN"]
    assert meeting.pillar_numbers == [1, 2]
    assert meeting.agenda_items.get().uuid
    warnings = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(other.title in message for message in warnings), warnings
    assert any("150" in message for message in warnings), warnings  # over time: 150 of 120 minutes


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"local_end": "2030-03-04 08:00"}, "local_end", "end after it starts"),
        ({"time_zone": "Europe/Paris"}, "time_zone", "Europe/Paris"),
    ],
)
def test_invalid_times_are_refused_and_nothing_is_written(client_for, coordinator, overrides, field, text):
    response = client_for(coordinator).post(add_url(), meeting_form(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert not MeetingPage.objects.filter(slug="sesion-retorno").exists()


def test_editing_shows_the_local_times_in_the_meetings_zone(client_for, coordinator):
    meeting = make_meeting(starts_at=datetime(2030, 5, 6, 14, tzinfo=UTC), time_zone="America/Santo_Domingo")
    response = client_for(coordinator).get(f"/admin/pages/{meeting.pk}/edit/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["local_start"] == datetime(2030, 5, 6, 10)  # UTC−4


def test_focal_points_cannot_add_meetings(client_for, focal_point_gt):
    response = client_for(focal_point_gt).post(add_url(), meeting_form())
    assert response.status_code in (302, 403)
    assert not MeetingPage.objects.filter(slug="sesion-retorno").exists()


def test_capital_strip_warns_outside_working_hours_for_invited_capitals():
    # 07:00 in Mexico City and Guatemala is 09:00 in Santo Domingo.
    meeting = make_meeting(
        starts_at=datetime(2030, 1, 10, 13, tzinfo=UTC),
        hours=2,
        governments=("GT", "DO"),
        time_zone="America/Guatemala",
    )
    rows = {row["code"]: row for row in meeting.capital_times()}
    assert rows["GT"]["warning"] and rows["GT"]["start"].hour == 7
    assert not rows["DO"]["warning"] and rows["DO"]["start"].hour == 9
    assert not rows["MX"]["warning"], "not invited: shown, not flagged"


def test_end_before_start_is_refused_by_the_model_too():
    from django.core.exceptions import ValidationError

    meeting = make_meeting()
    meeting.ends_at = meeting.starts_at - timedelta(hours=1)
    with pytest.raises(ValidationError):
        meeting.full_clean()


def test_overlap_needs_a_common_government():
    start = datetime(2031, 2, 2, 15, tzinfo=UTC)
    first = make_meeting(starts_at=start, governments=("GT",))
    second = make_meeting(starts_at=start, governments=("PA",))
    assert overlapping_meetings(first) == []
    third = make_meeting(starts_at=start + timedelta(hours=1), governments=("GT", "PA"))
    assert {meeting.pk for meeting in overlapping_meetings(third)} == {first.pk, second.pk}
    make_meeting(starts_at=start, governments=("GT",), status="cancelled")
    assert overlapping_meetings(first) == [third]
