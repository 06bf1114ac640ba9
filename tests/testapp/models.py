from wagtail.models import Page

PARTS = 12


class PartsPage(Page):
    """A page with twelve discussable parts (like a work plan's activities): one socket must carry them all."""

    template = "testapp/parts_page.html"

    def discussion_anchors(self):
        return {f"part-{number}": f"Part {number}" for number in range(1, PARTS + 1)}


class InviteesPage(Page):
    """A page whose part "closed" only coordinators may discuss (a page type's own rule, like a meeting's)."""

    template = "testapp/parts_page.html"

    def discussion_anchors(self):
        return {"open": "Open part", "closed": "Closed part"}

    def can_discuss(self, user, anchor):
        return anchor != "closed" or user.is_coordinator
