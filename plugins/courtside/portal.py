"""What one portal page shows: the model and the rules, put together.

Pure apart from Markdown rendering; the generator hands the result to the
theme's ``portal.html``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, Mapping

from markupsafe import Markup

from .agreement import AgreementTemplate, agreement_context
from .filters import business_days
from .markup import render_markdown
from .model import Client, LogEntry, Milestone, Party, Project
from .rules import ProjectState, Slip, business_days_between, project_state

RowState = Literal["done", "current", "upcoming"]


@dataclass(frozen=True)
class ScheduleRow:
    milestone: Milestone
    state: RowState
    slip: Slip | None
    #: Business days past due for a milestone that is not done, else 0.
    late_days: int
    note: Markup

    @property
    def status(self) -> tuple[str, str]:
        """``(kind, words)``: how the milestone stands, for the page and the
        calendar alike; the kind names a style, the words say it."""
        if self.slip is not None:
            if self.slip.kind == "on_time":
                return "done", "Done, on time"
            kind = "late" if self.slip.kind == "late" else "done"
            return kind, f"Done, {self.slip.kind} by {business_days(self.slip.business_days)}"
        if self.state == "current":
            overdue = f", overdue by {business_days(self.late_days)}" if self.late_days else ""
            return "current", "Current step" + overdue
        if self.late_days:
            return "overdue", f"Not started, {business_days(self.late_days)} past due"
        return "upcoming", "Upcoming"


@dataclass(frozen=True)
class TrailEntry:
    entry: LogEntry
    text: Markup


@dataclass(frozen=True)
class Portal:
    client: Client
    project: Project
    state: ProjectState
    studio: Mapping[str, str]
    schedule: tuple[ScheduleRow, ...]
    trail: tuple[TrailEntry, ...]
    agreement: Markup
    clauses: Markup
    #: Address of the page relative to the site root, ``p/<token>/``.
    path: str

    def party_name(self, party: Party) -> str:
        return self.client.party_name(party, self.studio["name"])

    @property
    def changes(self) -> tuple[TrailEntry, ...]:
        """Scope change requests, newest first."""
        return tuple(item for item in self.trail if item.entry.change is not None)


def build_portal(client: Client, project: Project, *, today: dt.date,
                 studio: Mapping[str, str], template: AgreementTemplate, path: str) -> Portal:
    state = project_state(project, today)
    current = state.current
    schedule = tuple(
        ScheduleRow(
            milestone=m,
            state="done" if m.done else "current" if m is current else "upcoming",
            slip=state.slips.get(m.id),
            late_days=0 if m.done else max(business_days_between(m.due, today), 0),
            note=render_markdown(m.note),
        )
        for m in project.milestones
    )
    # Newest first; among entries of one day, the one written last first.
    ordered = sorted(enumerate(project.log), key=lambda item: (item[1].date, item[0]), reverse=True)
    trail = tuple(TrailEntry(entry, render_markdown(entry.text)) for _, entry in ordered)
    agreement = template.render(agreement_context(studio, client, project))
    return Portal(
        client=client, project=project, state=state, studio=studio,
        schedule=schedule, trail=trail,
        # The page puts both under an <h2>, so their "##" becomes <h3>.
        agreement=render_markdown(agreement, heading_offset=1),
        clauses=render_markdown(project.agreement.clauses, heading_offset=2),
        path=path,
    )
