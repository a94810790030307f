"""``courtside init``: the example site made a studio's own.

The repository ships as a working example, the Northwind studio with three
example clients, so that ``make html`` shows what Courtside does. ``init``
replaces the example with the studio: its name, contacts, time zone,
language, holidays, logo and colour go into the settings (the one place
every page reads them from, ``COURTSIDE`` in ``pelicanconf.py``), with a
fresh dashboard token; the example clients and the agreement languages the
studio does not use are removed. It asks for what the command line does not
say when a person is at the terminal, and checks every answer with the
settings' own checks before anything is changed.

It never removes a studio's own work: an example client file goes only while
it is exactly as shipped (a fingerprint in its marker line says so), and a
studio that already ran ``init`` is changed again only with ``--force``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import struct
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from . import files, interrupts
from .agreement import template_language
from .i18n import SOURCE, base_language, language_problem
from .problems import CourtsideError, display_path
from .settings import SETTINGS_KEY, CourtsideSettings, courtside_settings, passing_accent
from .settingsfile import NotEditable, edited
from .tokens import new_token

#: The line that marks the shipped settings as the example studio's; ``init``
#: replaces it with ``MADE``, and refuses to run again without ``--force``.
EXAMPLE = ("# The example studio, Northwind: `courtside init` makes this site yours "
           "(README, Make it yours).")
MADE = "# The studio's own settings, written by `courtside init` (again: courtside init --force)."
#: The second line of an example client file, with the fingerprint of the
#: file's other lines: ``init`` removes the file while they are unchanged.
EXAMPLE_CLIENT = re.compile(r"^# An example client: `courtside init` removes it while it is "
                            r"as shipped \(([0-9a-f]{16})\)\.$", re.MULTILINE)
#: The logo's height on the page, in CSS pixels, unless ``--logo-height`` says otherwise.
LOGO_HEIGHT = 32
LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".gif")


# --- example clients ------------------------------------------------------------------------

def _fingerprint(text: str) -> str:
    """The fingerprint of a client file's lines other than its marker line."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n")
             if not EXAMPLE_CLIENT.fullmatch(line)]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def as_example(text: str) -> str:
    """A client file's text marked as an example (its second line, after the
    schema's), with the fingerprint of its text: how an example is made."""
    lines = [line for line in text.split("\n") if not EXAMPLE_CLIENT.fullmatch(line)]
    unmarked = "\n".join(lines)
    marker = ("# An example client: `courtside init` removes it while it is as shipped "
              f"({_fingerprint(unmarked)}).")
    at = 1 if lines and lines[0].startswith("# yaml-language-server:") else 0
    return "\n".join([*lines[:at], marker, *lines[at:]])


def example_state(text: str) -> str | None:
    """``"as shipped"`` for an example client file nobody changed,
    ``"edited"`` for one that was, None for a studio's own file."""
    text = text.replace("\r\n", "\n")  # a checkout with Windows line endings
    found = EXAMPLE_CLIENT.search(text)
    if found is None:
        return None
    return "as shipped" if found.group(1) == _fingerprint(text) else "edited"


# --- the logo -------------------------------------------------------------------------------

def image_size(path: Path) -> tuple[float, float]:
    """The width and height of an SVG, PNG, JPEG or GIF image, from its
    header; ``ValueError`` saying why when it has none."""
    data = path.read_bytes()
    if path.suffix.lower() == ".svg":
        return _svg_size(data)
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    raise ValueError("is not an SVG, PNG, JPEG or GIF image")


def _svg_size(data: bytes) -> tuple[float, float]:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise ValueError(f"is not a readable SVG image ({error})") from None
    if not root.tag.endswith("svg"):
        raise ValueError("is not an SVG image (its first element is not <svg>)")

    def pixels(name: str) -> float | None:
        found = re.fullmatch(r"\s*([0-9.]+)\s*(px)?\s*", root.get(name) or "")
        return float(found.group(1)) if found and float(found.group(1)) > 0 else None
    width, height = pixels("width"), pixels("height")
    if width and height:
        return width, height
    box = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
    try:
        box_width, box_height = float(box[2]), float(box[3])
    except (IndexError, ValueError):
        box_width = box_height = 0
    if box_width > 0 and box_height > 0:
        return box_width, box_height
    raise ValueError("is an SVG image without a size: give its <svg> a width and height, "
                     "or a viewBox")


def _jpeg_size(data: bytes) -> tuple[float, float]:
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            break
        marker, length = data[at + 1], int.from_bytes(data[at + 2:at + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    raise ValueError("is a JPEG image whose size cannot be read")


@dataclass(frozen=True)
class Logo:
    """The logo's files as given, and the size the page shows it at."""

    light: Path
    dark: Path | None
    width: int
    height: int

    def target(self, images: Path, dark: bool = False) -> Path:
        source = self.dark if dark and self.dark else self.light
        return images / f"logo{'-dark' if dark else ''}{source.suffix.lower()}"


def read_logo(light: Path, dark: Path | None, height: int) -> Logo:
    """The logo's display size from its proportions; ``ValueError`` naming
    the file that is wrong."""
    sizes = []
    for path in filter(None, (light, dark)):
        if path.suffix.lower() not in LOGO_TYPES:
            raise ValueError(f"{path}: give the logo as SVG, PNG, JPEG or GIF")
        try:
            sizes.append(image_size(path))
        except OSError as error:
            raise ValueError(f"{path}: {error.strerror or error}") from None
        except ValueError as error:
            raise ValueError(f"{path} {error}") from None
    (width, tall), *others = sizes
    for other_width, other_height in others:
        if abs(other_width / other_height - width / tall) > 0.02 * width / tall:
            raise ValueError(f"{dark}: the dark logo's proportions ({other_width:g}×"
                             f"{other_height:g}) differ from the light one's ({width:g}×{tall:g})")
    return Logo(light, dark, max(1, min(2000, round(height * width / tall))), height)


# --- the questions --------------------------------------------------------------------------

def _setting_problem(path: tuple[str, ...], value: Any) -> str | None:
    """What the settings' checks say of ``value`` at ``path`` in COURTSIDE."""
    courtside: dict[str, Any] = {"studio": {"name": "Studio"}}
    place = courtside
    for key in path[:-1]:
        place = place.setdefault(key, {})
    place[path[-1]] = value
    try:
        courtside_settings({"PATH": "content", "TIMEZONE": "UTC", SETTINGS_KEY: courtside},
                           environ={})
    except CourtsideError as error:
        return "; ".join(problem.message for problem in error.problems)
    return None


def _languages_problem(text: str) -> str | None:
    tags = [tag.strip() for tag in text.split(",")]
    return next((why for tag in tags if (why := language_problem(tag))), None)


def _logo_problem(text: str) -> str | None:
    path = Path(text).expanduser()
    if not path.is_file():
        return f"{text}: no such file"
    if path.suffix.lower() not in LOGO_TYPES:
        return f"{text}: give the logo as SVG, PNG, JPEG or GIF"
    try:
        image_size(path)
    except OSError as error:
        return f"{text}: {error.strerror or error}"
    except ValueError as error:
        return f"{text} {error}"
    return None


def _whole_address(text: str) -> str | None:
    """A website written without its scheme (``elbe.example``), whole; None
    when adding one would not make it an address the settings take."""
    if not text or "://" in text:
        return None
    whole = f"https://{text}"
    return whole if _setting_problem(("studio", "website"), whole) is None else None


@dataclass(frozen=True)
class Question:
    """One thing ``init`` asks for: its option, what it asks, how it checks."""

    option: str
    asks: str
    check: Callable[[str], str | None]
    #: A better answer to offer after a wrong one (the accent's nearest colour).
    suggest: Callable[[str], str | None] = lambda value: None
    required: bool = False

    @property
    def flag(self) -> str:
        return "--" + self.option.replace("_", "-")


QUESTIONS = (
    Question("name", "The studio's name", lambda v: _setting_problem(("studio", "name"), v),
             required=True),
    Question("email", "E-mail address for clients",
             lambda v: _setting_problem(("studio", "email"), v)),
    Question("phone", "Phone number, with the country code",
             lambda v: _setting_problem(("studio", "phone"), v)),
    Question("website", "Website", lambda v: _setting_problem(("studio", "website"), v),
             suggest=_whole_address),
    Question("timezone", "Time zone", lambda v: _setting_problem(("timezone",), v), required=True),
    Question("language", "Language of the dashboard, and of the portals unless a client has "
             "another", lambda v: _setting_problem(("studio", "language"), v), required=True),
    Question("holidays", "Public holidays of (a region: DE, or DE-HH)",
             lambda v: _setting_problem(("holidays",), v)),
    Question("logo", "Logo file (SVG, PNG, JPEG or GIF)", _logo_problem),
    Question("logo_dark", "Logo file for dark mode", _logo_problem),
    Question("accent", "Accent colour (#rrggbb)", lambda v: _setting_problem(("accent",), v),
             suggest=lambda v: passing_accent(v) if re.fullmatch("#[0-9a-fA-F]{6}", v) else None),
    Question("languages", "Agreement languages to keep (en, the source, always stays)",
             _languages_problem, required=True),
)


def local_timezone(environ: Mapping[str, str] = os.environ) -> str:
    """This computer's time zone, by its IANA name; UTC when it has none."""
    from .schema import is_timezone

    candidates = [environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text("utf-8").strip())
    with contextlib.suppress(OSError):
        candidates.append(os.readlink("/etc/localtime").partition("zoneinfo/")[2])
    return next((zone for zone in candidates if zone and is_timezone(zone)), "UTC")


def ask(question: Question, default: str | None) -> str | None:
    """Ask at the terminal until the answer passes: Enter takes the default
    (in brackets), ``-`` leaves an optional value out."""
    while True:
        shown = f" [{default}]" if default else ""
        try:
            answer = input(f"{question.asks}{shown}: ").strip()
        except EOFError:  # Ctrl-D: as Ctrl-C, nothing was changed
            print()
            raise KeyboardInterrupt from None
        value = default if not answer else None if answer == "-" else answer
        if value is None:
            if question.required:
                print("  This one is needed.")
                continue
            return None
        problem = question.check(value)
        if problem is None:
            return value
        print(f"  {problem}")
        default = question.suggest(value) or default


#: What a question offers when nothing is given, from the answers before it.
Defaults = Callable[[str, Mapping[str, str | None]], str | None]


def answers(given: Mapping[str, str | None], default: Defaults, *,
            interactive: bool) -> tuple[dict[str, str | None], list[str]]:
    """Each question's answer: the option given ("" leaves it out), else
    asked at a terminal, else its default; and every problem, by option. At
    a terminal a wrong option is asked again, offering a better answer."""
    found: dict[str, str | None] = {}
    problems = []
    for question in QUESTIONS:
        option = given.get(question.option)
        if question.option == "logo_dark" and not found.get("logo"):
            found["logo_dark"] = None
            if option:
                problems.append("--logo-dark: give --logo too")
            continue
        value = (option or None) if option is not None else default(question.option, found)
        why = question.check(value) if value is not None else None
        if interactive and (option is None or why is not None):
            if why is not None:
                print(f"{question.flag}: {why}")
            found[question.option] = ask(question, question.suggest(value or "") or value)
            continue
        if value is None and question.required:
            problems.append(f"{question.flag}: give the studio's {question.option} (nothing is "
                            "asked: the input is not a terminal)")
        elif why is not None:
            better = question.suggest(value or "")
            problems.append(f"{question.flag}: {why}"
                            + (f" ({question.flag} {better})" if better and better not in why else ""))
        found[question.option] = value
    language, kept = found.get("language"), found.get("languages")
    if language and kept and base_language(language) not in \
            {base_language(tag.strip()) for tag in kept.split(",")} | {SOURCE}:
        problems.append(f"--languages: keep the studio's own language, {language}, too "
                        f"(--languages {kept},{base_language(language)})")
    return found, problems


# --- the plan -------------------------------------------------------------------------------

@dataclass
class Plan:
    """What ``init`` changes, worked out before anything is."""

    settings_file: Path
    settings_text: str
    copies: dict[Path, Path] = field(default_factory=dict)
    removals: list[Path] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    #: The studio dashboard's token: a fresh one, or the one the studio has.
    token: str = ""


def _variants(folder: Path) -> dict[Path, str]:
    """Each agreement template in another language than the source's, and its language."""
    if not folder.is_dir():
        return {}
    return {path: language for path in sorted(folder.glob("*.md"))
            if (language := template_language(path.stem)) != SOURCE}


def defaults(settings: Mapping[str, Any], options: CourtsideSettings, *,
             example: bool) -> Defaults:
    """What each question offers: of the example studio, nothing but a time
    zone and a language (its name, contacts, logo and colour are Northwind's);
    of a studio that ran ``init``, its own values. The agreement languages
    offered are English, the studio's and, once it ran ``init``, the ones it has."""
    raw = settings.get(SETTINGS_KEY) or {}
    logo, content = options.logo or {}, Path(settings["PATH"])
    own: dict[str, str | None] = {} if example else {
        "name": options.studio.get("name"), "email": options.studio.get("email"),
        "phone": options.studio.get("phone"), "website": options.studio.get("website"),
        "timezone": options.timezone, "language": options.studio_language,
        "holidays": raw.get("holidays"), "accent": options.accent,
        "logo": str(content / logo["src"]) if logo.get("src") else None,
        "logo_dark": str(content / logo["dark_src"]) if logo.get("dark_src") else None,
    }
    present = [] if example else [base_language(language) for language
                                  in _variants(options.agreements_folder).values()]

    def default(option: str, found: Mapping[str, str | None]) -> str | None:
        if option == "logo_dark" and found.get("logo") != own.get("logo"):
            return None  # a new logo: its dark variant is new too, or none
        if option == "languages":
            chosen = base_language(found.get("language") or SOURCE)
            return ",".join(dict.fromkeys([SOURCE, *sorted(present), chosen]))
        if example:
            return {"timezone": local_timezone(), "language": SOURCE}.get(option)
        return own.get(option)
    return default


def plan(settings: Mapping[str, Any], options: CourtsideSettings, settings_file: Path,
         found: Mapping[str, str | None], *, example: bool, logo_height: int | None,
         languages_given: bool) -> Plan:
    """Every change ``init`` makes, from the answers; ``ValueError`` when the
    logo cannot be read or the settings file cannot be edited."""
    text = settings_file.read_text("utf-8")
    result = Plan(settings_file, text)
    studio = {"name": found["name"], "email": found["email"], "phone": found["phone"],
              "website": found["website"], "language": found["language"]}
    courtside: dict[str, Any] = {
        "studio": {key: value for key, value in studio.items() if value},
        "timezone": found["timezone"], "holidays": found["holidays"],
        "accent": found["accent"].lower() if found["accent"] else None,
        "logo": _logo(result, Path(settings["PATH"]), options, found, example=example,
                      height=logo_height)}
    if example:  # the example studio's closures and notices are Northwind's
        courtside["closed"], courtside["notices"] = [], []
    # The studio's own token stays: production has it as a secret already.
    own_token = (settings.get(SETTINGS_KEY) or {}).get("studio_token")
    result.token = own_token if own_token and not example else new_token()
    courtside["studio_token"] = result.token
    if example or languages_given:
        wanted = {base_language(tag.strip()) for tag in (found["languages"] or "").split(",")}
        result.removals += [path for path, language in _variants(options.agreements_folder).items()
                            if base_language(language) not in wanted | {SOURCE}]
    _example_clients(result, options.clients_folder)
    pelican = {"SITENAME": (found["name"], f'{SETTINGS_KEY}["studio"]["name"]'),
               "TIMEZONE": (found["timezone"], f'{SETTINGS_KEY}["timezone"]'),
               "DEFAULT_LANG": (found["language"], f'{SETTINGS_KEY}["studio"].get("language", "en")')}
    try:
        result.settings_text = edited(text, courtside, pelican, {EXAMPLE: MADE})
    except NotEditable as error:
        raise ValueError(f"{display_path(settings_file)}: cannot be edited ({error}); "
                         "set the studio's values in it by hand (README, Settings)") from None
    return result


def _logo(result: Plan, content: Path, options: CourtsideSettings,
          found: Mapping[str, str | None], *, example: bool,
          height: int | None) -> dict[str, Any] | None:
    """The logo's setting, its files copied into content/images, and the
    example studio's logo removed."""
    setting: dict[str, Any] | None = None
    if found["logo"]:
        height = height or (None if example else (options.logo or {}).get("height"))
        logo = read_logo(Path(found["logo"]).expanduser(),
                         Path(found["logo_dark"]).expanduser() if found["logo_dark"] else None,
                         height or LOGO_HEIGHT)
        setting = {"src": logo.target(content / "images").relative_to(content).as_posix()}
        _copy(result, logo.light, logo.target(content / "images"))
        if logo.dark:
            dark = logo.target(content / "images", dark=True)
            setting["dark_src"] = dark.relative_to(content).as_posix()
            _copy(result, logo.dark, dark)
        setting |= {"width": logo.width, "height": logo.height}
    if example:
        used = {path.resolve() for pair in result.copies.items() for path in pair}
        result.removals += [content / options.logo[key] for key in ("src", "dark_src")
                            if options.logo and options.logo.get(key)
                            and (content / options.logo[key]).is_file()
                            and (content / options.logo[key]).resolve() not in used]
    return setting


def _copy(result: Plan, source: Path, target: Path) -> None:
    """A logo file to copy, unless it is the one in place (``init --force``
    keeping the logo)."""
    if source.resolve() != target.resolve():
        result.copies[source] = target


def _example_clients(result: Plan, folder: Path) -> None:
    """The example client files go while they are as shipped; one edited stays, said so."""
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        state = example_state(path.read_text("utf-8", errors="replace"))
        if state == "as shipped":
            result.removals.append(path)
        elif state == "edited":
            result.kept.append(f"kept {display_path(path)}: an example client you have edited "
                               "(remove it yourself when you no longer need it)")


def check_settings_text(plan: Plan) -> None:
    """The new settings, read as Pelican and Courtside will read them; a
    ``CourtsideError`` when they would not build (nothing is written then)."""
    from pelican.settings import read_settings

    descriptor, name = tempfile.mkstemp(dir=plan.settings_file.parent, prefix=".courtside-init-",
                                        suffix=".py")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(plan.settings_text)
        courtside_settings(read_settings(name), environ={})
    finally:
        os.unlink(name)


def carry_out(plan: Plan) -> None:
    """Copy the logo, remove what goes, and write the settings last: an
    interrupted ``init`` leaves the example's settings, so it can run again."""
    for source, target in plan.copies.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        files.write_atomically(target, source.read_bytes())
    for path in plan.removals:
        path.unlink(missing_ok=True)
    interrupts.finish_uninterrupted()
    files.write_atomically(plan.settings_file, plan.settings_text.encode("utf-8"))


def is_example(settings_text: str) -> bool:
    """Whether the settings are still the example studio's."""
    return EXAMPLE in settings_text.splitlines()


def run(settings: Mapping[str, Any], options: CourtsideSettings, settings_file: Path,
        given: Mapping[str, str | None], *, force: bool, logo_height: int | None,
        interactive: bool) -> int:
    """``courtside init``; its exit code."""
    example = is_example(settings_file.read_text("utf-8"))
    if not example and not force:
        print(f"courtside init: {display_path(settings_file)} already holds the settings of "
              f"{options.studio['name']}, not the example's; run `courtside init --force` to "
              "change them (your client files stay as they are)", file=sys.stderr)
        return 1
    if interactive:
        print("Making this site your studio's. Enter keeps the value in brackets; "
              "- leaves an optional one out.")
    found, problems = answers(given, defaults(settings, options, example=example),
                              interactive=interactive)
    work = None
    if not problems:
        try:
            # Languages asked at a terminal count as given: the answer says which stay.
            work = plan(settings, options, settings_file, found, example=example,
                        logo_height=logo_height,
                        languages_given=given.get("languages") is not None or interactive)
        except ValueError as error:
            problems.append(str(error))
    if problems or work is None:
        for problem in problems:
            print(f"courtside init: {problem}", file=sys.stderr)
        print("courtside init: nothing was changed", file=sys.stderr)
        return 1
    check_settings_text(work)
    carry_out(work)
    _report(work, found, options)
    return 0


def _report(work: Plan, found: Mapping[str, str | None], options: CourtsideSettings) -> None:
    token = work.token
    print(f"Courtside is now {found['name']}'s: {display_path(work.settings_file)} holds the "
          "studio's name, contacts, time zone, language, holidays, logo and colour.")
    for target in work.copies.values():
        print(f"  copied the logo to {display_path(target)}")
    for path in work.removals:
        print(f"  removed {display_path(path)}")
    for line in work.kept:
        print(f"  {line}")
    print(f"Your dashboard: {replace(options, studio_token=token).dashboard_path()}"
          f" (studio_token {token}). For production builds, store the same token as the secret "
          "COURTSIDE_STUDIO_TOKEN: publishconf.py reads it from the environment only.")
    print("Next: courtside new CLIENT --name \"The client's name\", then make serve. Keep this "
          "repository private: its client files hold every portal's link.")
