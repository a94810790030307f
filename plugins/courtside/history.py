"""What changed in a client file, and when: moved due dates, changed owners,
done dates changed or taken back, milestones removed, a project paused or
resumed, terms changed after signing.

Pure functions of the file's past versions, each loaded by the same loader
as the file itself and dated by the day it was committed (``gitlog`` reads
them). Milestones are followed by their id, so a renamed step keeps its
history. Only what the portal already shows is kept: dates and the values of
fields on the page, never a token (a rotation is not history), a commit's
message or its author.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .model import Client, Milestone, Party, Project, flat_terms

T = TypeVar("T")
#: A term's place in ``terms``: ``("grace_days", "client")``.
TermKey = tuple[str, ...]
#: The agreement's texts in ``ProjectHistory.terms``: the project's own
#: clauses and the template; a change to them is said, their words (or the
#: template's file name) are not, and every agreement shows them.
AGREEMENT_TEXTS: tuple[TermKey, ...] = (("clauses",), ("template",))
#: How far back the studio's side counts moved dates.
RECENT_DAYS = 30


@dataclass(frozen=True, order=True)
class Due:
    """A due date as agreed: a day, and the local time of a timed step."""

    day: dt.date
    time: dt.time | None = None

    @classmethod
    def of(cls, milestone: Milestone) -> Due:
        return cls(milestone.due, milestone.due_time)


@dataclass(frozen=True)
class Edit(Generic[T]):
    """One value changed: on ``day`` (the commit's, in the studio's time
    zone), from ``old`` to ``new``."""

    day: dt.date
    old: T
    new: T


@dataclass(frozen=True)
class MilestoneHistory:
    id: str
    #: The title it had last: its current one, or the one it had when removed.
    title: str
    #: The day it first appeared, and its due date then.
    first_seen: dt.date
    first_due: Due
    moves: tuple[Edit[Due], ...] = ()
    owners: tuple[Edit[Party], ...] = ()
    #: A done date changed or taken back (setting it the first time is not news).
    done: tuple[Edit[dt.date | None], ...] = ()
    #: The day it left the schedule; None while it is on it.
    removed: dt.date | None = None
    #: Each time it left the schedule and came back: the two days.
    absences: tuple[tuple[dt.date, dt.date], ...] = ()

    @property
    def moved(self) -> bool:
        return bool(self.moves)


@dataclass(frozen=True)
class ProjectHistory:
    milestones: Mapping[str, MilestoneHistory] = field(default_factory=dict)
    #: Status changes (active, paused, done).
    statuses: tuple[Edit[str], ...] = ()
    #: Terms changed after the agreement was signed, by their place in ``terms``;
    #: ``("clauses",)`` for the project's own clauses, ``("template",)`` for
    #: the agreement's text (another template: its name is never shown).
    terms: tuple[tuple[TermKey, Edit[Any]], ...] = ()
    #: The agreement's date changed, removed or set again once it had one.
    signings: tuple[Edit[dt.date | None], ...] = ()

    def moves_since(self, day: dt.date) -> int:
        """Due dates moved after ``day``: what the studio sees of its slippage."""
        return sum(1 for m in self.milestones.values() for move in m.moves if move.day > day)

    def recent_moves(self, today: dt.date) -> int:
        return self.moves_since(today - dt.timedelta(days=RECENT_DAYS))


NO_HISTORY = ProjectHistory()


def project_histories(versions: Sequence[tuple[dt.date, Client]]) -> dict[str, ProjectHistory]:
    """Each project's history from the client file's versions, oldest first
    (the current one last); a version that did not load is left out by the
    caller. A project's history starts with the first version that has it,
    and the file's with the last version in which it became another client
    (``same_client``): a history never crosses from one client to another."""
    start = max((index for index in range(1, len(versions))
                 if not same_client(versions[index - 1][1], versions[index][1])), default=0)
    versions = versions[start:]
    named = _project_names(versions)
    ids = dict.fromkeys(named[index, project.id] for index, (_, client) in enumerate(versions)
                        for project in client.projects)
    return {project_id: _project_history([(day, project) for index, (day, client) in enumerate(versions)
                                          for project in client.projects
                                          if named[index, project.id] == project_id])
            for project_id in ids}


def _project_names(versions: Sequence[tuple[dt.date, Client]]) -> dict[tuple[int, str], str]:
    """Each version's project ids as the project is called later: an id
    changed with the portal's token kept is the same project."""
    named: dict[tuple[int, str], str] = {}
    later: dict[str, str] = {}  # token -> the project's latest id, newest version first
    for index in range(len(versions) - 1, -1, -1):
        client = versions[index][1]
        ids = {project.id for project in client.projects}
        for project in client.projects:
            renamed = later.get(project.token)
            named[index, project.id] = renamed if renamed and renamed not in ids else project.id
        later = {project.token: named[index, project.id] for project in client.projects}
    return named


def same_client(before: Client, after: Client) -> bool:
    """Whether two versions of a file are one client: the same name or a
    portal token in common. A file that became another client's (two files
    renamed into each other's place, a client file reused) starts afresh."""
    tokens = {project.token for project in before.projects}
    return before.name == after.name or any(p.token in tokens for p in after.projects)


def _project_history(versions: list[tuple[dt.date, Project]]) -> ProjectHistory:
    # A project's history starts when it is first published: what changed
    # while it was a draft is the studio's preparation, never shown.
    published = next((index for index, (_, project) in enumerate(versions) if not project.draft),
                     len(versions) - 1)
    versions = versions[published:]
    milestones: dict[str, _Followed] = {}
    statuses: list[Edit[str]] = []
    terms: list[tuple[TermKey, Edit[Any]]] = []
    signings: list[Edit[dt.date | None]] = []
    previous: Project | None = None
    signed: dt.date | None = None  # the agreement's date last it had one
    for day, project in versions:
        if project is previous:  # a version that left the project as it was: nothing to compare
            continue
        if previous is None or project.milestones is not previous.milestones:
            _see_milestones(milestones, project.milestones, previous.milestones if previous else None,
                            day)
        if previous is not None:
            if project.status != previous.status and "draft" not in (project.status,
                                                                     previous.status):
                statuses.append(Edit(day, previous.status, project.status))
            terms += _term_edits(previous, project, day, signed)
            was, now = previous.agreement.signed, project.agreement.signed
            if was != now and (was is not None or signings):
                signings.append(Edit(day, was, now))
        previous = project
        signed = project.agreement.signed or signed
    return ProjectHistory(
        milestones={id_: followed.history() for id_, followed in milestones.items()},
        statuses=tuple(statuses), terms=tuple(terms), signings=tuple(signings))


def _see_milestones(milestones: dict[str, _Followed], schedule: Sequence[Milestone],
                    before: Sequence[Milestone] | None, day: dt.date) -> None:
    """Follow each milestone of a version's ``schedule`` (``before``: the
    version before's, None for the project's first); one no longer in it was
    removed on ``day``."""
    first = before is None
    if before is not None and len(before) == len(schedule):
        changed = []
        for now, was in zip(schedule, before, strict=True):
            if now is not was:
                if now.id != was.id:
                    break
                changed.append(now)
        else:  # the same steps in the same order: compare the changed ones
            for now in changed:
                milestones[now.id].see(now, day)
            return
    present = {m.id: m for m in schedule}
    if not first:
        _follow_new_ids(milestones, present)
    for milestone in schedule:
        followed = milestones.get(milestone.id)
        if followed is None:
            milestones[milestone.id] = _Followed(milestone, day)
        else:
            followed.see(milestone, day)
    for followed in milestones.values():
        if followed.removed is None and followed.id not in present and not first:
            followed.removed = day


def _follow_new_ids(milestones: dict[str, _Followed], present: Mapping[str, Milestone]) -> None:
    """A step whose id changed in this version, its title kept, is the same
    step: it is followed under its new id rather than removed and added."""
    gone = {f.last.title: f for f in milestones.values() if f.removed is None and f.id not in present}
    for id_, milestone in present.items():
        followed = gone.pop(milestone.title, None) if id_ not in milestones else None
        if followed is not None:
            del milestones[followed.id]
            followed.id = id_
            milestones[id_] = followed


class _Followed:
    """One milestone followed through the versions by its id."""

    def __init__(self, milestone: Milestone, day: dt.date) -> None:
        self.id = milestone.id
        self.last = milestone
        self.first_seen = day
        self.first_due = Due.of(milestone)
        self.moves: list[Edit[Due]] = []
        self.owners: list[Edit[Party]] = []
        self.done: list[Edit[dt.date | None]] = []
        self.removed: dt.date | None = None
        self.absences: list[tuple[dt.date, dt.date]] = []

    def see(self, milestone: Milestone, day: dt.date) -> None:
        last = self.last
        if self.removed is not None:  # back on the schedule
            self.absences.append((self.removed, day))
            self.removed = None
        if milestone is last:  # the version before's own step: nothing changed
            return
        if milestone.due != last.due or milestone.due_time != last.due_time:
            self.moves.append(Edit(day, Due.of(last), Due.of(milestone)))
        if milestone.owner != last.owner:
            self.owners.append(Edit(day, last.owner, milestone.owner))
        if last.done is not None and milestone.done != last.done:
            self.done.append(Edit(day, last.done, milestone.done))
        self.last = milestone

    def history(self) -> MilestoneHistory:
        return MilestoneHistory(
            id=self.id, title=self.last.title, first_seen=self.first_seen,
            first_due=self.first_due, moves=tuple(self.moves), owners=tuple(self.owners),
            done=tuple(self.done), removed=self.removed, absences=tuple(self.absences))


def _term_edits(before: Project, after: Project, day: dt.date, signed: dt.date | None
                ) -> list[tuple[TermKey, Edit[Any]]]:
    """Terms (and clauses) that changed once the agreement was signed, whatever
    happened to its date in the same commit (``signings`` records that).
    ``signed``: the agreement's date the last time it had one: an agreement
    whose date was taken away was still signed, so terms changed then and
    the date put back afterwards are changed after signing too."""
    signed = before.agreement.signed or signed
    if signed is None or day <= signed or before.agreement is after.agreement:
        return []
    old, new = dict(flat_terms(before.agreement.terms)), dict(flat_terms(after.agreement.terms))
    edits = [(key, Edit(day, old.get(key), new.get(key)))
             for key in dict.fromkeys([*old, *new]) if old.get(key) != new.get(key)]
    if before.agreement.clauses != after.agreement.clauses:
        edits.append((("clauses",), Edit(day, before.agreement.clauses, after.agreement.clauses)))
    if before.agreement.template != after.agreement.template:  # another text, every word of it
        edits.append((("template",), Edit(day, before.agreement.template, after.agreement.template)))
    return edits

