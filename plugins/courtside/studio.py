"""The studio's view: every published project in one table, most urgent first.

Pure functions of the model and the rules; the dashboard page, the combined
calendar and ``courtside status`` all read the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .filters import SOURCE_WORDS, Words
from .i18n import isolated
from .model import Client, Milestone, Party, Project
from .portal import ShownNotice, shown_notices
from .rules import ProjectState, step_state

_PHASE_ORDER = {"active": 0, "paused": 1, "complete": 2}


@dataclass(frozen=True)
class StudioRow:
    client: Client
    project: Project
    state: ProjectState
    #: The portal's address, as the dashboard or the terminal shows it.
    url: str
    studio_name: str
    #: The studio's language (``COURTSIDE.studio.language``), which its side speaks.
    words: Words = field(default=SOURCE_WORDS, compare=False, repr=False)
    #: Moves of due dates in the last 30 days, from the client file's history.
    moved_recently: int = 0

    @property
    def moved_text(self) -> str | None:
        """``due dates moved 3 times in the last 30 days``: the studio's own
        slippage, counted in moves as the portal counts them ("moved 3
        times"); one step moved three times is not three dates."""
        if not self.moved_recently:
            return None
        return self.words.language.ngettext(
            "a due date moved once in the last 30 days", "due dates moved %(num)d times in the last 30 days",
            self.moved_recently) % {"num": self.moved_recently}

    @property
    def notices(self) -> tuple[ShownNotice, ...]:
        """The client's and the project's notices active on the portal's today;
        the studio-wide ones stand once, above the table."""
        return shown_notices((*self.client.notices, *self.project.notices), self.state.today,
                             self.words)

    @property
    def title(self) -> str:
        """The project's title, marked when it is a draft (a preview's row)."""
        if not self.project.draft:
            return self.project.title
        return self.words.language.gettext("%(title)s (draft)") % {"title": isolated(self.project.title)}

    @property
    def client_id(self) -> str:
        return self.client.id

    @property
    def ball(self) -> Party | None:
        return self.state.ball

    @property
    def overdue(self) -> bool:
        """Overdue, past grace or not (``due_kind`` tells them apart)."""
        return bool(self.state.due and self.state.due.kind == "overdue")

    @property
    def ball_name(self) -> str | None:
        return self.client.party_name(self.state.ball, self.studio_name) if self.state.ball else None

    @property
    def due_kind(self) -> str:
        """past_grace, overdue, due_soon, on_time, paused or complete."""
        if self.state.due is None:
            return self.state.phase
        return "past_grace" if self.state.due.past_grace else self.state.due.kind

    @property
    def due_text(self) -> str:
        due, _ = self.state.due, self.words.language.gettext
        if due is None:
            return {"paused": _("paused"), "complete": _("complete")}[self.state.phase]
        # The page's own words for it, in the studio's language.
        state = self.words.due_state(due)
        return _("%(state)s, past grace") % {"state": state} if due.past_grace else state

    @property
    def moved_due(self) -> dt.date | None:
        """The date the current step is late or due against when others'
        delays or approved changes moved it from its agreed one (the panel's
        "Due Tue 10 Nov 2026, moved from Fri 6 Nov 2026"); None when not moved."""
        due, step = self.state.due, self.state.current
        return due.date if due and step and due.date and due.date != step.due else None

    @property
    def next_milestone(self) -> Milestone | None:
        """The step after the current one: what comes next; None in a
        complete project, even one marked done with steps left open (they
        are unfinished, not to come: ``rules.step_state``)."""
        return next((m for m in self.project.milestones if step_state(m, self.state) == "upcoming"),
                    None)

    @property
    def open_changes(self) -> int:
        """Change requests still waiting for the client's decision."""
        return len(self.state.decisions)

    @property
    def expected_end(self) -> dt.date | None:
        """When the project can end at the earliest (active projects)."""
        return self.state.expected_end

    @property
    def end_slip_days(self) -> int | None:
        """Business days the expected end lies after the agreed one."""
        return self.state.end_slip_days

    def sort_key(self) -> tuple[int, int, int, int, int, str, str]:
        """Most urgent first: active before paused before complete; past grace,
        then overdue (longest first), then due soon (soonest first); the
        studio's own steps before the client's; then the longest wait."""
        due = self.state.due
        order = {"past_grace": 0, "overdue": 1, "due_soon": 2, "on_time": 3}.get(self.due_kind, 4)
        urgency = -due.business_days if due and due.kind == "overdue" else due.business_days if due else 0
        return (_PHASE_ORDER[self.state.phase], order, urgency,
                0 if self.state.ball == "studio" else 1, -(self.state.waiting_days or 0),
                self.client.id, self.project.id)

    def kept(self, html: str | None = None) -> KeptRow:
        """What a build keeps of this row (``html``: its row of the dashboard)."""
        return KeptRow(self.sort_key(), self.project.token, self.client_id, self.ball,
                       self.due_kind, self.overdue, self.open_changes, html)

    def as_json(self) -> dict[str, object]:
        """The row for ``courtside status --json``: JSON values."""
        step, following = self.state.current, self.next_milestone
        return {
            "client": self.client.id,
            "client_name": self.client.name,
            "project": self.project.id,
            "title": self.project.title,
            "draft": self.project.draft,
            "url": self.url,
            "phase": self.state.phase,
            "ball": self.state.ball,
            "since": _iso(self.state.since),
            "waiting_days": self.state.waiting_days,
            "current_step": step.title if step else None,
            "current_due": _iso(step.due) if step else None,
            "current_due_moved_to": _iso(self.moved_due),
            "due_state": self.due_kind,
            "days": self.state.due.business_days if self.state.due else None,
            "past_grace": bool(self.state.due and self.state.due.past_grace),
            "next_milestone": following.title if following else None,
            "next_due": _iso(following.due) if following else None,
            "open_changes": self.open_changes,
            "expected_end": _iso(self.expected_end),
            "end_slip_days": self.end_slip_days,
            "moved_last_30_days": self.moved_recently,
            "decisions_waiting": [
                {"text": decision.entry.text, "proposed": _iso(decision.entry.date),
                 "days": decision.change.days, "cost": decision.change.cost,
                 "waiting_days": decision.waiting_days, "response_days": decision.response_days,
                 "overdue": decision.overdue}
                for decision in self.state.decisions],
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def ranked(rows: Iterable[StudioRow]) -> list[StudioRow]:
    return sorted(rows, key=StudioRow.sort_key)


@dataclass(frozen=True)
class KeptRow:
    """A row as the build keeps it, from the process that built its client
    to the one that writes the dashboard, and in the build cache: what ranks
    and counts it, and with a dashboard its table row, rendered."""

    rank: tuple[int, int, int, int, int, str, str]  # StudioRow.sort_key
    token: str
    client_id: str
    ball: Party | None
    due_kind: str
    overdue: bool
    open_changes: int
    #: The row of the dashboard's table (``studio_row.html``), None without a dashboard.
    html: str | None = None


class Countable(Protocol):
    """What ``counts`` reads of a row: a ``StudioRow`` or a ``KeptRow``."""

    @property
    def client_id(self) -> str: ...
    @property
    def ball(self) -> Party | None: ...
    @property
    def due_kind(self) -> str: ...
    @property
    def overdue(self) -> bool: ...
    @property
    def open_changes(self) -> int: ...


@dataclass(frozen=True)
class Counts:
    portals: int
    clients: int
    waiting_on_clients: int
    waiting_on_studio: int
    overdue: int
    past_grace: int
    clients_past_grace: int
    studio_overdue: int
    #: Proposed change requests waiting for a client's decision.
    decisions: int = 0

    def summary(self, words: Words = SOURCE_WORDS) -> str:
        """The build's closing line, in the studio's language: ``Courtside: 4
        portals for 3 clients; 2 waiting on clients (1 past grace), …``, or
        that no portal is published, as ``courtside status`` says it."""
        if not self.portals:
            return "Courtside: " + none_matching(words)
        _, ngettext = words.language.gettext, words.language.ngettext
        portals = ngettext("%(num)d portal", "%(num)d portals", self.portals) % {"num": self.portals}
        line = ngettext(
            "%(portals)s for %(num)d client", "%(portals)s for %(num)d clients", self.clients,
        ) % {"portals": portals, "num": self.clients}
        parts = [line, _("%(clients)d waiting on clients (%(past_grace)d past grace), "
                         "%(studio)d waiting on the studio (%(overdue)d overdue)") % {
            "clients": self.waiting_on_clients, "past_grace": self.clients_past_grace,
            "studio": self.waiting_on_studio, "overdue": self.studio_overdue}]
        if self.decisions:
            parts.append(ngettext("%(num)d decision waiting on clients",
                                  "%(num)d decisions waiting on clients",
                                  self.decisions) % {"num": self.decisions})
        # TRANSLATORS: the studio's counts line, one part after the other:
        # "4 portals for 3 clients; 2 waiting on clients (…); 1 decision …".
        joined = _("%(before)s; %(after)s")
        line = parts[0]
        for part in parts[1:]:
            line = joined % {"before": line, "after": part}
        return "Courtside: " + line


def counts(rows: Sequence[Countable]) -> Counts:
    def ball(party: Party) -> list[Countable]:
        return [r for r in rows if r.ball == party]
    overdue = [r for r in rows if r.overdue]
    past_grace = [r for r in overdue if r.due_kind == "past_grace"]
    return Counts(
        portals=len(rows),
        clients=len({r.client_id for r in rows}),
        waiting_on_clients=len(ball("client")),
        waiting_on_studio=len(ball("studio")),
        overdue=len(overdue),
        past_grace=len(past_grace),
        clients_past_grace=sum(1 for r in past_grace if r.ball == "client"),
        studio_overdue=sum(1 for r in overdue if r.ball == "studio"),
        decisions=sum(r.open_changes for r in rows),
    )


def matches(row: StudioRow, *, owner: str | None = None, overdue: bool = False,
            client: str | None = None) -> bool:
    """``courtside status`` filters."""
    return ((owner is None or row.state.ball == owner)
            and (not overdue or row.due_kind in ("overdue", "past_grace"))
            and (client is None or row.client.id == client))


def none_matching(words: Words, *, owner: str | None = None, overdue: bool = False,
                  client: str | None = None) -> str:
    """What ``courtside status`` says when no project passes its filters, in
    the studio's language: ``No portal is overdue.``"""
    _ = words.language.gettext
    sentence = {
        (None, False): _("No portal is published."),
        (None, True): _("No portal is overdue."),
        ("studio", False): _("No portal is waiting on the studio."),
        ("studio", True): _("No portal waiting on the studio is overdue."),
        ("client", False): _("No portal is waiting on a client."),
        ("client", True): _("No portal waiting on a client is overdue."),
    }[owner, overdue]
    if client is None:
        return sentence
    # TRANSLATORS: a client's id, then one of the sentences "No portal is …".
    return _("%(client)s: %(sentence)s") % {"client": client, "sentence": sentence}
