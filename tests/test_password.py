"""Password-protected portals: encrypted at build time, opened in the browser."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup
from cryptography.exceptions import InvalidTag

from courtside.seal import ITERATIONS, Sealed, salt_for, seal, unseal
from helpers import AXE, new_site, served, text_of

TOKEN = "Pw9kQ3vTnW2yLp7RbM4cHdX"
PASSWORD = "correct horse battery staple"
CLIENT = f"""\
name: Geheim & Partner
projects:
  - id: vault
    title: Vault redesign
    token: {TOKEN}
    password_env: GEHEIM_PORTAL_PW
    start: 2026-11-02
    agreement:
      terms:
        response_days: {{studio: 1, client: 2}}
        grace_days: {{studio: 5, client: 10}}
        consequences: {{studio: Studio pays., client: Client waits.}}
        deposit: 40%
        payment_days: 21
    milestones:
      - {{id: brief, title: Confidential briefing, owner: client, due: 2026-11-04, done: 2026-11-04}}
      - {{id: draft, title: Secret prototype, owner: studio, due: 2026-11-27}}
    log:
      - {{date: 2026-11-03, by: client, text: Codename Bluebird approved.}}
"""
SECRETS = ["Geheim", "Vault redesign", "Confidential briefing", "Secret prototype",
           "Bluebird", "2026-11-27", "27 Nov", "40%", "Studio pays", "calendar.ics"]


def test_the_python_side_opens_what_it_sealed_and_nothing_else():
    salt = salt_for(TOKEN)
    sealed = seal(b"<p>hello</p>", PASSWORD, salt)
    assert sealed.iterations == ITERATIONS >= 600_000
    assert len(sealed.nonce) == 12 and len(sealed.salt) == 16
    assert unseal(sealed, PASSWORD) == b"<p>hello</p>"
    with pytest.raises(InvalidTag):
        unseal(sealed, "wrong password")
    tampered = bytearray(sealed.ciphertext)
    tampered[3] ^= 1
    with pytest.raises(InvalidTag):
        unseal(Sealed(sealed.salt, sealed.nonce, bytes(tampered)), PASSWORD)
    assert seal(b"<p>hello</p>", PASSWORD, salt) == sealed  # reproducible builds
    assert seal(b"<p>other</p>", PASSWORD, salt).nonce != sealed.nonce


@pytest.fixture(scope="module")
def locked_site(tmp_path_factory):
    site = new_site(tmp_path_factory.mktemp("locked") / "site", examples=False)
    site.write_client("geheim", CLIENT)
    result = site.build(env={"GEHEIM_PORTAL_PW": PASSWORD})
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def sealed_attributes(site) -> Sealed:
    div = site.portal(TOKEN).find(id="sealed")
    import base64
    return Sealed(base64.b64decode(div["data-salt"]), base64.b64decode(div["data-nonce"]),
                  base64.b64decode(div["data-ciphertext"]), int(div["data-iterations"]))


@pytest.mark.e2e
def test_the_encrypted_page_contains_none_of_the_projects_text(locked_site):
    html = locked_site.portal_file(TOKEN).read_text("utf-8")
    for secret in SECRETS:
        assert secret not in html, secret
    page = BeautifulSoup(html, "html.parser")
    assert page.title.get_text() == "Private page · Northwind Studio"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    # The ciphertext opens with the password into the real page.
    payload = json.loads(unseal(sealed_attributes(locked_site), PASSWORD))
    assert payload["title"] == "Vault redesign · Geheim & Partner"
    assert "Confidential briefing" in payload["body"] and "Codename Bluebird" in payload["body"]
    assert "The calendar is not password-protected." in payload["body"]


def test_without_the_password_production_settings_refuse_and_a_preview_warns(tmp_path, courtside,
                                                                           monkeypatch):
    monkeypatch.delenv("GEHEIM_PORTAL_PW", raising=False)
    site = new_site(tmp_path / "site", examples=False)
    site.write_client("geheim", CLIENT)
    strict = courtside(site, "check", "--settings", "publishconf.py", env={"SITEURL": "https://x.example"})
    assert strict.returncode == 1
    assert ("clients/geheim.yaml:6:19: projects[0].password_env: the environment variable "
            "GEHEIM_PORTAL_PW is not set, so this portal cannot be encrypted") in strict.stdout
    preview = courtside(site, "check")
    assert preview.returncode == 0
    assert "warning: clients/geheim.yaml:6:19: projects[0].password_env" in preview.stdout


@pytest.mark.e2e
def test_a_production_build_without_the_password_stops(tmp_path):
    site = new_site(tmp_path / "site", examples=False)
    site.write_client("geheim", CLIENT)
    result = site.build("publishconf.py", env={"SITEURL": "https://x.example"})
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert ("clients/geheim.yaml:6:19: projects[0].password_env: the environment variable "
            "GEHEIM_PORTAL_PW is not set, so this portal cannot be encrypted") in result.stderr
    assert not site.output.exists()


@pytest.mark.e2e
def test_a_preview_without_the_password_says_it_is_unencrypted(tmp_path):
    site = new_site(tmp_path / "site", examples=False)
    site.write_client("geheim", CLIENT)
    result = site.build()
    assert result.returncode == 0
    assert "warning: clients/geheim.yaml:6:19: projects[0].password_env" in result.stderr
    banner = site.portal(TOKEN).select_one(".preview-banner")
    assert "Published, this page is encrypted with the password in GEHEIM_PORTAL_PW" in text_of(banner)


@pytest.mark.e2e
def test_two_builds_give_the_same_encrypted_page(locked_site, tmp_path):
    again = new_site(tmp_path / "site", examples=False)
    again.write_client("geheim", CLIENT)
    assert again.build(env={"GEHEIM_PORTAL_PW": PASSWORD}).returncode == 0
    assert again.portal_file(TOKEN).read_bytes() == locked_site.portal_file(TOKEN).read_bytes()


# --- in the browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def served_page(locked_site):
    with served(locked_site.output) as url:
        yield f"{url}/p/{TOKEN}/"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


def open_page(browser, url, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.clock.install(time=dt.datetime(2026, 11, 23, 15, 0))
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    return context, page, requests


@pytest.mark.browser
def test_a_wrong_password_says_so_and_the_right_one_opens_the_page(browser, served_page, locked_site):
    context, page, requests = open_page(browser, served_page)
    page.fill("#password", "not it")
    page.click("button[type=submit]")
    expect(page.locator("#unlock-message")).to_contain_text("That password is not right.")
    assert page.locator("#unlock").is_visible()
    assert "Vault redesign" not in page.content()
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("section.court", timeout=30_000)
    assert page.title() == "Vault redesign · Geheim & Partner"
    assert page.locator("h1").inner_text() == "Vault redesign"
    court = page.locator("section.court").inner_text()
    assert "Our turn" in court and "Secret prototype" in court
    # The live script came with the page and ran (the clock is on the build day).
    assert page.locator("[data-as-of]").inner_text() == "Mon 23 Nov 2026"
    # What opened is what was sealed.
    payload = json.loads(unseal(sealed_attributes(locked_site), PASSWORD))
    expected = BeautifulSoup(payload["body"], "html.parser").select_one("main").get_text()
    shown = page.evaluate("() => document.querySelector('main').textContent")
    assert shown.split() == expected.split()
    assert all(url.startswith("http://127.0.0.1:") for url in requests), requests
    context.close()


@pytest.mark.browser
def test_remember_on_this_device_keeps_the_key_not_the_password(browser, served_page):
    context, page, _ = open_page(browser, served_page)
    page.fill("#password", PASSWORD)
    page.check("#remember")
    page.click("button[type=submit]")
    page.wait_for_selector("section.court", timeout=30_000)
    stored = page.evaluate("() => Object.entries(localStorage)")
    assert len(stored) == 1 and stored[0][0].startswith("courtside-key:")
    assert PASSWORD not in json.dumps(stored)
    page.reload()
    page.wait_for_selector("section.court", timeout=30_000)  # no password asked
    page.click("text=Forget this device")
    page.wait_for_selector("#unlock:not([hidden])")
    assert page.evaluate("() => localStorage.length") == 0
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_locked_and_the_opened_page_are_accessible(browser, served_page, scheme):
    context, page, _ = open_page(browser, served_page, bypass_csp=True, color_scheme=scheme)
    page.wait_for_selector("#unlock:not([hidden])")
    page.add_script_tag(path=str(AXE))
    assert page.evaluate("async () => (await axe.run()).violations.map(v => v.id)") == []
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("section.court", timeout=30_000)
    page.add_script_tag(path=str(AXE))
    assert page.evaluate("async () => (await axe.run()).violations.map(v => v.id)") == []
    context.close()


@pytest.mark.browser
def test_without_javascript_the_page_says_what_it_needs(browser, served_page):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_page)
    assert "Opening it needs JavaScript" in page.locator("main").inner_text()
    assert not page.locator("#unlock").is_visible()
    context.close()


@pytest.mark.e2e
def test_the_sealed_body_is_the_whole_page_body_without_the_preview_banner(locked_site, tmp_path):
    payload = json.loads(unseal(sealed_attributes(locked_site), PASSWORD))
    sealed = BeautifulSoup(payload["body"], "html.parser")
    preview = new_site(tmp_path / "site", examples=False)
    preview.write_client("geheim", CLIENT)
    assert preview.build().returncode == 0
    unlocked = preview.portal(TOKEN)
    unlocked.select_one(".preview-banner").decompose()
    assert sealed.select_one(".preview-banner") is None
    assert [child.name for child in sealed.find_all(recursive=False)] == \
        [child.name for child in unlocked.body.find_all(recursive=False)]
    assert sealed.select_one("main").get_text().split() == unlocked.select_one("main").get_text().split()


def script_hash(script: str) -> str:
    import base64
    import hashlib
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


@pytest.mark.e2e
def test_the_locked_page_policy_lets_exactly_the_shipped_scripts_run(locked_site):
    """The opened portal runs under the locked page's policy: both the unlock
    script and the portal's own script must be allowed, by the hash of the
    text the pages really carry."""
    page = locked_site.portal(TOKEN)
    policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    allowed = next(part for part in policy.split("; ") if part.startswith("script-src")).split()[1:]
    payload = json.loads(unseal(sealed_attributes(locked_site), PASSWORD))
    scripts = [s.string for s in page.find_all("script")] + \
        [s.string for s in BeautifulSoup(payload["body"], "html.parser").find_all("script")]
    assert len(scripts) == 2 and "crypto.subtle.deriveKey" in scripts[0]
    assert sorted(map(script_hash, scripts)) == sorted(allowed)


@pytest.mark.e2e
def test_a_portal_given_a_password_loses_its_updates_feed_in_an_output_folder_kept(tmp_path):
    """A portal published without a password had an updates feed; given one,
    the feed must go (it would show what the password protects) when the
    next build writes over the same output folder, as `make html` and
    `courtside serve` do: the folder then holds what a fresh build writes."""
    site = new_site(tmp_path / "site", examples=False)
    site.write_client("geheim", CLIENT.replace("    password_env: GEHEIM_PORTAL_PW\n", ""))
    assert site.build().returncode == 0
    feed = site.portal_file(TOKEN).parent / "updates.atom"
    assert feed.is_file()

    site.write_client("geheim", CLIENT)
    result = site.build(env={"GEHEIM_PORTAL_PW": PASSWORD})
    assert result.returncode == 0, result.stderr
    assert not feed.exists()
    fresh = new_site(tmp_path / "fresh", examples=False)
    fresh.write_client("geheim", CLIENT)
    assert fresh.build(env={"GEHEIM_PORTAL_PW": PASSWORD}).returncode == 0
    assert [path.relative_to(site.output) for path in site.files()] == [
        path.relative_to(fresh.output) for path in fresh.files()]
