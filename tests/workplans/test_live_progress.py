"""A work plan's progress on the page socket: delivered live to another member, replayed after a reconnect."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from tests.discussions.conftest import clear_cache, sockets_in_test_transaction  # noqa: F401  (fixtures)
from tests.discussions.helpers import committed, page_socket, session_cookie_for
from tests.factories import make_plan
from tests.live.helpers import next_of, open_page, subscribe
from workplans.services import record_progress

pytestmark = pytest.mark.usefixtures("sockets_in_test_transaction")


def report(plan, member, percent):
    return committed(
        record_progress,
        plan=plan,
        activity_uuid=plan.activities()[0].uuid,
        by=member,
        status="in_progress",
        percent_complete=percent,
    )


def test_a_progress_update_reaches_a_reader_live_and_is_replayed_after_a_reconnect(
    focal_point_gt, participant, focal_point_hn
):
    plan = make_plan("GT", author=focal_point_gt)
    stream = f"progress:{plan.translation_key}"
    reader = session_cookie_for(participant)

    async def scenario():
        comm = page_socket(plan.pk, reader)
        await open_page(comm)
        answers = await subscribe(comm, {stream: 0, "progress:not-this-plan": 0})
        assert answers[stream]["type"] == "subscribed" and answers["progress:not-this-plan"]["code"] == 4404
        await sync_to_async(report)(plan, focal_point_gt, 40)
        event = await next_of(comm, "event")
        assert (event["stream"], event["sequence"], event["activity"]) == (stream, 1, plan.activities()[0].uuid)
        assert "40" in event["html"]
        await comm.disconnect()

        # Offline meanwhile: two more updates; the reconnecting reader gets both, in order, once.
        await sync_to_async(report)(plan, focal_point_gt, 60)
        await sync_to_async(report)(plan, focal_point_gt, 80)
        again = page_socket(plan.pk, reader)
        await open_page(again)
        await subscribe(again, {stream: 1})
        replayed = [await next_of(again, "event"), await next_of(again, "event")]
        assert [event["sequence"] for event in replayed] == [2, 3] and "80" in replayed[1]["html"]
        await again.disconnect()

    async_to_sync(scenario)()
