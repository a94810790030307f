"""What one portal page shows: the model and the rules, put together.

Pure apart from Markdown rendering; the generator hands the result to the
theme's ``portal.html``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, Mapping
from urllib.parse import quote, urlsplit

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


def is_absolute(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


@dataclass(frozen=True)
class Subscription:
    """The ways to subscribe to a feed, as shown on the portal page."""

    #: The feed's address: absolute when the site has a SITEURL.
    url: str
    webcal: str | None = None
    google: str | None = None
    #: Outlook.com (personal accounts) and Microsoft 365 (work or school).
    outlook: str | None = None
    outlook_work: str | None = None


def subscription(feed_url: str, name: str) -> Subscription:
    """Subscribe links for ``feed_url``; the app links need an absolute URL."""
    if not is_absolute(feed_url):
        return Subscription(feed_url)
    webcal = "webcal://" + feed_url.split("://", 1)[1]
    add_from_web = "/calendar/0/addfromweb?url=" + quote(feed_url, safe="") \
        + "&name=" + quote(name, safe="")
    return Subscription(
        url=feed_url,
        webcal=webcal,
        google="https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe=""),
        outlook="https://outlook.live.com" + add_from_web,
        outlook_work="https://outlook.office.com" + add_from_web,
    )


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
    #: The instant the page and its feed were built (UTC).
    updated: dt.datetime
    #: The page's own address for links that leave the site: absolute, or None.
    url: str | None = None
    #: How to subscribe to the milestone feed; None when the project has none.
    subscription: Subscription | None = None

    def party_name(self, party: Party) -> str:
        return self.client.party_name(party, self.studio["name"])

    @property
    def grace_days(self) -> int | None:
        """The agreed grace period of whoever holds the ball."""
        return self.project.agreement.per_party("grace_days").get(self.state.ball)

    @property
    def consequence(self) -> str | None:
        """What was agreed for the party holding the ball, past its grace."""
        return self.project.agreement.per_party("consequences").get(self.state.ball)

    @property
    def changes(self) -> tuple[TrailEntry, ...]:
        """Scope change requests, newest first."""
        return tuple(item for item in self.trail if item.entry.change is not None)


def calendar_name(client: Client, project: Project) -> str:
    """How the feed is called in the client's calendar app."""
    return f"{client.name} · {project.title}"


def build_portal(client: Client, project: Project, *, today: dt.date, updated: dt.datetime,
                 studio: Mapping[str, str], template: AgreementTemplate, path: str,
                 url: str | None = None, feed_url: str | None = None) -> Portal:
    """``url`` is the page's absolute address (None in a build without
    SITEURL); ``feed_url`` the calendar's address as the page links to it,
    None when the project publishes no feed."""
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
    return Portal(
        client=client, project=project, state=state, studio=studio,
        schedule=schedule, trail=trail,
        # The page puts both under an <h2>, so their "##" becomes <h3>.
        agreement=template.render_html(agreement_context(studio, client, project), heading_offset=1),
        clauses=render_markdown(project.agreement.clauses, heading_offset=2),
        path=path, updated=updated, url=url,
        subscription=subscription(feed_url, calendar_name(client, project)) if feed_url else None,
    )
