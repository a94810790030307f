"""Check a client document against ``client.schema.json``, and the
settings against ``settings.schema.json``.

The schema is the one description of the format: the build validates with it
here, and editors read the same file through the ``$schema`` line at the top
of each client file. This module only adds the formats the schemas name
but JSON Schema does not define, and turns the validator's errors into
messages a studio can act on; client files and settings get the same ones.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import zoneinfo
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema

from .i18n import language_problem
from .model import REMINDER_UNITS, Reminder
from .problems import Problem
from .workdays import region_problem
from .yamlsource import Document

if TYPE_CHECKING:  # imported when a document is found wrong: a build of good files never needs it
    import jsonschema

SCHEMA_FILE = "client.schema.json"
SETTINGS_SCHEMA_FILE = "settings.schema.json"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A local time is minutes, written with a space: what the page and the feed show.
_LOCAL_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
#: The years a date may have: every date the format accepts is drawn, counted
#: and written, and a year outside these is a typo (0026, 9999).
YEARS = range(1970, 2200)


def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` as a date, or None when it is not a real date or its
    year lies outside ``YEARS``."""
    if not _DATE.fullmatch(text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if day.year in YEARS else None


def checked_date(text: str) -> dt.date:
    """A date the schema checked (its format ``date``): ``parse_date`` of
    text known to be one."""
    day = parse_date(text)
    assert day is not None, text
    return day


def parse_due(text: str) -> tuple[dt.date, dt.time | None] | None:
    """A due date, or a local date and time (``2026-10-22 14:00``)."""
    day = parse_date(text)
    if day is not None:
        return day, None
    if not _LOCAL_DATETIME.fullmatch(text):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment.date(), moment.time()) if moment.year in YEARS else None


#: A reminder: how long before a step, in weeks, days, hours or minutes (``2d``).
_REMINDER = re.compile(r"([1-9][0-9]{0,2})([wdhm])")
#: What a reminder's units stand for, in the messages that explain them.
_REMINDER_HELP = "a number and a unit, such as 2d: w weeks, d days, h hours, m minutes"


def parse_reminder(text: str) -> Reminder | None:
    """``2d``, ``3h``, ``1w``, ``30m`` (1 to 999 of a unit) as a reminder."""
    match = _REMINDER.fullmatch(text)
    if match is None:
        return None
    unit = match[2]
    assert unit in REMINDER_UNITS  # the pattern's units
    return Reminder(int(match[1]), unit)


def checked_reminders(texts: list[str]) -> tuple[Reminder, ...]:
    """Reminders the schema checked (format ``reminder``), longest first."""
    reminders = []
    for text in texts:
        reminder = parse_reminder(text)
        assert reminder is not None, text
        reminders.append(reminder)
    return tuple(sorted(reminders, key=lambda reminder: reminder.lead, reverse=True))


def repeated_reminders(texts: list[str]) -> list[tuple[int, str]]:
    """``(index, message)`` for each reminder that says again what one before
    it says (``2d`` twice, or ``1d`` and ``24h``): a calendar would remind
    twice at the same moment."""
    first: dict[dt.timedelta, int] = {}
    repeated = []
    for index, text in enumerate(texts):
        reminder = parse_reminder(text)
        if reminder is None:
            continue
        if first.setdefault(reminder.lead, index) != index:
            given = texts[first[reminder.lead]]
            same = "given twice" if given == text else f"the same as {given}, given before it"
            repeated.append((index, f"{text} is {same}; give each reminder once, such as [2d, 1d]"))
    return repeated


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


#: Names in the zone database that are not a place: "localtime" is whatever
#: the build machine says.
_NOT_PLACES = frozenset({"localtime", "posixrules", "Factory"})


def is_timezone(text: str) -> bool:
    # A set lookup, not ZoneInfo(text): "Europe" names a folder of the zone
    # database, and opening it raises IsADirectoryError.
    return text in _timezones() and text not in _NOT_PLACES


#: The formats the schema names that JSON Schema does not define, as tests
#: of a text; both validators below use them.
_FORMAT_TESTS: dict[str, Callable[[str], bool]] = {
    "date": lambda text: parse_date(text) is not None,
    "courtside-due": lambda text: parse_due(text) is not None,
    "timezone": is_timezone,
    "holiday-region": lambda text: region_problem(text) is None,
    "language": lambda text: language_problem(text) is None,
    "reminder": lambda text: parse_reminder(text) is not None,
}


@cache
def _format_checker() -> jsonschema.FormatChecker:
    import jsonschema

    checker = jsonschema.FormatChecker([])
    for name, test in _FORMAT_TESTS.items():
        # jsonschema asks about any value; a value that is not text is the "type" rule's business.
        checker.checks(name)(lambda value, test=test: not isinstance(value, str) or test(value))
    return checker


_FORMAT_MESSAGES = {
    "date": "is not a date (use YYYY-MM-DD)",
    "courtside-due": "is not a date (use YYYY-MM-DD, or YYYY-MM-DD HH:MM for a local time)",
    "timezone": "is not a known time zone (use an IANA name such as Europe/Berlin)",
    "holiday-region": "is not a holiday region (use a country code such as DE, or DE-BY)",
    "language": "is not a shipped language",
    "reminder": f"is not a reminder; write {_REMINDER_HELP}",
}


def _format_problem(name: str, value: object, shown: str) -> str:
    """What is wrong with ``value`` for the format ``name``; a region names
    the valid choices, a date out of range says so."""
    if name in ("date", "courtside-due") and isinstance(value, str) and value[:4].isdigit() \
            and int(value[:4]) not in YEARS and (_DATE.fullmatch(value[:10]) or ""):
        return f"{shown}: the year must be from {YEARS.start} to {YEARS.stop - 1} (a typo?)"
    if name == "holiday-region" and isinstance(value, str) and value:
        return region_problem(value) or f"{shown} {_FORMAT_MESSAGES[name]}"
    if name == "language" and isinstance(value, str):
        return language_problem(value) or f"{shown} {_FORMAT_MESSAGES[name]}"
    if name == "reminder":
        return _reminder_problem(value, shown)
    if name == "holiday-region" and isinstance(value, bool):  # NO, Norway, is YAML's false
        return f"{shown} {_FORMAT_MESSAGES[name]}; YAML reads {shown} as {str(value).lower()}: " \
            f"put it in quotes, \"{shown}\""
    return f"{shown} {_FORMAT_MESSAGES[name]}"

def _reminder_problem(value: object, shown: str) -> str:
    """What is wrong with a reminder, and what to write: a number without a
    unit gets one, a negative one (after the step) its opposite."""
    if isinstance(value, int) and not isinstance(value, bool) and value:
        return f"{shown} has no unit; write {abs(value)}d for {abs(value)} days " \
            f"(or {abs(value)}h, {abs(value)}w, {abs(value)}m)"
    if isinstance(value, str) and value.startswith("-") and parse_reminder(value[1:]):
        return f"{shown} would remind after the step is due; a reminder comes before it, " \
            f"so write {value[1:]}"
    if isinstance(value, str) and re.fullmatch(r"0+[wdhm]", value):
        return f"{shown} would remind when the step is due, not before it; write {_REMINDER_HELP}"
    return f"{shown} {_FORMAT_MESSAGES['reminder']}"


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys to values",
    "null": "empty",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema of the package: JSON, any value."""
    schema: dict[str, Any] = json.loads(resources.files(__package__).joinpath(name).read_text("utf-8"))
    return schema


def client_schema() -> dict[str, Any]:
    return load_schema(SCHEMA_FILE)


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema

    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=_format_checker())


@cache
def _quick_check(name: str = SCHEMA_FILE) -> Callable[[object], object]:
    """The same schema compiled to Python by fastjsonschema: about 25 times
    faster than jsonschema, but it stops at the first mistake and says it
    tersely. So it only answers "valid or not"; an invalid document is
    checked again by jsonschema for every mistake, each with its own
    message. A client file gets the schema's defaults filled in; the
    settings have their own (``settings.DEFAULTS``)."""
    schema = {**load_schema(name), "$schema": "http://json-schema.org/draft-07/schema#"}
    return fastjsonschema.compile(schema, formats=_FORMAT_TESTS, use_default=name == SCHEMA_FILE)


#: What a schema may say about a mapping or list and still be checked part by
#: part: a part (a value in it) that passes its own schema leaves the whole as
#: valid as it was, as long as no key is added or removed above it.
_BY_PARTS = frozenset({"type", "properties", "additionalProperties", "required", "items",
                       "minItems", "maxItems", "propertyNames", "$ref", "description", "title",
                       "x-hint", "default", "examples", "$schema", "$defs"})


@cache
def _pointer(shape: tuple[str | None, ...]) -> str | None:
    """The JSON pointer of the client schema's rules for the values at
    ``shape`` (a key path, list positions as None); None when a schema above
    them says more than ``_BY_PARTS`` (then only the whole document can tell)."""
    root = client_schema()
    node, pointer = root, "#"
    for part in shape:
        while "$ref" in node:
            pointer = node["$ref"]
            node = root
            for name in pointer[2:].split("/"):
                node = node[name.replace("~1", "/").replace("~0", "~")]
        if not node.keys() <= _BY_PARTS:
            return None
        if part is None:
            if not isinstance(node.get("items"), dict):
                return None
            node, pointer = node["items"], pointer + "/items"
        elif part in node.get("properties", {}):
            node = node["properties"][part]
            pointer += "/properties/" + part.replace("~", "~0").replace("/", "~1")
        elif isinstance(node.get("additionalProperties"), dict):
            node, pointer = node["additionalProperties"], pointer + "/additionalProperties"
        else:
            return None
    return pointer


@cache
def _quick_check_at(pointer: str) -> Callable[[object], object]:
    """``_quick_check`` of the rules at ``pointer`` alone (draft 7 reads
    nothing beside a ``$ref``); it fills in no defaults, so the value it
    checks is left as it is."""
    schema = {**client_schema(), "$schema": "http://json-schema.org/draft-07/schema#",
              **({"$ref": pointer} if pointer != "#" else {})}
    return fastjsonschema.compile(schema, formats=_FORMAT_TESTS, use_default=False)


def part_is_valid(path: tuple[str | int, ...], value: object) -> bool | None:
    """Whether ``value`` may stand at ``path`` of a client document that is
    valid everywhere else, keys and list lengths above ``path`` unchanged;
    None when the schema cannot tell from the part alone."""
    pointer = _pointer(tuple(None if isinstance(part, int) else part for part in path))
    if pointer is None:
        return None
    try:
        _quick_check_at(pointer)(value)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def schema_problems(document: Document, schema_file: str = SCHEMA_FILE) -> list[Problem]:
    """Every way ``document`` (a client's, unless ``schema_file`` says
    otherwise) breaks its schema, one problem per mistake."""
    try:
        _quick_check(schema_file)(document.data)
        return []
    except fastjsonschema.JsonSchemaException:
        return every_problem(document, schema_file)


def every_problem(document: Document, schema_file: str) -> list[Problem]:
    """Every way ``document`` breaks the schema in ``schema_file``, one
    problem per mistake."""
    problems: list[Problem] = []
    for error in _validator(schema_file).iter_errors(document.data):
        problems.extend(_describe(error, document))
    return list(dict.fromkeys(problems))  # a rule broken twice is one problem


#: A value quoted in a message is cut to this many characters: a whole file
#: that is not a mapping (or the system file a link points at) is not echoed.
_SHOWN_AT_MOST = 60


def _shown(value: object, written: str | None = None) -> str:
    """A value as the studio wrote it, quoted when it is text, and short."""
    if written:  # a key with nothing after it was written as "", and is shown as nothing
        return _short(written)
    if isinstance(value, str):
        return _short(json.dumps(value, ensure_ascii=False))
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return _short(str(value))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN_AT_MOST else text[: _SHOWN_AT_MOST - 1] + "…"


def _kind(value: object) -> str:
    for name, python_type in (("true or false", bool), ("a number", (int, float)),
                              ("text", str), ("a list", list), ("a mapping", dict)):
        if isinstance(value, python_type):
            return name
    # Only the settings, being Python, can hold other things (a set, bytes).
    return "nothing" if value is None else f"a Python {type(value).__name__}"


def _meant(key: str, known: list[str]) -> str | None:
    """The known key an unknown one is closest to, if it is close: a typo."""
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    return close[0] if close else None


def _hint(schema: Mapping[str, Any]) -> str:
    """An object's own hint (its ``x-hint``), said when the object itself is
    wrong: of another type, or missing a key."""
    return f"; {schema['x-hint']}" if "x-hint" in schema else ""


# One flat branch per JSON Schema keyword: the count is of keywords, not of ideas.
def _describe(error: jsonschema.ValidationError, document: Document) -> list[Problem]:  # noqa: C901
    path = tuple(error.absolute_path)
    value, schema, rule = error.instance, error.schema, error.validator
    shown = _shown(value, document.written.get(path))

    if rule == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        allowed = schema.get("additionalProperties")
        if isinstance(allowed, dict):  # free-form keys with typed values; not this error
            return [document.problem(path, error.message)]
        problems = []
        for key in value:
            if key in known:
                continue
            message = "unknown key"
            suggestion = _meant(key, known)
            message += (f"; did you mean {suggestion}?" if suggestion
                        else f" (allowed here: {', '.join(known)})")
            problems.append(document.problem(path + (key,), message, key=True))
        return problems

    if rule == "required":
        # One error per missing key; the path names it, the location is its
        # would-be parent.
        missing = [key for key in error.validator_value if key not in value]
        named = [key for key in missing if repr(key) in error.message]
        # A key written with a typo (``onwer``) is said once, as the unknown
        # key that means it, not a second time as missing.
        known = sorted(schema.get("properties", {}))
        meant = {_meant(key, known) for key in value if key not in known} \
            if schema.get("additionalProperties") is False else set()
        return [document.problem(path + (key,), "required key is missing" + _hint(schema))
                for key in named or missing if key not in meant]

    if "propertyNames" in error.schema_path:  # a key's name is wrong, not its value
        return [document.problem(path + (value,), f"{shown} is not allowed as a name; "
                                 + schema.get("x-hint", error.message), key=True)]

    if rule == "format":
        return [document.problem(path, _format_problem(error.validator_value, value, shown))]

    if rule == "type":
        expected = error.validator_value
        if "format" in schema:
            dated = schema["format"] in ("date", "courtside-due")
            hint = "; write the date itself" if dated and not isinstance(value, str) else ""
            return [document.problem(path, _format_problem(schema["format"], value, shown) + hint)]
        expected_names = [expected] if isinstance(expected, str) else expected
        wanted = " or ".join(_TYPE_NAMES[name] for name in expected_names)
        message = f"expected {wanted}, got {shown}"
        if not isinstance(value, (list, dict)) and value is not None:
            message += f" ({_kind(value)})"
        if "string" in expected_names and not isinstance(value, (list, dict)) and value is not None:
            message += "; put it in quotes to make it text"
        hinted = "object" in expected_names or "array" in expected_names
        return [document.problem(path, message + (_hint(schema) if hinted else ""))]

    if rule == "enum":
        options = error.validator_value
        message = f"{shown} is not allowed; use one of: {', '.join(map(str, options))}"
        if isinstance(value, str):
            close = difflib.get_close_matches(value, [str(o) for o in options], n=1, cutoff=0.6)
            if close:
                message += f" (did you mean {close[0]}?)"
        return [document.problem(path, message)]

    if rule == "pattern":
        return [document.problem(path, f"{shown} is not allowed; "
                                 + schema.get("x-hint", f"it must match {error.validator_value}"))]

    if rule == "minItems":
        return [document.problem(path, "needs at least one entry")]

    if rule == "minLength":
        return [document.problem(path, "must not be empty")]

    if rule == "minimum":
        return [document.problem(path, f"{shown} must be {error.validator_value} or more")]

    if rule == "maximum":
        return [document.problem(path, f"{shown} must be {error.validator_value} or less")]

    if rule == "maxItems":
        return [document.problem(path, f"at most {error.validator_value} entries")]

    return [document.problem(path, error.message)]
