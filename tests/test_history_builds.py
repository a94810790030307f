"""The history on real builds: a site in a real git repository whose client
file was committed several times (a due date moved twice, a term changed
after signing, paused and resumed, a milestone removed, another renamed, a
token rotated), built and read as a client and a calendar app would."""

from __future__ import annotations

import shutil
import subprocess
import sys

import icalendar
import pytest
from bs4 import BeautifulSoup

from helpers import STUDIO_TOKEN, new_site, served, text_of, tree

pytestmark = pytest.mark.e2e

TOKEN = "HistoryPortalToken0123"
OLD_TOKEN = "OldRotatedTokenMarker01"
#: What must never reach a page or a feed: commit messages, authors, e-mail
#: addresses, branch names, another client's file, a token rotated away.
MARKERS = ["MESSAGE-MARKER", "Author Marker", "author-marker@example.com",
           "Committer Marker", "BRANCH-MARKER", "OTHER-CLIENT-MARKER", OLD_TOKEN]


def acme(*, token: str = TOKEN, due: str = "2026-11-06", grace: int = 10, status: str = "active",
         title: str = "Content", launch: bool = True) -> str:
    return f"""\
name: Acme Corp
timezone: Europe/Berlin
projects:
  - id: web
    title: Website
    token: {token}
    status: {status}
    start: 2026-10-01
    agreement:
      signed: 2026-10-01
      terms:
        response_days: {{studio: 2, client: 3}}
        grace_days: {{studio: 5, client: {grace}}}
        consequences: {{studio: A discount., client: The project pauses.}}
        deposit: 30%
        payment_days: 14
    milestones:
      - {{id: content, title: {title}, owner: client, due: {due}}}
      - {{id: build, title: Build, owner: studio, due: 2026-12-11}}
""" + ("      - {id: launch, title: Launch, owner: studio, due: 2026-12-18}\n" if launch else "")


OTHER = acme(token="OtherClientToken012345", title="OTHER-CLIENT-MARKER step").replace(
    "Acme Corp", "Other Client").replace("title: Website", "title: OTHER-CLIENT-MARKER")

#: Committed on these days (noon, Berlin), in this order.
HISTORY = [
    ("2026-10-01", {}),
    ("2026-10-20", {"due": "2026-11-13"}),
    ("2026-11-02", {"due": "2026-11-20", "grace": 5, "status": "paused", "token": TOKEN}),
    ("2026-11-10", {"due": "2026-11-20", "grace": 5, "title": "Texts and images", "launch": False}),
]


def git(site, *args: str, day: str | None = None) -> None:
    env = {"GIT_AUTHOR_NAME": "Author Marker", "GIT_AUTHOR_EMAIL": "author-marker@example.com",
           "GIT_COMMITTER_NAME": "Committer Marker", "GIT_COMMITTER_EMAIL": "author-marker@example.com",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+01:00"
    subprocess.run(["git", *args], cwd=site.root, env=env, check=True, capture_output=True)


def committed_site(tmp_path):
    """The site, its git history written as HISTORY says, on a branch with a marker name."""
    site = new_site(tmp_path / "site", examples=False)
    git(site, "init", "-q", "-b", "BRANCH-MARKER")
    for index, (day, changes) in enumerate(HISTORY):
        first = {"token": OLD_TOKEN} if index < 2 else {}
        site.write_client("acme", acme(**{**first, **changes}))
        if index == 0:
            site.write_client("other", OTHER)
        git(site, "add", "-A")
        git(site, "commit", "-q", "-m", f"MESSAGE-MARKER {index}", day=day)
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = committed_site(tmp_path_factory.mktemp("history"))
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def test_a_moved_due_date_says_when_it_was_first_agreed_and_every_move(built):
    page = built.portal(TOKEN)
    row = next(r for r in page.select("table.schedule tbody tr") if "Texts and images" in text_of(r))
    moves = row.select_one("details.moves")
    assert text_of(moves.summary) == "moved 2 times, first agreed Fri 6 Nov 2026"
    assert [text_of(li) for li in moves.select("li")] == [
        "Tue 20 Oct 2026: Fri 6 Nov 2026 → Fri 13 Nov 2026",
        "Mon 2 Nov 2026: Fri 13 Nov 2026 → Fri 20 Nov 2026"]
    build = next(r for r in page.select("table.schedule tbody tr") if "Build" in text_of(r))
    assert build.select_one("details") is None  # a date that never moved says nothing


def test_the_paper_trail_merges_what_was_recorded_automatically(built):
    page = built.portal(TOKEN)
    entries = [(text_of(li.select_one(".meta")), text_of(li.select("p")[-1]))
               for li in page.select("ol.trail li.trail--recorded")]
    assert entries == [
        ("Tue 10 Nov 2026 · recorded automatically", "Project resumed."),
        ("Tue 10 Nov 2026 · recorded automatically", "“Launch” was removed from the schedule."),
        ("Mon 2 Nov 2026 · recorded automatically", "Project paused."),
        ("Mon 2 Nov 2026 · recorded automatically", "Changed after signing on Mon 2 Nov 2026: "
         "grace period for Acme Corp: 10 business days → 5 business days."),
        ("Mon 2 Nov 2026 · recorded automatically",
         "Due date of “Texts and images” moved from Fri 13 Nov 2026 to Fri 20 Nov 2026."),
        ("Tue 20 Oct 2026 · recorded automatically",
         "Due date of “Texts and images” moved from Fri 6 Nov 2026 to Fri 13 Nov 2026."),
    ]


def test_a_term_changed_after_signing_is_shown_with_the_agreement(built):
    page = built.portal(TOKEN)
    notice = page.select_one("section.agreement .changed-terms")
    assert text_of(notice) == ("Changed after signing on Mon 2 Nov 2026: grace period for "
                               "Acme Corp: 10 business days → 5 business days.")


def test_the_feed_says_when_a_moved_step_was_first_agreed(built):
    feed = icalendar.Calendar.from_ical((built.output / "p" / TOKEN / "calendar.ics").read_bytes())
    descriptions = {str(e["SUMMARY"]): str(e["DESCRIPTION"]) for e in feed.walk("VEVENT")}
    assert "First agreed: Fri 6 Nov 2026" in descriptions["Acme Corp: Texts and images"]
    assert "First agreed" not in descriptions["Northwind Studio: Build (expected)"]


def test_nothing_but_dates_and_shown_values_leaves_the_repository(built):
    for path in built.output.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            found = [marker for marker in MARKERS if marker in text]
            if "OtherClientToken012345" in path.parts or "studio" in path.parts:
                found = [m for m in found if m != "OTHER-CLIENT-MARKER"]  # its own portal, the studio's side
            assert found == [], path


def test_an_uncommitted_edit_counts_as_today_and_a_shallow_clone_warns(tmp_path):
    site = committed_site(tmp_path)
    site.write_client("acme", acme(due="2026-11-27", grace=5, title="Texts and images", launch=False))
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.portal(TOKEN)
    assert "Mon 23 Nov 2026: Fri 20 Nov 2026 → Fri 27 Nov 2026" in text_of(page.select_one("details.moves"))

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{site.root}", str(clone)], check=True)
    for name in ("theme", "plugins"):  # links to the repository's own, as new_site makes them
        (clone / name).unlink(missing_ok=True)
        (clone / name).symlink_to((site.root / name).resolve())
    shallow = type(site)(clone).build()
    assert shallow.returncode == 0, shallow.stderr
    assert "shallow clone" in shallow.stdout + shallow.stderr
    assert type(site)(clone).portal(TOKEN).select_one("details.moves") is None  # one version: no moves
    # Fetched whole since (as `make host-build` does), the same commit shows
    # all of its history, as a clean build of it does: nothing the shallow
    # build saved in the cache cuts it short.
    subprocess.run(["git", "-C", str(clone), "fetch", "-q", "--unshallow"], check=True)
    deepened = type(site)(clone).build()
    assert deepened.returncode == 0, deepened.stderr
    assert "shallow clone" not in deepened.stdout + deepened.stderr
    page = type(site)(clone).portal_file(TOKEN).read_bytes()
    assert type(site)(clone).portal(TOKEN).select_one("details.moves") is not None
    shutil.rmtree(clone / "cache")
    assert type(site)(clone).build().returncode == 0
    assert type(site)(clone).portal_file(TOKEN).read_bytes() == page


def test_the_same_commit_builds_the_same_bytes(built, tmp_path):
    again = committed_site(tmp_path)
    assert again.build().returncode == 0
    first = {p.relative_to(built.output): p.read_bytes() for p in built.output.rglob("*") if p.is_file()}
    second = {p.relative_to(again.output): p.read_bytes() for p in again.output.rglob("*") if p.is_file()}
    assert first == second


def test_history_can_be_switched_off(tmp_path):
    site = committed_site(tmp_path)
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8") + '\nCOURTSIDE["history"] = False\n', "utf-8")
    assert site.build().returncode == 0
    page = site.portal(TOKEN)
    assert page.select_one("details.moves") is None and page.select("li.trail--recorded") == []


def test_a_rename_keeps_the_history_and_what_the_page_never_shows_stays_out(tmp_path):
    site = new_site(tmp_path / "site", examples=False)
    git(site, "init", "-q")

    def commit(day: str, text: str, name: str = "acme") -> None:
        site.write_client(name, text)
        git(site, "add", "-A")
        git(site, "commit", "-q", "-m", "edit", day=day)

    def with_margin(text: str, margin: str) -> str:  # a term no template shows
        return text.replace("        payment_days: 14\n", f"        payment_days: 14\n        margin: {margin}\n")

    commit("2026-10-01", with_margin(acme(), "MARGIN-40-PERCENT"))
    git(site, "mv", "clients/acme.yaml", "clients/acme-corp.yaml")
    commit("2026-10-05", with_margin(acme(due="2026-11-13"), "MARGIN-40-PERCENT"), "acme-corp")
    commit("2026-10-09", with_margin(acme(due="2026-11-13", grace=5), "MARGIN-55-PERCENT").replace(
        "signed: 2026-10-01", "signed: 2026-10-02"), "acme-corp")
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.portal(TOKEN)
    assert text_of(page.select_one("details.moves summary")) == "moved once, first agreed Fri 6 Nov 2026"
    trail = [text_of(li.select("p")[-1]) for li in page.select("li.trail--recorded")]
    assert "The agreement's date changed from Thu 1 Oct 2026 to Fri 2 Oct 2026." in trail
    assert ("Changed after signing on Fri 9 Oct 2026: grace period for Acme Corp: "
            "10 business days → 5 business days.") in trail
    assert not [p for p in site.output.rglob("*") if p.is_file() and b"MARGIN" in p.read_bytes()]


def test_workers_build_the_same_history_from_their_share_of_the_index(built, tmp_path):
    """Each worker is sent the history of its own files only (``HistoryIndex.only``):
    the pages are byte for byte those of a build in one process."""
    again = committed_site(tmp_path)
    settings = again.root / "pelicanconf.py"
    settings.write_text(settings.read_text("utf-8") + '\nCOURTSIDE["workers"] = 2\n', "utf-8")
    result = again.build()
    assert result.returncode == 0, result.stderr
    first = {p.relative_to(built.output): p.read_bytes() for p in built.output.rglob("*") if p.is_file()}
    second = {p.relative_to(again.output): p.read_bytes() for p in again.output.rglob("*") if p.is_file()}
    assert first == second


@pytest.mark.parametrize("name", ["courtside-history/index.json", "courtside-history/versions.json",
                                  "courtside/manifest.json"])
def test_a_saved_history_too_deeply_nested_to_read_is_read_again_from_git(tmp_path, name):
    """The history and the manifest saved in the cache (which a CI cache
    restores) are data: one nested deeper than JSON can be read is ignored,
    as a torn one is, and the build writes what it wrote before, without a
    traceback."""
    site = committed_site(tmp_path)
    assert site.build().returncode == 0
    page = site.portal_file(TOKEN).read_bytes()
    cache = site.root / "cache"
    (cache / "courtside-history" / "versions.json").unlink()  # else the changes are not read
    (cache / name).write_text("[" * 100_000, "utf-8")
    again = site.build()
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Traceback" not in again.stdout + again.stderr
    assert site.portal_file(TOKEN).read_bytes() == page


def commits(tmp_path, *history: tuple[str, dict[str, str | None]]):
    """A site whose client files were committed as ``history`` says: on each
    day, each file's text, or None for a file deleted that day."""
    site = new_site(tmp_path / "site", examples=False)
    git(site, "init", "-q")
    for day, files in history:
        for name, text in files.items():
            path = site.clients / f"{name}.yaml"
            if text is None:
                path.unlink()
            else:
                path.write_bytes(text.encode("utf-8"))
        git(site, "add", "-A")
        git(site, "commit", "-q", "-m", "edit", day=day)
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def test_a_past_version_the_loader_would_refuse_for_its_size_is_left_out(tmp_path):
    """A client file may be at most 1,000,000 bytes: a past version over that
    (a log pasted in by mistake) is left out of the history like one that no
    longer loads, not read and shown."""
    padding = "# " + "x" * 1_000_000 + "\n"
    site = commits(tmp_path, ("2026-10-01", {"acme": acme()}),
                   ("2026-10-05", {"acme": acme(due="2026-11-13") + padding}),
                   ("2026-10-09", {"acme": acme(due="2026-11-20")}))
    moves = site.portal(TOKEN).select_one("details.moves")
    assert text_of(moves.summary) == "moved once, first agreed Fri 6 Nov 2026"
    assert [text_of(li) for li in moves.select("li")] == [
        "Fri 9 Oct 2026: Fri 6 Nov 2026 → Fri 20 Nov 2026"]


def test_a_file_deleted_as_another_client_is_added_keeps_its_history_when_added_again(tmp_path):
    """Git pairs a file deleted with one added in the same commit by their
    likeness (a new client's file copied from a finished one's): the new
    client starts afresh, and the old one, added again later, keeps its own."""
    newco = acme(token="NewcoPortalToken012345").replace("Acme Corp", "Newco")
    site = commits(tmp_path, ("2026-10-01", {"acme": acme()}),
                   ("2026-10-05", {"acme": acme(due="2026-11-13")}),
                   ("2026-10-07", {"acme": None, "newco": newco}),
                   ("2026-10-09", {"acme": acme(due="2026-11-20")}))
    moves = site.portal(TOKEN).select_one("details.moves")
    assert text_of(moves.summary) == "moved 2 times, first agreed Fri 6 Nov 2026"
    assert site.portal("NewcoPortalToken012345").select_one("details.moves") is None


def test_terms_changed_while_the_agreement_had_no_date_are_changed_after_signing(tmp_path):
    """Taking the agreement's date away, changing a term and putting the
    date back does not make the change one made before signing."""
    unsigned = "      signed: 2026-10-01\n"
    site = commits(tmp_path, ("2026-10-01", {"acme": acme()}),
                   ("2026-10-05", {"acme": acme().replace(unsigned, "")}),
                   ("2026-10-07", {"acme": acme(grace=5).replace(unsigned, "")}),
                   ("2026-10-09", {"acme": acme(grace=5)}))
    page = site.portal(TOKEN)
    assert text_of(page.select_one("section.agreement .changed-terms")) == (
        "Changed after signing on Wed 7 Oct 2026: grace period for Acme Corp: "
        "10 business days → 5 business days.")
    trail = [text_of(li.select("p")[-1]) for li in page.select("li.trail--recorded")]
    assert trail == ["The agreement's date was set again, to Thu 1 Oct 2026.",
                     "Changed after signing on Wed 7 Oct 2026: grace period for Acme Corp: "
                     "10 business days → 5 business days.",
                     "The agreement's date was removed (it was Thu 1 Oct 2026)."]


def test_another_agreement_template_after_signing_is_a_change(tmp_path):
    """The template is the agreement's text: another one after signing is
    said, without its file's name."""
    site = new_site(tmp_path / "site", examples=False)
    agreements = site.root / "content" / "agreements"
    (agreements / "strict-terms.md").write_text(
        (agreements / "standard.md").read_text("utf-8") + "\nThe studio may stop at any time.\n", "utf-8")
    git(site, "init", "-q")
    for day, text in (("2026-10-01", acme()), ("2026-10-05", acme().replace(
            "    agreement:\n", "    agreement:\n      template: strict-terms\n"))):
        site.write_client("acme", text)
        git(site, "add", "-A")
        git(site, "commit", "-q", "-m", "edit", day=day)
    assert site.build().returncode == 0
    page = site.portal(TOKEN)
    assert "The studio may stop at any time." in text_of(page.select_one("section.agreement"))
    assert text_of(page.select_one("section.agreement .changed-terms")) == (
        "Changed after signing on Mon 5 Oct 2026: the agreement's standard text changed.")
    assert "strict-terms" not in site.portal_file(TOKEN).read_text("utf-8")


@pytest.mark.parametrize(("language", "entry", "summary"), [
    # The French date moved is "l'échéance", as the column and the trail say:
    # beside it, "déplacée", "convenue" (it was "déplacé une fois, convenu").
    ("fr", "Échéance de « Content » déplacée du ven. 20 nov. 2026 au ven. 13 nov. 2026.",
     "déplacée une fois, convenue à l’origine pour le ven. 20 nov. 2026"),
    ("es", "Fecha límite de «Content» movida del vie, 20 nov 2026 al vie, 13 nov 2026.",
     "movido una vez, acordado inicialmente para el vie, 20 nov 2026"),  # "Vence: … (acordado)"
])
def test_a_due_date_brought_forward_is_not_said_to_be_postponed(tmp_path, language, entry, summary):
    site = new_site(tmp_path / "site", examples=False)
    git(site, "init", "-q", "-b", "main")
    for day, due in [("2026-10-01", "2026-11-20"), ("2026-10-20", "2026-11-13")]:
        site.write_client("acme", acme(due=due).replace("timezone:", f"language: {language}\ntimezone:"))
        git(site, "add", "-A")
        git(site, "commit", "-q", "-m", "x", day=day)
    assert site.build().returncode == 0
    recorded = [text_of(li.select("p")[-1]) for li in site.portal(TOKEN).select("ol.trail li.trail--recorded")]
    assert recorded == [entry]
    assert text_of(site.portal(TOKEN).select_one("details.moves summary")) == summary


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 320, "height": 568}, {"width": 360, "height": 740}],
                         ids=["320px", "360px"])
def test_on_a_phone_without_javascript_the_moves_open_by_keyboard_and_print(browser, built, viewport):
    with served(built.output) as url:
        context = browser.new_context(viewport=viewport, java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{url}/p/{TOKEN}/")
        moves = page.locator("table.schedule details.moves")
        first = moves.locator("li").first
        assert not first.is_visible()
        moves.locator("summary").focus()
        page.keyboard.press("Enter")
        assert first.inner_text() == "Tue 20 Oct 2026: Fri 6 Nov 2026 → Fri 13 Nov 2026"
        assert first.is_visible()
        box, widths = first.bounding_box(), page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1] and box["x"] >= 0 and box["x"] + box["width"] <= widths[1]
        page.keyboard.press("Enter")
        assert not first.is_visible()
        page.emulate_media(media="print")  # printed, the moves show though the details are shut
        assert first.is_visible()
        context.close()


PRODUCTION = {"SITEURL": "https://portals.example"}


@pytest.mark.parametrize("fatal", [("--fatal", "warnings"), ()], ids=["make-publish", "publishconf"])
def test_a_production_build_stops_on_a_history_it_cannot_read_whole_without_a_traceback(
        tmp_path, fatal):
    """A shallow clone (a host's checkout) and a repository git refuses to
    read (a CI container's checkout owned by another user, "dubious
    ownership"): a production build stops on either, as the README says, with
    one line saying why, no traceback, and the last good site left as it was."""
    site = committed_site(tmp_path)
    assert site.build("publishconf.py", env=PRODUCTION).returncode == 0
    before = tree(site.output)
    refused = site.run(sys.executable, "-m", "pelican", "-s", "publishconf.py", *fatal,
                       env={**PRODUCTION, "GIT_TEST_ASSUME_DIFFERENT_OWNER": "1"})
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "dubious ownership" in refused.stderr
    assert f"(`git config --global --add safe.directory {site.root}` lets it read it)" in \
        " ".join(refused.stderr.split()), refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
    assert tree(site.output) == before

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{site.root}", str(clone)], check=True)
    for name in ("theme", "plugins"):  # links to the repository's own, as new_site makes them
        (clone / name).unlink(missing_ok=True)
        (clone / name).symlink_to((site.root / name).resolve())
    shutil.copytree(site.output, clone / "output")
    shallow = type(site)(clone).run(sys.executable, "-m", "pelican", "-s", "publishconf.py", *fatal,
                                    env=PRODUCTION)
    assert shallow.returncode == 1, shallow.stdout + shallow.stderr
    assert "shallow clone" in shallow.stderr
    assert "Traceback" not in shallow.stdout + shallow.stderr
    assert tree(clone / "output") == before


def test_a_past_version_git_cannot_give_is_a_warning_naming_the_file_and_is_not_kept(tmp_path):
    """A blob missing from the repository (a broken clone, a pruned object):
    the file's portals are built without their history, said once as a
    warning naming the file; a production build stops on it with one line,
    no traceback (a warning logged in a worker ended in one); and the build
    cache does not keep the portal without its history: once the repository
    is whole again, the moves are back."""
    site = committed_site(tmp_path)
    old = subprocess.run(["git", "rev-parse", "HEAD~2:clients/acme.yaml"], cwd=site.root,
                         capture_output=True, text=True, check=True).stdout.strip()
    loose = site.root / ".git" / "objects" / old[:2] / old[2:]
    saved = loose.read_bytes()
    loose.unlink()
    result = site.build()
    out = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in out, out
    assert f"warning: clients/acme.yaml: cannot read its history (no blob {old})" in out, out
    assert site.portal(TOKEN).select_one("details.moves") is None
    before = tree(site.output)
    for fatal in ("--fatal", "warnings"), ():
        refused = site.run(sys.executable, "-m", "pelican", "-s", "publishconf.py", *fatal,
                           env=PRODUCTION)
        out = refused.stdout + refused.stderr
        assert refused.returncode == 1 and "Traceback" not in out, out
        assert "clients/acme.yaml: cannot read its history" in out, out
        assert tree(site.output) == before
    loose.write_bytes(saved)
    result = site.build()
    assert result.returncode == 0 and "history" not in result.stdout + result.stderr
    assert site.portal(TOKEN).select_one("details.moves") is not None


def test_a_step_removed_and_put_back_says_both(tmp_path):
    """Taking a step off the schedule and putting it back later with another
    date is not only a move: the paper trail says when it was removed and
    when it came back (before, the removal vanished once it was back)."""
    site = commits(tmp_path, ("2026-10-01", {"acme": acme()}),
                   ("2026-10-05", {"acme": acme(launch=False)}),
                   ("2026-10-09", {"acme": acme().replace("due: 2026-12-18", "due: 2027-01-15")}))
    page = site.portal(TOKEN)
    entries = [(text_of(li.select_one(".meta")), text_of(li.select("p")[-1]))
               for li in page.select("ol.trail li.trail--recorded")]
    assert entries == [
        ("Fri 9 Oct 2026 · recorded automatically", "“Launch” is back on the schedule."),
        ("Fri 9 Oct 2026 · recorded automatically",
         "Due date of “Launch” moved from Fri 18 Dec 2026 to Fri 15 Jan 2027."),
        ("Mon 5 Oct 2026 · recorded automatically", "“Launch” was removed from the schedule."),
    ]


def dashboard_notes(site) -> list[str]:
    """The notes in the rows of the studio's dashboard the site built."""
    dashboard = BeautifulSoup((site.output / "studio" / STUDIO_TOKEN / "index.html").read_text("utf-8"),
                              "html.parser")
    return [text_of(note) for note in dashboard.select("tbody tr .note")]


def test_the_dashboard_counts_moves_of_a_date_as_moves_not_as_dates(tmp_path):
    """One step moved three times in the last 30 days (and back where it was
    agreed) is not "3 due dates moved": the studio would look for three
    slipped steps. The count is of moves, and says so; the terminal's column
    counts the same."""
    site = commits(tmp_path, ("2026-10-01", {"acme": acme()}),
                   ("2026-11-02", {"acme": acme(due="2026-11-13")}),
                   ("2026-11-05", {"acme": acme(due="2026-11-20")}),
                   ("2026-11-09", {"acme": acme(due="2026-11-06")}))
    notes = dashboard_notes(site)
    assert "due dates moved 3 times in the last 30 days" in notes, notes
    assert not any("3 due dates" in note for note in notes)
    once = commits(tmp_path / "once", ("2026-10-01", {"acme": acme()}),
                   ("2026-11-02", {"acme": acme(due="2026-11-13")}))
    assert "a due date moved once in the last 30 days" in dashboard_notes(once)


def test_a_client_file_renamed_with_git_mv_keeps_its_history_in_the_preview(tmp_path):
    """`git mv` of a client file, not committed yet: the preview showed the
    portal with no history at all (no moves, no trail), where the push
    publishes all of it."""
    site = committed_site(tmp_path)
    git(site, "mv", "clients/acme.yaml", "clients/acme-corp.yaml")
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.portal(TOKEN)
    assert text_of(page.select_one("details.moves summary")) == "moved 2 times, first agreed Fri 6 Nov 2026"
    preview = site.portal_file(TOKEN).read_bytes()
    git(site, "commit", "-q", "-m", "renamed", day="2026-11-12")
    assert site.build().returncode == 0
    assert site.portal_file(TOKEN).read_bytes() == preview
