"""Accessibility: axe-core on every main page, in Spanish and English, as each role.

Zero serious or critical violations (axe's impact levels). axe-core ships inside the
`axe-playwright-python` package (no network); it runs in the page as the member sees it.
"""

from concurrent.futures import ThreadPoolExecutor
from io import StringIO

from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse

from tests.e2e.harness import BrowserJourney
from tests.factories import make_member

BLOCKING = {"serious", "critical"}


def main_pages(language):
    """(name, path) of every main page in the language, from the seeded demo."""
    from wagtail.models import Locale

    from meetings.models import MeetingIndexPage, MeetingPage
    from workplans.models import WorkPlanIndexPage, WorkPlanPage
    from workspace.site.models import BestPracticeIndexPage, BestPracticePage, GovernmentPage, HomePage, PillarPage

    locale = Locale.objects.get(language_code=language)

    def first(model, **filters):
        page = model.objects.live().filter(locale=locale, **filters).first()
        page = page or model.objects.live().filter(locale__language_code="es", **filters).first()
        return page.url

    return [
        ("home", first(HomePage)),
        ("library", first(BestPracticeIndexPage)),
        ("practice", first(BestPracticePage)),
        ("government", first(GovernmentPage, code="GT")),
        ("pillar", first(PillarPage)),
        ("work plan", first(WorkPlanPage)),
        ("dashboard", first(WorkPlanIndexPage)),
        ("meetings", first(MeetingIndexPage)),
        ("meeting", first(MeetingPage)),
        ("notifications", reverse("notifications:list")),
        ("account", reverse("account_profile")),
    ]


class EveryMainPageHasNoSeriousViolation(BrowserJourney):
    def violations(self, where):
        found = []
        for violation in Axe().run(self.page).response["violations"]:
            if violation["impact"] in BLOCKING:
                targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
                found.append(f"{where}: {violation['id']} ({violation['impact']}) at {targets}")
        return found

    def test_the_sign_in_page_and_each_role_s_main_pages_in_spanish_and_english(self):
        # In a thread of its own: this one runs the browser's event loop, where the demo's pushes
        # on commit could not be sent.
        with ThreadPoolExecutor(max_workers=1) as executor:
            executor.submit(call_command, "seed_demo", force=True, stdout=StringIO()).result()
        members = {
            "participant": make_member("participant"),
            "focal point": make_member("focal_point", government_code="GT"),
            "coordinator": make_member("coordinator"),
        }
        found = []
        self.page.goto(self.url("/accounts/login/"))
        found += self.violations("sign-in")
        for role, member in members.items():
            self.page.context.clear_cookies()
            self.sign_in(member)
            for language in ("es", "en") if role == "participant" else ("es",):
                for name, path in main_pages(language):
                    self.page.goto(self.url(path))
                    found += self.violations(f"{role} · {language} · {name} ({path})")
        assert found == [], "\n".join(found)
