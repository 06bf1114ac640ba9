"""The page sweep: every main page at 375, 1366 and 1920 px in Spanish, English and French.

A page fails on horizontal overflow of the document, on an element cut by its own box (text
clipped: its content wider than a box that hides overflow), on an element whose edge passes the
visible box (card, table, panel) it sits in, on any console error or uncaught exception, and on
any Content-Security-Policy violation. Each case is named page × language × width; a failure
saves a screenshot to $E2E_ARTIFACTS (default /tmp/e2e-artifacts).

Fast by design: one server and one seeded workspace (seed_demo) for the module, one signed-in
context per role; a page is loaded once per language and checked at the three widths by resizing
the viewport (layout follows the media queries without a reload).
"""

import io
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pytest
from channels.testing.live import make_application
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from wagtail.models import Locale

from tests.e2e.conftest import TIMEOUT_MS, _restore
from tests.e2e.harness import LOGIN_PATH, MFA_PATH, DaphneOnTheTestDatabase
from tests.factories import PASSWORD, current_totp_code, make_member

# Asks pytest-django for the test database, serialized as the journeys need it; each case only
# reads it, through the server.
pytestmark = pytest.mark.django_db(serialized_rollback=True)

HOST = "127.0.0.1"
LANGUAGES = ("es", "en", "fr")
WIDTHS = (375, 1366, 1920)
HEIGHT = 900
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"))

# page name → the role that opens it; the paths are found in the seeded workspace (`_paths`).
PAGES = {
    "home": "participant",
    "governments": "participant",
    "government": "participant",
    "pillars": "participant",
    "pillar": "participant",
    "library": "participant",
    "library-filtered": "participant",
    "practice": "participant",
    "notifications": "participant",
    "profile": "participant",
    "email": "participant",
    "mfa": "participant",
    "sessions": "participant",
    "sign-in": "anonymous",
    "workplan-dashboard": "participant",
    "workplan": "participant",
    "meetings": "participant",
    "meetings-month": "participant",
    "meeting": "participant",
    "roster": "coordinator",
}

CASES = [
    pytest.param(name, language, width, id=f"{name}-{language}-{width}")
    for name in PAGES
    for language in LANGUAGES
    for width in WIDTHS
]

# Records CSP violations from the first script on; the page's own scripts cannot hide them.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""

# What a reader would see as broken, for the current viewport. Elements that are not rendered,
# visually hidden (the 1-px accessible labels) or positioned out of the flow (menus, the skip
# link) are left out; inside a scrolling box (a wide table that scrolls) nothing can pass it.
FIND_OVERFLOWS = """
() => {
  const problems = [];
  const root = document.documentElement;
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim()) {
      name += "." + el.className.trim().split(/\\s+/).join(".");
    }
    const text = (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return text ? `${name} "${text}"` : name;
  };
  if (root.scrollWidth > root.clientWidth) {
    const wide = [...document.body.querySelectorAll("*")]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
      .slice(-3).map(describe);
    problems.push(`document is ${root.scrollWidth}px wide in a ${root.clientWidth}px viewport: ${wide.join("; ")}`);
  }
  const styles = new Map();
  const style = (el) => {
    if (!styles.has(el)) styles.set(el, getComputedStyle(el));
    return styles.get(el);
  };
  const hiddenBox = (el) => {
    const s = style(el);
    return s.display === "none" || s.visibility === "hidden" || el.clientWidth <= 1 || el.clientHeight <= 1
      || s.clip !== "auto" || s.clipPath !== "none";
  };
  const outOfFlow = (el) => ["absolute", "fixed"].includes(style(el).position);
  const scrolls = (el) => ["auto", "scroll"].includes(style(el).overflowX);
  const clips = (el) => ["hidden", "clip"].includes(style(el).overflowX);
  const isBox = (el) => {
    const s = style(el);
    return el === document.body || parseFloat(s.borderLeftWidth) > 0 || parseFloat(s.borderRightWidth) > 0
      || (s.backgroundColor !== "rgba(0, 0, 0, 0)" && s.backgroundColor !== "transparent") || s.boxShadow !== "none";
  };
  const seen = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    if (["SCRIPT", "STYLE", "TEMPLATE", "BR", "OPTION"].includes(el.tagName)) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    let skip = false;
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      if (hiddenBox(node) && node !== el) { skip = true; break; }
      if (outOfFlow(node) || style(node).display === "none") { skip = true; break; }
    }
    if (skip) continue;
    if (clips(el) && !hiddenBox(el) && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${describe(el)} clips its text (${el.scrollWidth}px of content in ${el.clientWidth}px)`);
    }
    for (let box = el.parentElement; box; box = box.parentElement) {
      if (scrolls(box) || clips(box)) break;
      if (!isBox(box)) continue;
      const outer = box.getBoundingClientRect();
      const passes = Math.max(rect.right - outer.right, outer.left - rect.left);
      if (passes > 1) {
        const key = describe(el) + " in " + describe(box);
        if (!seen.has(key)) {
          problems.push(`${describe(el)} passes the edge of ${describe(box)} by ${Math.round(passes)}px`);
        }
        seen.add(key);
      }
      break;
    }
  }
  return problems.slice(0, 20);
}
"""


@dataclass
class Visitor:
    """One role's tab: reloads only when the page or language changes; collects errors per load."""

    page: object
    cookie_url: str
    loaded: tuple = ()
    errors: list = field(default_factory=list)

    def __post_init__(self):
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def open(self, url, language):
        if self.loaded == (url, language):
            return
        self.errors.clear()
        # Pages outside the language prefix (account, notifications) follow the language cookie,
        # as after a choice in the switcher.
        self.page.context.add_cookies([{"name": "django_language", "value": language, "url": self.cookie_url}])
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, f"{url}: HTTP {response and response.status}"
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("document.fonts.ready")
        self.loaded = (url, language)
        self.errors.extend(self.page.evaluate("window.__cspViolations || []"))


def _start_server():
    server = DaphneOnTheTestDatabase(HOST, partial(make_application, static_wrapper=ASGIStaticFilesHandler), setup=None)
    server.start()
    while not server.ready.wait(timeout=1):
        if not server.is_alive():
            raise RuntimeError("the sweep's server stopped before serving")
    return server, f"http://{HOST}:{server.port.value}"


def _translated_url(page, language):
    """The page in `language` when a live translation exists, else its source under that language."""
    translation = page.get_translation_or_none(Locale.objects.get(language_code=language))
    if translation is not None and translation.live:
        return translation.url
    return f"/{language}/source/{page.pk}/"


def _paths():
    """Each page name → language → path, found in the seeded workspace."""
    from meetings.models import MeetingIndexPage, MeetingPage
    from workplans.models import WorkPlanIndexPage, WorkPlanPage
    from workspace.discussions.services import thread_of
    from workspace.site.models import (
        BestPracticeIndexPage,
        BestPracticePage,
        GovernmentIndexPage,
        GovernmentPage,
        HomePage,
        PillarIndexPage,
        PillarPage,
    )

    def spanish(model, **filters):
        return model.objects.live().filter(locale__language_code="es", **filters).order_by("pk").first()

    practice = next(
        page
        for page in BestPracticePage.objects.live().filter(locale__language_code="es").order_by("pk")
        if thread_of(page) is not None
    )
    meeting = MeetingPage.objects.live().filter(locale__language_code="es").order_by("-starts_at").first()
    pages = {
        "home": spanish(HomePage),
        "governments": spanish(GovernmentIndexPage),
        "government": spanish(GovernmentPage, code="HT"),
        "pillars": spanish(PillarIndexPage),
        "pillar": spanish(PillarPage),
        "library": spanish(BestPracticeIndexPage),
        "practice": practice,
        "workplan-dashboard": spanish(WorkPlanIndexPage),
        "workplan": spanish(WorkPlanPage),
        "meetings": spanish(MeetingIndexPage),
        "meeting": meeting,
    }
    paths = {name: {lang: _translated_url(page, lang) for lang in LANGUAGES} for name, page in pages.items()}
    for lang in LANGUAGES:
        paths["library-filtered"] = paths.get("library-filtered", {})
        paths["library-filtered"][lang] = paths["library"][lang] + "?pillar=3&sort=newest"
        paths["meetings"][lang] = paths["meetings"][lang].split("?")[0] + "?when=all"
        paths.setdefault("meetings-month", {})[lang] = (
            paths["meetings"][lang].split("?")[0] + f"?month={meeting.starts_at:%Y-%m}"
        )
    fixed = {
        "notifications": "/notifications/",
        "profile": "/accounts/profile/",
        "email": "/accounts/email/",
        "mfa": "/accounts/2fa/",
        "sessions": "/accounts/sessions/",
        "sign-in": LOGIN_PATH,
        "roster": f"/meetings/{meeting.pk}/roster/",
    }
    for name, path in fixed.items():
        paths[name] = dict.fromkeys(LANGUAGES, path)
    return paths


def _sign_in(page, base_url, member):
    page.goto(base_url + LOGIN_PATH)
    form = page.locator("form", has=page.locator('input[name="password"]'))
    form.locator('input[name="login"]').fill(member.email)
    form.locator('input[name="password"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    if page.url.endswith(MFA_PATH):
        page.locator('input[name="code"]').fill(current_totp_code(member))
        with page.expect_navigation():
            page.locator('main button[type="submit"]').first.click()
    assert LOGIN_PATH not in page.url and MFA_PATH not in page.url, (
        f"{member.email} could not sign in: {page.locator('main').inner_text()}"
    )


# Eleven of the 28 demo practices: every page type and state the sweep meets (translations in
# English and French, related practices, Haiti's three, the longest titles and partner names) at
# a third of the seeding time.
SWEEP_PRACTICES = (0, 3, 6, 9, 11, 13, 17, 19, 25, 26, 27)


def _seed():
    from workspace.site import demo

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(demo, "DEMO_PRACTICES", tuple(demo.DEMO_PRACTICES[i] for i in SWEEP_PRACTICES))
            call_command("seed_demo", "--force", stdout=io.StringIO())
        members = {
            # Long names, as real ones are: the header and the roster must hold them.
            "participant": make_member(
                "participant", language="es", first_name="María Fernanda", last_name="Solís Villalobos"
            ),
            "coordinator": make_member("coordinator", language="es"),
        }
        return members, _paths()
    finally:
        connections.close_all()


@pytest.fixture(scope="module")
def sweep(browser, workspace_snapshot, django_db_blocker):
    """The seeded workspace served by daphne, and a signed-in tab per role."""
    cache.clear()
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        _restore(workspace_snapshot)
        # Off Playwright's thread, whose event loop would keep the seeding's pushes from being sent.
        with ThreadPoolExecutor(max_workers=1) as pool:
            members, paths = pool.submit(_seed).result()
        # The server is a fork of this process: started here, it may use the database.
        server, base_url = _start_server()
    visitors = {}
    patch = pytest.MonkeyPatch()
    # Each case runs in pytest-django's transaction, which reads nothing: on SQLite, begun
    # IMMEDIATE (the settings) it would hold the write lock the server needs to save a session.
    connection = connections["default"]
    if connection.vendor == "sqlite":
        patch.setitem(connection.settings_dict["OPTIONS"], "transaction_mode", "DEFERRED")
        patch.setattr(connection, "transaction_mode", "DEFERRED", raising=False)
    try:
        for role in ("anonymous", "participant", "coordinator"):
            context = browser.new_context(locale="en-US", viewport={"width": WIDTHS[0], "height": HEIGHT})
            context.set_default_timeout(TIMEOUT_MS)
            context.add_init_script(WATCH_CSP)
            page = context.new_page()
            if role in members:
                with django_db_blocker.unblock():
                    _sign_in(page, base_url, members[role])
            visitors[role] = Visitor(page=page, cookie_url=base_url)
        yield base_url, paths, visitors
    finally:
        patch.undo()
        for visitor in visitors.values():
            visitor.page.context.close()
        server.terminate()
        server.join()
        # The next journey restores the snapshot into an empty database (serialized_rollback).
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        cache.clear()


@pytest.mark.parametrize(("name", "language", "width"), CASES)
def test_page_holds_its_layout_without_errors(sweep, name, language, width):
    base_url, paths, visitors = sweep
    visitor = visitors[PAGES[name]]
    page = visitor.page
    visitor.open(base_url + paths[name][language], language)
    page.set_viewport_size({"width": width, "height": HEIGHT})
    overflows = page.evaluate(FIND_OVERFLOWS)
    problems = overflows + list(visitor.errors)
    if problems:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / re.sub(r"[^\w.-]+", "_", f"sweep-{name}-{language}-{width}.jpg")
        page.screenshot(path=shot, full_page=True, type="jpeg", quality=70)
        problems.append(f"screenshot: {shot}")
    assert not problems, f"{paths[name][language]} at {width}px:\n" + "\n".join(problems)
