"""The example portals in a real browser: Debian's chromium, driven by
Playwright, against the built site served over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import AXE, EXAMPLE_TOKENS, REPO, TODAY, served

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
PORTALS = {key: token for key, token in EXAMPLE_TOKENS.items() if key[1] != "brand-refresh"}
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
#: An afternoon of the examples' build day, for the browser's clock.
BUILD_DAY = dt.datetime.combine(TODAY, dt.time(15))


@pytest.fixture(scope="module")
def base_url(examples):
    with served(examples.output) as url:
        yield url


def portal_url(base_url, key):
    return f"{base_url}/p/{PORTALS[key]}/"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("key", sorted(PORTALS), ids="/".join)
def test_axe_finds_no_accessibility_violations(browser, base_url, key, scheme):
    # The page's CSP admits only its own script; axe is injected by the test.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme, viewport=DESKTOP)
    page = context.new_page()
    page.goto(portal_url(base_url, key))
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
    }""")
    context.close()
    assert result == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["320px", "1280px"])
@pytest.mark.parametrize("key", sorted(PORTALS), ids="/".join)
def test_no_sideways_scrolling_and_the_ball_in_court_comes_first(browser, base_url, key, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    # Opened on the build day: on a later day the inline script rewrites the
    # counts, and whether Chromium painted before it ran is a matter of timing.
    page.clock.install(time=BUILD_DAY)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(portal_url(base_url, key), wait_until="networkidle")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    # On a desktop the whole panel; on a phone at least who must act, the
    # current step, since when and how it stands (the step's note, the grace
    # period, the forecast and decisions waiting follow; tests/test_panel.py
    # has them on the first screen of a 390 px phone).
    panel = (page.locator("section.court") if viewport is DESKTOP else
             page.locator("section.court :is(h2 + p, [data-since], [data-due])").last).bounding_box()
    shift = page.evaluate("""() => new Promise(resolve => {
        let total = 0;
        new PerformanceObserver(list => { for (const e of list.getEntries()) total += e.value; })
            .observe({type: "layout-shift", buffered: true});
        setTimeout(() => resolve(total), 300);
    })""")
    context.close()
    assert widths[0] <= widths[1], f"{widths[0]}px of content in a {widths[1]}px window"
    assert panel["y"] + panel["height"] <= viewport["height"]
    assert shift == 0
    assert requests and all(url.startswith(base_url + "/") for url in requests), requests


@pytest.mark.parametrize("width", [641, 700, 768, 896, 897, 925, 960, 961])
def test_no_sideways_scrolling_on_a_tablet(browser, base_url, width):
    """Between a phone's cards and the page's full width (a tablet, a
    narrow window) the schedule's dates, three of them with a forecast, must
    still fit in German and Russian, and the studio's dashboard too."""
    from helpers import STUDIO_TOKEN

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.clock.install(time=BUILD_DAY)
    overflowing = []
    pages = {"/".join(key): portal_url(base_url, key) for key in sorted(PORTALS)}
    pages["dashboard"] = f"{base_url}/studio/{STUDIO_TOKEN}/"
    for name, url in pages.items():
        page.goto(url, wait_until="networkidle")
        scroll, window = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > window:
            overflowing.append(f"{name}: {scroll}px in {window}px")
    context.close()
    assert overflowing == []


def test_days_later_the_page_counts_to_the_viewers_today(browser, base_url):
    # Built on Mon 23 Nov 2026; opened on Mon 30 Nov 2026, five business days on.
    context = browser.new_context()
    page = context.new_page()
    page.clock.install(time=dt.datetime(2026, 11, 30, 9, 0))
    page.goto(portal_url(base_url, ("acme", "website-redesign")))
    court = page.locator("section.court")
    # Wed 18 Nov is a holiday in Saxony, where Acme works; the content is
    # late against Tue 10 Nov, where the studio's late concepts moved it.
    assert court.locator("[data-since]").inner_text() == \
        "Waiting since Tue 3 Nov 2026: 18 business days"
    assert court.locator("[data-due]").inner_text() == \
        "Due Tue 10 Nov 2026, moved from Fri 6 Nov 2026: 13 business days ago"
    assert court.locator("[data-due]").get_attribute("class") == "court-due court-due--overdue"
    assert court.locator("[data-proposed]").inner_text() == "9 business days ago"
    assert page.locator("[data-as-of]").inner_text() == "Mon 30 Nov 2026 (your date)"

    page.goto(portal_url(base_url, ("harbor", "office-signage")))  # studio: 5 days' grace
    assert page.locator("[data-due]").inner_text() == "Due Thu 19 Nov 2026: 7 business days ago"
    assert page.locator("[data-past-grace]").is_visible()
    assert "As agreed: We take 10% off" in page.locator("[data-past-grace]").inner_text()
    assert not page.locator("[data-grace-left]").is_visible()

    page.goto(portal_url(base_url, ("mueller", "newsletter")))  # was due soon, now late; German
    assert page.locator("[data-due]").inner_text() == \
        "Fällig am Mi., 25. Nov. 2026, 10:00: vor 3 Arbeitstagen"
    assert page.locator("[data-as-of]").inner_text() == "Mo., 30. Nov. 2026 (Ihr Datum)"
    # Built when nothing of it was used, the grace period now has 7 of 10 left.
    assert page.locator("[data-grace-left]").inner_text() == ("Noch 7 Arbeitstage, dann: Das "
                                                            "Projekt pausiert und rückt in unseren "
                                                            "nächsten freien Zeitraum.")
    assert not page.locator("[data-past-grace]").is_visible()
    context.close()


def test_without_javascript_the_build_day_values_stand(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(portal_url(base_url, ("acme", "website-redesign")))
    assert page.locator("[data-since]").inner_text() == \
        "Waiting since Tue 3 Nov 2026: 13 business days"
    assert page.locator("[data-due]").inner_text() == \
        "Due Tue 10 Nov 2026, moved from Fri 6 Nov 2026: 8 business days ago"
    assert page.locator("[data-as-of]").inner_text() == "Mon 23 Nov 2026"
    context.close()


def test_on_the_build_day_the_script_changes_nothing(browser, base_url, examples):
    context = browser.new_context()
    page = context.new_page()
    page.clock.install(time=BUILD_DAY)
    page.goto(portal_url(base_url, ("mueller", "newsletter")))  # in German
    assert page.locator("[data-due]").inner_text() == \
        "Fällig am Mi., 25. Nov. 2026, 10:00: in 2 Arbeitstagen"
    assert page.locator("[data-as-of]").inner_text() == "Mo., 23. Nov. 2026"
    context.close()


def test_keyboard_focus_is_visible(browser, base_url):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(portal_url(base_url, ("acme", "website-redesign")))
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return {text: e.textContent, outline: s.outlineStyle, width: s.outlineWidth,
                visible: r.top >= 0 && r.left >= 0 && r.width > 0}; }""")
    context.close()
    assert focused["text"] == "Skip to content"
    assert focused["outline"] != "none" and focused["width"] != "0px" and focused["visible"]


def test_print_shows_the_agreement_and_schedule_without_the_rest(browser, base_url):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(portal_url(base_url, ("acme", "website-redesign")))
    page.emulate_media(media="print")
    assert page.locator("table.schedule").is_visible()
    assert page.locator("section.agreement").is_visible()
    assert not page.locator("section.subscribe").is_visible()
    assert not page.locator(".skip").is_visible()
    link_text = page.evaluate("""() => getComputedStyle(
        document.querySelector("footer a[href^='mailto:']"), "::after").content""")
    context.close()
    assert "mailto:hello@northwind.example" in link_text


@pytest.mark.parametrize("name, viewport, scheme", [
    ("phone", {"width": 375, "height": 812}, "light"),
    ("desktop", {"width": 1280, "height": 900}, "light"),
    ("phone-dark", {"width": 375, "height": 812}, "dark"),
    ("desktop-dark", {"width": 1280, "height": 900}, "dark"),
])
def test_screenshots_for_people_to_look_at(browser, base_url, name, viewport, scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    page.goto(portal_url(base_url, ("acme", "website-redesign")))
    path = SCREENSHOTS / f"acme-website-redesign-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    context.close()
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_studio_dashboard_is_accessible_and_fits_a_phone(browser, base_url, scheme):
    from helpers import STUDIO_TOKEN

    url = f"{base_url}/studio/{STUDIO_TOKEN}/"
    context = browser.new_context(bypass_csp=True, color_scheme=scheme, viewport=PHONE)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url, wait_until="networkidle")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run()).violations.map(v => v.id)")
    context.close()
    assert violations == []
    assert widths[0] <= widths[1]
    assert all(url.startswith(base_url + "/") for url in requests if not url.endswith("axe.min.js"))
