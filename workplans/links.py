"""What points at a plan's activities from the rooms above this one (meeting action items…).

Work plans sit below meetings in the layers: this room never imports meetings. A room above
registers a provider in its `AppConfig.ready()`; the plan page asks every provider once for all
its activities. A provider is `provider(activity_uuids, *, viewer, request=None)` returning
{activity uuid (str): [ActivityLink, …]} for what the viewer may see, in a fixed number of
queries (one, for meetings), however many activities the plan has.
"""

from dataclasses import dataclass

_PROVIDERS = {}


@dataclass(frozen=True)
class ActivityLink:
    title: str  # e.g. the action item
    url: str  # where it is shown (e.g. the meeting's outcomes)
    context: str  # e.g. the meeting's title and date
    status: str  # its status, already in the reader's language
    is_open: bool = True


def register_activity_links(key, provider):
    """Register (or replace, e.g. in tests) the provider called `key`."""
    _PROVIDERS[key] = provider


def links_for_activities(activity_uuids, *, viewer, request=None):
    """{activity uuid: [ActivityLink]} from every provider, in registration order."""
    uuids = sorted({str(uuid) for uuid in activity_uuids})
    links = {}
    if not uuids:
        return links
    for provider in _PROVIDERS.values():
        for uuid, found in provider(uuids, viewer=viewer, request=request).items():
            links.setdefault(str(uuid), []).extend(found)
    return links
