"""``courtside init``: the example site made a studio's own. In-process
through ``cli.main`` on the tests' example site (its settings are the
example studio's); one end-to-end test starts from a fresh clone of this
repository, as a studio does, and builds the result."""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import REPO, STUDIO_TOKEN, Site, text_of, tree

ELBE = ["--name", "Elbe Studio", "--email", "moin@elbe.example", "--phone", "+49 40 1234567",
        "--website", "https://elbe.example/", "--timezone", "Europe/Berlin", "--language", "de",
        "--holidays", "DE-HH", "--accent", "#1a6b5a"]
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 150 50">'
        '<text x="0" y="40">Elbe</text></svg>')


def settings_of(site: Site) -> dict:
    """The site's settings as Pelican reads them."""
    from pelican.settings import read_settings

    return read_settings(str(site.root / "pelicanconf.py"))


def mark_examples(site: Site) -> None:
    """The site's clients marked as the repository marks its examples."""
    from courtside.studio_init import as_example

    for path in site.clients.glob("*.yaml"):
        path.write_text(as_example(path.read_text("utf-8")), "utf-8")


def png(width: int, height: int) -> bytes:
    """A real PNG file of that size (one grey pixel a row is enough for its header)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


# --- the options ------------------------------------------------------------------------------

def test_init_writes_the_studio_into_the_settings_and_removes_the_examples(site, courtside, tmp_path):
    mark_examples(site)
    site.write_client("baeckerei", "name: Bäckerei Elbkrume\nprojects: []\n")  # the studio's own
    (tmp_path / "elbe.svg").write_text(LOGO)
    (tmp_path / "elbe-dark.png").write_bytes(png(300, 100))
    result = courtside(site, "init", *ELBE, "--languages", "en,de", "--logo", str(tmp_path / "elbe.svg"),
                       "--logo-dark", str(tmp_path / "elbe-dark.png"))
    assert result.returncode == 0, result.stderr
    settings = settings_of(site)
    options = settings["COURTSIDE"]
    assert options["studio"] == {"name": "Elbe Studio", "email": "moin@elbe.example",
                                 "phone": "+49 40 1234567", "website": "https://elbe.example/",
                                 "language": "de"}
    assert (settings["SITENAME"], settings["TIMEZONE"], settings["DEFAULT_LANG"]) == (
        "Elbe Studio", "Europe/Berlin", "de")
    assert (options["timezone"], options["holidays"], options["accent"]) == (
        "Europe/Berlin", "DE-HH", "#1a6b5a")
    assert options["logo"] == {"src": "images/logo.svg", "dark_src": "images/logo-dark.png",
                               "width": 96, "height": 32}
    assert (site.root / "content/images/logo.svg").read_text() == LOGO
    assert (site.root / "content/images/logo-dark.png").read_bytes() == png(300, 100)
    assert not (site.root / "content/images/northwind.svg").exists()
    assert not (site.root / "content/images/northwind-dark.svg").exists()
    # Northwind's closures and notice are gone; its default terms stay (the agreement uses them).
    assert (options["closed"], options["notices"]) == ([], [])
    token = options["studio_token"]
    from courtside.tokens import token_problem

    assert token != STUDIO_TOKEN and token_problem(token) is None
    assert f"studio/{token}/" in result.stdout and "COURTSIDE_STUDIO_TOKEN" in result.stdout
    assert sorted(p.name for p in (site.root / "content/agreements").iterdir()) == [
        "standard.de.md", "standard.md"]
    assert [p.name for p in site.clients.iterdir()] == ["baeckerei.yaml"]
    for name in ("acme", "harbor", "mueller"):
        assert f"removed clients/{name}.yaml" in result.stdout
    text = (site.root / "pelicanconf.py").read_text("utf-8")
    from courtside.studio_init import EXAMPLE, MADE

    assert EXAMPLE not in text and MADE in text
    assert "# Notices on every portal and the dashboard" in text  # comments stay


def test_an_example_the_studio_edited_stays(site, courtside):
    mark_examples(site)
    acme = site.clients / "acme.yaml"
    acme.write_text(acme.read_text("utf-8").replace("name: Acme Corp", "name: Acme Corporation"))
    result = courtside(site, "init", "--name", "Elbe Studio")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in site.clients.iterdir()) == ["acme.yaml"]
    assert "kept clients/acme.yaml: an example client you have edited" in result.stdout


def test_init_runs_once_and_again_only_with_force_keeping_what_is_not_given(site, courtside):
    assert courtside(site, "init", *ELBE).returncode == 0
    first = settings_of(site)["COURTSIDE"]
    before = tree(site.root / "content") | {"pelicanconf.py": (site.root / "pelicanconf.py").read_bytes()}

    again = courtside(site, "init", "--name", "Other Studio")
    assert again.returncode == 1
    assert again.stderr == ("courtside init: pelicanconf.py already holds the settings of Elbe Studio, "
                            "not the example's; run `courtside init --force` to change them (your "
                            "client files stay as they are)\n")
    assert tree(site.root / "content") | {"pelicanconf.py": (site.root / "pelicanconf.py").read_bytes()} \
        == before

    forced = courtside(site, "init", "--force", "--phone", "+49 40 7654321", "--website", "",
                       env={"COURTSIDE_STUDIO_TOKEN": "ProductionSecretToken000"})
    assert forced.returncode == 0, forced.stderr
    second = settings_of(site)["COURTSIDE"]
    assert second["studio"] == {"name": "Elbe Studio", "email": "moin@elbe.example",
                                "phone": "+49 40 7654321", "language": "de"}
    # The dashboard's link stays, and production's secret stays out of the settings file.
    assert second["studio_token"] == first["studio_token"]
    assert (second["accent"], second["holidays"]) == (first["accent"], first["holidays"])
    # Without --languages a second run removes no agreement.
    assert sorted(p.name for p in (site.root / "content/agreements").iterdir()) == [
        "standard.de.md", "standard.md"]


def test_init_again_says_it_copied_a_logo_only_when_it_did(site, courtside, tmp_path):
    (tmp_path / "elbe.svg").write_text(LOGO)
    made = courtside(site, "init", *ELBE, "--logo", str(tmp_path / "elbe.svg"))
    assert "  copied the logo to content/images/logo.svg\n" in made.stdout
    forced = courtside(site, "init", "--force", "--phone", "+49 40 7654321")
    assert forced.returncode == 0, forced.stderr
    assert "copied" not in forced.stdout  # the logo in place is the logo it keeps
    assert settings_of(site)["COURTSIDE"]["logo"]["src"] == "images/logo.svg"


def test_languages_say_which_agreements_stay(site, courtside):
    result = courtside(site, "init", "--name", "Studio Lyon", "--language", "fr", "--languages", "de,fr")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (site.root / "content/agreements").iterdir()) == [
        "standard.de.md", "standard.fr.md", "standard.md"]
    assert settings_of(site)["DEFAULT_LANG"] == "fr"


@pytest.mark.parametrize("argv, message", [
    (["--language", "de", "--languages", "en,fr"],
     "--languages: keep the studio's own language, de, too (--languages en,fr,de)"),
    (["--languages", "en,it"], '--languages: "it" is not a shipped language; use one of: en, de, ru, '
                               "fr, es"),
    (["--accent", "#f5c242"], "--accent: #f5c242 is too light to see against the page (contrast "
                              "1.6:1, at least 3:1 needed); the nearest colour that is dark enough "
                              "is #bb890a (the same hue, darker)"),
    (["--accent", "teal"], '--accent: "teal" is not allowed; write the colour as #rrggbb'),
    (["--timezone", "Europe/Hamburg"], '--timezone: "Europe/Hamburg" is not a known time zone'),
    (["--holidays", "DE-XX"], "--holidays: "),
    (["--phone", "ask Kim"], '--phone: "ask Kim" is not allowed; write the number in digits, '
                             'with an optional leading + and spaces, such as "+49 40 1234 5678"'),
    (["--website", "elbe.example/team"], '--website: "elbe.example/team" is not allowed; write the '
                                          'whole address, such as "https://northwind.example" '
                                          "(--website https://elbe.example/team)"),
    (["--logo", "nowhere.svg"], "--logo: nowhere.svg: no such file"),
    (["--logo-dark", "dark.svg"], "--logo-dark: give --logo too"),
])
def test_a_wrong_option_is_named_and_nothing_changes(site, courtside, argv, message):
    before = tree(site.root / "content") | tree(site.clients) | {
        "pelicanconf.py": (site.root / "pelicanconf.py").read_bytes()}
    result = courtside(site, "init", "--name", "Elbe Studio", *argv)
    assert result.returncode == 1
    assert f"courtside init: {message}" in result.stderr
    assert result.stderr.endswith("courtside init: nothing was changed\n")
    assert tree(site.root / "content") | tree(site.clients) | {
        "pelicanconf.py": (site.root / "pelicanconf.py").read_bytes()} == before


def test_a_logo_that_is_no_image_or_a_dark_one_of_other_proportions_is_refused(site, courtside, tmp_path):
    (tmp_path / "logo.png").write_text("not a picture")
    (tmp_path / "wide.png").write_bytes(png(400, 100))
    (tmp_path / "square.png").write_bytes(png(100, 100))
    result = courtside(site, "init", "--name", "Elbe", "--logo", str(tmp_path / "logo.png"))
    assert f"--logo: {tmp_path / 'logo.png'} is not an SVG, PNG, JPEG or GIF image" in result.stderr
    result = courtside(site, "init", "--name", "Elbe", "--logo", str(tmp_path / "wide.png"),
                       "--logo-dark", str(tmp_path / "square.png"))
    assert result.returncode == 1
    assert ("the dark logo's proportions (100×100) differ from the light one's (400×100)"
            in result.stderr)
    assert (site.root / "content/images/northwind.svg").is_file()


def test_settings_it_cannot_edit_are_refused_unchanged(site, courtside):
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text("utf-8").replace("COURTSIDE = {", "COURTSIDE = dict(**{", 1)
                    .replace("\n}\n", "\n})\n", 1), "utf-8")
    before = conf.read_bytes()
    result = courtside(site, "init", "--name", "Elbe Studio")
    assert result.returncode == 1
    assert ("courtside init: pelicanconf.py: cannot be edited (it does not write COURTSIDE as one "
            "dict, COURTSIDE = {...}); set the studio's values in it by hand") in result.stderr
    assert conf.read_bytes() == before


# --- at a terminal ------------------------------------------------------------------------------

class Terminal(io.StringIO):
    """Standard input at a terminal, with the answers a person types."""

    def isatty(self) -> bool:
        return True


def test_init_asks_at_a_terminal_for_what_the_options_leave_out(site, courtside, monkeypatch):
    answers = ["",                    # e-mail: left out (no default)
               "+49 40 1234567",      # phone
               "-",                   # website: left out
               "Europe/Berlin",       # time zone
               "de",                  # language
               "DE-HH",               # holidays
               "",                    # logo: none
               "#f5c242",             # a colour too light...
               "",                    # ...and the nearest one that passes, offered
               ""]                    # agreement languages: the default, en and de
    monkeypatch.setattr(sys, "stdin", Terminal("\n".join(answers) + "\n"))
    result = courtside(site, "init", "--name", "Elbe Studio")
    assert result.returncode == 0, result.stdout + result.stderr
    asked = result.stdout
    assert "The studio's name" not in asked  # given as an option
    assert "Time zone [" in asked and "Language of the dashboard" in asked
    assert "  #f5c242 is too light to see against the page" in asked
    assert "Accent colour (#rrggbb) [#bb890a]: " in asked
    assert "Agreement languages to keep (en, the source, always stays) [en,de]: " in asked
    options = settings_of(site)["COURTSIDE"]
    assert options["studio"] == {"name": "Elbe Studio", "phone": "+49 40 1234567", "language": "de"}
    assert (options["accent"], options["holidays"], options["logo"]) == ("#bb890a", "DE-HH", None)
    assert sorted(p.name for p in (site.root / "content/agreements").iterdir()) == [
        "standard.de.md", "standard.md"]


def test_a_wrong_option_at_a_terminal_is_asked_again(site, courtside, monkeypatch):
    monkeypatch.setattr(sys, "stdin", Terminal("\n" * 20))
    result = courtside(site, "init", *ELBE[:-2], "--accent", "#eeeeee", "--logo", "",
                       "--languages", "en,de")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "--accent: #eeeeee is too light" in result.stdout
    assert settings_of(site)["COURTSIDE"]["accent"] == "#919191"


def test_a_website_without_https_is_offered_with_it(site, courtside, monkeypatch):
    monkeypatch.setattr(sys, "stdin", Terminal("elbe.example\n" + "\n" * 20))
    result = courtside(site, "init", *ELBE[:4], "--phone", "", "--logo", "", "--languages", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Website [https://elbe.example]: " in result.stdout
    assert settings_of(site)["COURTSIDE"]["studio"]["website"] == "https://elbe.example"


def test_without_a_terminal_nothing_is_asked(site, courtside, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Elbe Studio\n"))
    before = (site.root / "pelicanconf.py").read_bytes()
    result = courtside(site, "init", "--email", "moin@elbe.example")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("courtside init: --name: give the studio's name (nothing is asked: the "
                             "input is not a terminal)\ncourtside init: nothing was changed\n")
    assert (site.root / "pelicanconf.py").read_bytes() == before


def test_ctrl_d_at_a_question_changes_nothing(site, courtside, monkeypatch):
    monkeypatch.setattr(sys, "stdin", Terminal("Elbe Studio\n"))
    before = (site.root / "pelicanconf.py").read_bytes()
    result = courtside(site, "init")
    assert result.returncode == 130 and "courtside: interrupted" in result.stderr
    assert (site.root / "pelicanconf.py").read_bytes() == before


# --- the pieces -----------------------------------------------------------------------------------

def test_an_example_is_known_by_the_fingerprint_of_its_lines():
    from courtside.studio_init import as_example, example_state

    text = "# yaml-language-server: $schema=x.json\nname: Acme\nprojects: []\n"
    marked = as_example(text)
    assert marked.splitlines()[1].startswith("# An example client: `courtside init` removes it")
    assert example_state(marked) == "as shipped"
    assert example_state(marked.replace("\n", "\r\n")) == "as shipped"  # a Windows checkout
    assert example_state(marked.replace("Acme", "Acme Corp")) == "edited"
    assert example_state(text) is None
    assert as_example(marked) == marked


SHIPPED = sorted(path for path in (REPO / "clients").glob("*.yaml")
                 if "# An example client:" in path.read_text("utf-8"))


@pytest.mark.parametrize("path", SHIPPED, ids=[path.name for path in SHIPPED])
def test_each_shipped_example_is_marked_as_shipped(path):
    # After editing an example, mark it again: as_example(text) in courtside.studio_init.
    from courtside.studio_init import example_state

    assert example_state(path.read_text("utf-8")) == "as shipped"


def test_image_sizes_are_read_from_their_headers(tmp_path):
    from courtside.studio_init import image_size

    cases = {
        "a.svg": (b'<svg xmlns="http://www.w3.org/2000/svg" width="196px" height="32"/>', (196, 32)),
        "b.svg": (b'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0,0,60,20"/>', (60, 20)),
        "c.png": (png(12, 7), (12, 7)),
        "d.gif": (b"GIF89a" + struct.pack("<HH", 33, 11) + b"\x00" * 8, (33, 11)),
        "e.jpg": (b"\xff\xd8\xff\xe0" + struct.pack(">H", 4) + b"JF" + b"\xff\xc0"
                  + struct.pack(">HBHH", 17, 8, 45, 120) + b"\x00" * 12, (120, 45)),
    }
    for name, (data, size) in cases.items():
        (tmp_path / name).write_bytes(data)
        assert image_size(tmp_path / name) == size, name
    (tmp_path / "f.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    with pytest.raises(ValueError, match="an SVG image without a size"):
        image_size(tmp_path / "f.svg")


@pytest.mark.parametrize("text, values, expected", [
    # A key it lacks goes at the end, with a comma after the last value (not into its comment).
    ('X = 1\nCOURTSIDE = {\n    "studio": {"name": "A"}  # ours\n}\n',
     {"studio": {"name": "B"}, "accent": "#123456"},
     'X = 1\nCOURTSIDE = {\n    "studio": {"name": "B"},  # ours\n    "accent": "#123456",\n}\n'),
    # A dict on one line stays on one line; None, numbers, quotes and non-ASCII text.
    ('COURTSIDE = {"studio": {"name": "A"}, "logo": None}\n',
     {"studio": {"name": "Café \"Élan\""}, "logo": {"src": "a.svg", "width": 9, "height": 3}},
     'COURTSIDE = {"studio": {"name": "Café \\"Élan\\""}, "logo": {"src": "a.svg", "width": 9, '
     '"height": 3}}\n'),
])
def test_the_settings_file_is_edited_where_each_value_is_written(text, values, expected):
    from courtside.settingsfile import edited

    assert edited(text, values, {}) == expected


def test_pelicans_own_settings_follow_the_studio_where_they_are_written_as_constants():
    from courtside.settingsfile import edited

    text = 'SITENAME = "Old"\nCOURTSIDE = {"studio": {"name": "Old"}}\nTIMEZONE = COURTSIDE["tz"]\n'
    assert edited(text, {}, {"SITENAME": ("New", 'COURTSIDE["studio"]["name"]'),
                             "TIMEZONE": ("UTC", 'COURTSIDE["timezone"]'),
                             "DEFAULT_LANG": ("de", 'COURTSIDE["studio"]["language"]')}) == (
        'SITENAME = "New"\nCOURTSIDE = {"studio": {"name": "Old"}}\n'
        'DEFAULT_LANG = COURTSIDE["studio"]["language"]\n\nTIMEZONE = COURTSIDE["tz"]\n')


# --- from a fresh clone -------------------------------------------------------------------------

def fresh_clone(target: Path) -> Site:
    """This repository as a studio gets it: ``git clone``, with this
    checkout's uncommitted changes on top, so the test tries the code as it
    is (in CI there are none)."""
    def git(*args: str, cwd: Path = REPO) -> str:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              check=True).stdout
    git("clone", "--quiet", "--no-hardlinks", str(REPO), str(target))
    changed = git("ls-files", "-z", "--modified", "--others", "--exclude-standard").split("\0")
    for name in filter(None, changed):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    for name in filter(None, git("ls-files", "-z", "--deleted").split("\0")):
        (target / name).unlink(missing_ok=True)
    git("add", "--all", cwd=target)
    git("-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet",
        "--allow-empty", "-m", "as the checkout is", cwd=target)
    return Site(target)


@pytest.mark.e2e
def test_a_fresh_clone_made_a_studios_own_builds_and_its_tests_pass(tmp_path):
    from courtside.studio_init import example_state

    studio = fresh_clone(tmp_path / "elbe")
    own = sorted(p.name for p in studio.clients.glob("*.yaml")
                 if example_state(p.read_text("utf-8")) != "as shipped")
    (tmp_path / "elbe.svg").write_text(LOGO)
    settings = studio.root / "pelicanconf.py"
    first = "--force" if "# The example studio, Northwind" not in settings.read_text("utf-8") else None
    made = studio.courtside("init", *ELBE, "--logo", str(tmp_path / "elbe.svg"), *filter(None, [first]))
    assert made.returncode == 0, made.stdout + made.stderr
    token = re.search(r"studio_token ([\w-]+)\)", made.stdout).group(1)
    # The README's client, unless the studio has one of that name already
    # (it followed the README): the test must pass in the studio's own clone.
    client = next(name for name in ("baeckerei", *(f"baeckerei-{n}" for n in range(2, 99)))
                  if f"{name}.yaml" not in own)
    new = studio.courtside("new", client, "--name", "Bäckerei Elbkrume")
    assert new.returncode == 0, new.stderr
    portal = re.search(r"p/([\w-]+)/", new.stdout).group(1)
    assert sorted(p.name for p in studio.clients.glob("*.yaml")) == sorted([*own, f"{client}.yaml"])
    assert not [p for p in studio.clients.glob("*.yaml")
                if example_state(p.read_text("utf-8")) == "as shipped"]
    built = studio.build()
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Traceback" not in built.stdout + built.stderr

    pages = {"landing": "index.html", "404": "404.html", "dashboard": f"studio/{token}/index.html",
             "portal": f"p/{portal}/index.html"}
    for name, path in pages.items():
        page = BeautifulSoup((studio.output / path).read_text("utf-8"), "html.parser")
        assert ("Elbe Studio" in page.title.get_text()) == (name != "portal"), name
        contacts = page.select_one(".site-footer .contacts")
        assert text_of(contacts).startswith(
            "Elbe Studio · moin@elbe.example · +49 40 1234567 · elbe.example"), name
        assert contacts.find("a", href="tel:+49401234567").get_text() == "+49 40 1234567", name
        assert contacts.find("a", href="https://elbe.example/").get_text() == "elbe.example", name
        assert ":root{--brand:#1a6b5a}" in page.style.get_text(), name
        assert page.select_one("img.logo")["src"].endswith("images/logo.svg"), name
        assert "Northwind" not in str(page), name
    landing = BeautifulSoup((studio.output / "index.html").read_text("utf-8"), "html.parser")
    assert landing.html["lang"] == "de" and landing.h1.get_text() == "Kundenportale"
    assert "Bäckerei Elbkrume" in text_of(BeautifulSoup(
        (studio.output / pages["dashboard"]).read_text("utf-8"), "html.parser"))
    assert not (studio.output / "images" / "northwind.svg").exists()

    # The dashboard's token works in production too, from the environment.
    production = studio.build("publishconf.py", env={"SITEURL": "https://portals.elbe.example",
                                                     "COURTSIDE_STUDIO_TOKEN": token})
    assert production.returncode == 0, production.stderr
    assert (studio.output / "studio" / token / "index.html").is_file()
    assert studio.courtside("check").returncode == 0

    # The clone's own fast tests pass with the studio's clients, content and settings.
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p",
                            "no:cacheprovider", "-m", "not e2e and not browser", "-x"],
                           cwd=studio.root, capture_output=True, text=True, timeout=600)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert int(re.search(r"(\d+) passed", tests.stdout).group(1)) > 300, tests.stdout[-2000:]
