"""What a project's history says on its portal, in the portal's language:
the paper trail's entries recorded automatically, a moved step's "moved
twice, first agreed …", the agreement's changes after signing, and the
feed's "first agreed". Each sentence is written here once; the page, the
feed and the studio's side take it from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from .filters import Words
from .history import AGREEMENT_TEXTS, Due, Edit, MilestoneHistory, ProjectHistory, TermKey
from .i18n import isolated, one_stop
from .model import PARTIES, Party

#: The terms the shipped agreement names, each said for a party or on its own.
_PER_PARTY_DAYS = ("response_days", "grace_days")


@dataclass(frozen=True)
class Recorded:
    """A paper trail entry the history recorded, not the studio."""

    date: dt.date
    text: str
    #: What changed, in no language: the updates feed's entry id is made of it,
    #: so a renamed step or a new language is no new entry.
    key: str = ""
    automatic: bool = True
    is_notice = False


def due_text(due: Due, words: Words) -> str:
    """A due date as it was written: the day, and the local time of a timed step."""
    return words.long_date(due.day) + (f", {words.clock_time(due.time)}" if due.time else "")


def moved_summary(milestone: MilestoneHistory, words: Words) -> str:
    """``moved twice, first agreed Fri 6 Nov 2026``: beside a due date that moved."""
    count = len(milestone.moves)
    return words.language.ngettext(
        "moved once, first agreed %(date)s", "moved %(num)d times, first agreed %(date)s",
        count) % {"num": count, "date": due_text(milestone.first_due, words)}


def move_text(move: Edit[Due], words: Words) -> str:
    """``Tue 20 Oct 2026: Fri 6 Nov 2026 → Fri 13 Nov 2026``: one move, in the list of moves."""
    return words.language.gettext("%(day)s: %(old)s → %(new)s") % {
        "day": words.long_date(move.day), "old": due_text(move.old, words),
        "new": due_text(move.new, words)}


def first_agreed(milestone: MilestoneHistory, words: Words, zone: str) -> str:
    """The feed's line for a moved step; a time with its zone, as the feed's
    other dates have it."""
    date = due_text(milestone.first_due, words)
    if milestone.first_due.time:
        date += f" ({words.zone_name(zone)})"
    return words.language.gettext("First agreed: %(date)s") % {"date": date}


def term_label(key: TermKey, words: Words, party_name: Callable[[Party], str]) -> str:
    """``grace period for Acme Corp``: a term as a reader knows it; a term of
    the studio's own as it is written in the file (``terms.support_hours``)."""
    _ = words.language.gettext
    labels = {"response_days": _("response time for %(party)s"),
              "grace_days": _("grace period for %(party)s"),
              "consequences": _("consequences for %(party)s")}
    if len(key) == 2 and key[0] in labels and key[1] in PARTIES:
        return labels[key[0]] % {"party": isolated(party_name(key[1]))}
    if key == ("deposit",):
        return _("deposit")
    if key == ("payment_days",):
        return _("payment period")
    if key == ("clauses",):
        return _("the project's own clauses")
    if key == ("template",):
        return _("the agreement's standard text")
    return "terms." + ".".join(key)


def term_value(key: TermKey, value: Any, words: Words) -> str:
    """A term's value as the agreement shows it: counts of days in words; a
    text isolated (``old → new`` between two right-to-left texts would show
    the new one first)."""
    if value is None:
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        if key[0] in _PER_PARTY_DAYS:
            return words.business_days(value)
        if key == ("payment_days",):
            return words.calendar_days(value)
    return isolated(str(value))


def term_change(key: TermKey, edit: Edit[Any], words: Words,
                party_name: Callable[[Party], str]) -> str:
    """``grace period for Acme Corp: 10 business days → 5 business days``."""
    label = term_label(key, words, party_name)
    if key in AGREEMENT_TEXTS:
        return words.language.gettext("%(term)s changed") % {"term": label}
    return words.language.gettext("%(term)s: %(old)s → %(new)s") % {
        "term": label, "old": term_value(key, edit.old, words),
        "new": term_value(key, edit.new, words)}


def changed_after_signing(day: dt.date, changes: list[str], words: Words) -> str:
    """The agreement's notice: ``Changed after signing on Tue 17 Nov 2026: …``."""
    return one_stop(words.language.gettext("Changed after signing on %(date)s: %(changes)s.") % {
        "date": words.long_date(day), "changes": words.listed(changes)})


def _status_text(edit: Edit[str], words: Words) -> str:
    _ = words.language.gettext
    if edit.new == "paused":
        return _("Project paused.")
    if edit.new == "done":
        return _("Project completed.")
    if edit.new == "archived":
        return _("Project archived.")
    if edit.old == "paused":
        return _("Project resumed.")
    if edit.old == "archived":
        return _("Project taken out of the archive.")
    return _("Project reopened.")


def _signing_text(edit: Edit[dt.date | None], words: Words) -> str:
    _ = words.language.gettext
    if edit.new is None:
        return _("The agreement's date was removed (it was %(old)s).") % {
            "old": words.long_date(edit.old) if edit.old else "—"}
    if edit.old is None:
        return _("The agreement's date was set again, to %(new)s.") % {"new": words.long_date(edit.new)}
    return _("The agreement's date changed from %(old)s to %(new)s.") % {
        "old": words.long_date(edit.old), "new": words.long_date(edit.new)}


def recorded_entries(history: ProjectHistory, words: Words,
                     party_name: Callable[[Party], str]) -> list[Recorded]:
    """Every change the history holds, as paper trail entries."""
    _ = words.language.gettext
    # On one day: the project's status, then its terms, then its steps.
    entries: list[Recorded] = []
    for status in history.statuses:
        entries.append(Recorded(status.day, _status_text(status, words),
                                f"status/{status.day}/{status.old}/{status.new}"))
    for signing in history.signings:
        entries.append(Recorded(signing.day, _signing_text(signing, words),
                                f"signed/{signing.day}/{signing.old}/{signing.new}"))
    for day, changes in terms_by_day(history, words, party_name):
        entries.append(Recorded(day, changed_after_signing(day, changes, words), f"terms/{day}"))
    for milestone in history.milestones.values():
        step = words.quoted(milestone.title)
        for gone, back in milestone.absences:
            entries.append(_removed(milestone, gone, step, words))
            entries.append(Recorded(back, _("%(step)s is back on the schedule.") % {"step": step},
                                    f"back/{milestone.id}/{back}"))
        for move in milestone.moves:
            entries.append(Recorded(move.day, _("Due date of %(step)s moved from %(old)s to %(new)s.") % {
                "step": step, "old": due_text(move.old, words), "new": due_text(move.new, words)},
                f"moved/{milestone.id}/{move.day}/{move.old.day}/{move.new.day}"))
        for owner in milestone.owners:
            entries.append(Recorded(owner.day, _("%(step)s is now for %(party)s, no longer for %(old)s.") % {
                "step": step, "party": isolated(party_name(owner.new)),
                "old": isolated(party_name(owner.old))},
                f"owner/{milestone.id}/{owner.day}/{owner.new}"))
        for done in milestone.done:
            was = words.long_date(done.old) if done.old else "—"
            if done.new is None:
                text = _("%(step)s is no longer marked done (it was done on %(old)s).") % {
                    "step": step, "old": was}
            else:
                text = _("Done date of %(step)s changed from %(old)s to %(new)s.") % {
                    "step": step, "old": was, "new": words.long_date(done.new)}
            entries.append(Recorded(done.day, text, f"done/{milestone.id}/{done.day}/{done.new}"))
        if milestone.removed is not None:
            entries.append(_removed(milestone, milestone.removed, step, words))
    return [replace(entry, text=one_stop(entry.text)) for entry in entries]


def _removed(milestone: MilestoneHistory, day: dt.date, step: str, words: Words) -> Recorded:
    return Recorded(day, words.language.gettext("%(step)s was removed from the schedule.") % {
        "step": step}, f"removed/{milestone.id}/{day}")


def terms_by_day(history: ProjectHistory, words: Words,
                 party_name: Callable[[Party], str]) -> list[tuple[dt.date, list[str]]]:
    """The terms changed after signing, one list per day, oldest first."""
    days: dict[dt.date, list[str]] = {}
    for key, edit in history.terms:
        days.setdefault(edit.day, []).append(term_change(key, edit, words, party_name))
    return sorted(days.items())
