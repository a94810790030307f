"""What a reader can do from the portal without any service behind it: write
to the studio about the current step, and approve or decline a proposed
change, each as a ``mailto:`` link with its subject and body filled in, in
the portal's language; call the studio (``tel:``) or visit its website.

The mails never carry the portal's own address: it is the page's secret,
and mail gets forwarded. A decision's mail ends with the ``change:`` line
the studio pastes into the client file to record it.

Pure: functions of the model, the studio's address and the words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from .filters import Words
from .i18n import isolated
from .model import Change, LogEntry, Milestone

#: How long a name may be in a subject, and in a body, before it is shortened.
SUBJECT_LIMIT, BODY_LIMIT = 80, 300


def mailto(address: str, subject: str, body: str) -> str:
    """An RFC 6068 ``mailto:`` URL: the UTF-8 of every character outside
    the unreserved ones percent-encoded (a space as ``%20``, never ``+``),
    the body's line breaks as ``%0D%0A``; a subject is one line."""
    # One line; a no-break space (French « … ») stays what it is.
    subject = " ".join(re.split(r"\s*[\r\n\x85\u2028\u2029]+\s*", subject.strip()))
    body = re.sub(r"\r\n|\r|\n", "\r\n", body)
    return (f"mailto:{quote(address, safe='@')}?subject={quote(subject, safe='')}"
            f"&body={quote(body, safe='')}")


#: Many mail programs (and Windows' mailto handler) cut a mailto: URL at about
#: 2,000 characters; a Cyrillic letter alone takes six once encoded.
MAX_URL = 2000


def fitting(mail: Callable[[int, int], str]) -> str:
    """``mail(subject_limit, body_limit)`` with the longest names it can keep
    and still fit in ``MAX_URL``: the names are shortened, never the sentences."""
    subject, body = SUBJECT_LIMIT, BODY_LIMIT
    url = mail(subject, body)
    while len(url) > MAX_URL and body > 20:
        subject, body = max(subject * 3 // 4, 20), body * 3 // 4
        url = mail(subject, body)
    return url


def one_line(text: str) -> str:
    return " ".join(text.split())


def greeting(words: Words, studio: str) -> str:
    return words.language.gettext("Hello %(studio)s,") % {"studio": isolated(one_line(studio))}


# --- the current step ----------------------------------------------------------------------

def step_subject(words: Words, project: str, step: Milestone, limit: int = SUBJECT_LIMIT) -> str:
    """The subject of a mail about the current step: the client's reply to
    its own step, or a question about the studio's."""
    _ = words.language.gettext
    values = {"step": words.quoted(step.title, limit),
              "project": words.quoted(project, limit)}
    if step.owner == "client":
        return _("About the step %(step)s of %(project)s") % values
    return _("Question about the step %(step)s of %(project)s") % values


def step_sentence(words: Words, project: str, step: Milestone, limit: int = BODY_LIMIT) -> str:
    _ = words.language.gettext
    values = {"step": words.quoted(step.title, limit),
              "project": words.quoted(project, limit), "date": words.long_date(step.due)}
    if step.owner == "client":
        return _("About the step %(step)s of %(project)s, due %(date)s:") % values
    return _("A question about the step %(step)s of %(project)s, due %(date)s:") % values


def step_mail(address: str, studio: str, project: str, step: Milestone, words: Words) -> str:
    """``mailto:`` the studio about the current step."""
    return fitting(lambda subject, body: mailto(
        address, step_subject(words, project, step, subject),
        f"{greeting(words, studio)}\n\n{step_sentence(words, project, step, body)}\n\n"))


# --- calling and visiting the studio ------------------------------------------------------

def tel_link(number: str) -> str:
    """A ``tel:`` URL (RFC 3966) for a number as the settings write it
    (``+49 40 1234 5678``, ``(040) 1234-5678``): its digits, with its
    leading ``+``; what a phone dials when the link is tapped."""
    international = number.strip().startswith("+")
    if international:  # "+49 (0)40 …": the (0) is dialled only from inside the country
        number = number.replace("(0)", "")
    return "tel:" + ("+" if international else "") + re.sub(r"\D", "", number)


def website_text(url: str) -> str:
    """A web address as a reader sees it in a link: ``https://northwind.example/``
    → ``northwind.example``; a path stays (``northwind.example/studio``)."""
    shown = re.sub(r"^https?://(www\.)?", "", url.strip(), flags=re.IGNORECASE)
    return shown.rstrip("/")


# --- a proposed change ---------------------------------------------------------------------

def decision_subject(words: Words, project: str, entry: LogEntry, approve: bool,
                     limit: int = SUBJECT_LIMIT) -> str:
    _ = words.language.gettext
    values = {"change": words.quoted(entry.text, limit),
              "project": words.quoted(project, limit)}
    if approve:
        return _("Change request approved: %(change)s, %(project)s") % values
    return _("Change request declined: %(change)s, %(project)s") % values


def decision_sentence(words: Words, project: str, entry: LogEntry, approve: bool,
                      limit: int = BODY_LIMIT) -> str:
    """The decision with everything it is about: the change, its time and
    cost, and the day it was proposed."""
    _ = words.language.gettext
    assert entry.change is not None  # a decision is about a change request
    values = {"change": words.quoted(entry.text, limit),
              "project": words.quoted(project, limit),
              "date": words.long_date(entry.date),
              "effect": words.change_effect(entry.change)
              or _("no effect on time or budget given")}
    if approve:
        return _("We approve the change request %(change)s for %(project)s, proposed on "
                 "%(date)s: %(effect)s.") % values
    return _("We decline the change request %(change)s for %(project)s, proposed on "
             "%(date)s: %(effect)s.") % values


def yaml_string(text: str) -> str:
    """``text`` as a double-quoted YAML scalar, whatever it holds: JSON's
    quoting, plus the line breaks YAML knows and JSON does not."""
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("\x85", "\\x85").replace("\u2028", "\\u2028") \
        .replace("\u2029", "\\u2029")


def change_line(change: Change, status: str) -> str:
    """The entry's ``change:`` as the client file writes it, with the new
    status: ``change: {status: approved, days: 5, cost: "€2,400"}``."""
    parts = [f"status: {status}"]
    if change.days is not None:
        parts.append(f"days: {change.days}")
    if change.cost is not None:
        parts.append(f"cost: {yaml_string(change.cost)}")
    if change.after is not None:
        parts.append(f"after: {yaml_string(change.after)}")
    return "change: {" + ", ".join(parts) + "}"


def record_sentence(words: Words, entry: LogEntry) -> str:
    """What the studio does with the line that follows."""
    return words.language.gettext(
        "For the project file, the change line of the entry of %(date)s:") % {
        "date": entry.date.isoformat()}


def decision_mail(address: str, studio: str, project: str, entry: LogEntry, words: Words,
                  *, approve: bool) -> str:
    """``mailto:`` the studio with the client's decision on a proposed change."""
    assert entry.change is not None  # a decision is about a change request
    line = change_line(entry.change, "approved" if approve else "declined")
    return fitting(lambda subject, body: mailto(
        address, decision_subject(words, project, entry, approve, subject),
        f"{greeting(words, studio)}\n\n{decision_sentence(words, project, entry, approve, body)}"
        f"\n\n{record_sentence(words, entry)}\n{line}\n"))


@dataclass(frozen=True)
class DecisionMails:
    """The two answers to a proposed change, as ``mailto:`` links."""

    approve: str
    decline: str
