from tests.factories import make_meeting


def test_page_renders(client_for, focal_point_gt, coordinator, participant):
    meeting = make_meeting(
        agenda=["Apertura", "Plan de trabajo"], venue="Hotel X", online_link="https://meet.example.org/x"
    )
    response = client_for(focal_point_gt).get(meeting.url)
    assert response.status_code == 200, response.content[:3000]
    assert b"Hotel X" in response.content
    response = client_for(participant).get(meeting.url)
    assert b"Hotel X" not in response.content
    response = client_for(coordinator).get(meeting.get_parent().url)
    assert response.status_code == 200
    assert meeting.title.encode() in response.content
    response = client_for(focal_point_gt).get("/es/")
    assert meeting.title.encode() in response.content
