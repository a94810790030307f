"""What one portal page shows: the model and the rules, put together.

Pure apart from Markdown rendering; the generator hands the result to the
theme's ``portal.html``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape

from .actions import DecisionMails, decision_mail, step_mail, tel_link, website_text
from .agreement import AgreementTemplate, agreement_context
from .changes import ChangeTotal, Decision, change_total, number_style
from .filters import SOURCE_WORDS, Words, live_phrases, words_of
from .forecast import Cause, Expected
from .history import AGREEMENT_TEXTS, NO_HISTORY, MilestoneHistory, ProjectHistory
from .i18n import SOURCE, base_language, isolated
from .markup import render_markdown
from .model import Client, LogEntry, Milestone, Notice, Party, Project, Reminder
from .recorded import (
    Recorded,
    changed_after_signing,
    move_text,
    moved_summary,
    recorded_entries,
    terms_by_day,
)
from .rules import (
    DUE_SOON_DAYS,
    PLAIN_CALENDARS,
    Calendars,
    ProjectState,
    Slip,
    StepState,
    local_due_time,
    project_state,
    reminded,
    step_state,
)
from .workdays import WorkingCalendar, region_name


@dataclass(frozen=True)
class ScheduleRow:
    milestone: Milestone
    state: StepState
    slip: Slip | None
    #: Business days past due for a milestone that is not done, else 0.
    late_days: int
    note: Markup
    #: The forecast of an open milestone in an active project.
    expected: Expected | None = None
    #: The portal's language, in which ``status`` is told.
    words: Words = field(default=SOURCE_WORDS, compare=False, repr=False)
    #: What the file's history says of this milestone; None without one.
    history: MilestoneHistory | None = None

    @property
    def moved_summary(self) -> str | None:
        """``moved twice, first agreed Fri 6 Nov 2026`` when its due date moved."""
        return moved_summary(self.history, self.words) if self.history and self.history.moved else None

    @property
    def moves(self) -> list[str]:
        """Each move of its due date: when it was made, from, to."""
        return [move_text(move, self.words) for move in self.history.moves] if self.history else []

    @property
    def status(self) -> tuple[str, str]:
        """``(kind, words)``: how the milestone stands, for the page and the
        calendar alike; the kind names a style, the words say it."""
        _ = self.words.language.gettext
        if self.slip is not None:
            days = self.words.business_days(self.slip.business_days)
            if self.slip.kind == "on_time":
                return "done", _("Done, on time")
            if self.slip.kind == "late":
                return "late", _("Done, late by %(days)s") % {"days": days}
            return "done", _("Done, early by %(days)s") % {"days": days}
        if self.state == "unfinished":
            return "unfinished", _("Not done (project complete)")
        days = self.words.business_days(self.late_days)
        if self.state == "current":
            if self.late_days:
                return "current", _("Current step, overdue by %(days)s") % {"days": days}
            return "current", _("Current step")
        if self.late_days:
            return "overdue", _("Not started, %(days)s past due") % {"days": days}
        return "upcoming", _("Upcoming")


def _holdups(words: Words) -> dict[str, tuple[str, str, str | None]]:
    """How each kind of cause reads: with the business days it accounts for
    leading, on its own, and on its own with its own lateness (``None`` when
    that is not told)."""
    _ = words.language.gettext
    return {
        "late": (_("%(days)s because %(milestone)s (%(party)s) is late"),
                 _("because %(milestone)s (%(party)s) is late"),
                 _("because %(milestone)s (%(party)s) is %(days)s late")),
        "open": (_("%(days)s because %(milestone)s (%(party)s) is not done yet"),
                 _("because %(milestone)s (%(party)s) is not done yet"), None),
        "finished_late": (_("%(days)s because %(milestone)s (%(party)s) was finished late"),
                          _("because %(milestone)s (%(party)s) was finished late"),
                          _("because %(milestone)s (%(party)s) was finished %(days)s late")),
        "order": (_("%(days)s because %(milestone)s (%(party)s) comes first but is due later"),
                  _("because %(milestone)s (%(party)s) comes first but is due later"), None),
    }


def cause_text(cause: Cause, party_name: Callable[[Party], str], *, counted: bool,
               words: Words = SOURCE_WORDS) -> str:
    """One reason a date moved. ``counted``: lead with the business days it
    accounts for, when several reasons share the move."""
    _ = words.language.gettext
    if cause.kind == "change":
        assert cause.entry is not None  # a change is told by its log entry
        change = words.quoted(cause.entry.text)
        if counted:
            return _("%(days)s for the approved change %(change)s") % {
                "days": words.business_days(cause.days), "change": change}
        return _("because the approved change %(change)s adds %(days)s") % {
            "days": words.business_days(cause.own_days), "change": change}
    leading, alone, alone_with_days = _holdups(words)[cause.kind]
    assert cause.milestone is not None  # every other cause is a milestone that holds things up
    values = {"milestone": isolated(cause.milestone.title),
              "party": isolated(party_name(cause.milestone.owner)),
              "days": words.business_days(cause.days)}
    if counted:
        return leading % values
    # A milestone's own lateness is told only when it is the whole move: on
    # its party's calendar it can be a day more or less than on this one.
    if alone_with_days and cause.own_days == cause.days:
        return alone_with_days % {**values, "days": words.business_days(cause.own_days)}
    return alone % values


def moved_text(expected: Expected, party_name: Callable[[Party], str],
               words: Words = SOURCE_WORDS) -> str:
    """Why a date moved, in one sentence: "15 business days later because
    Content and brand assets (Acme Corp) is 15 business days late"."""
    _ = words.language.gettext
    later = _("%(days)s later") % {"days": words.business_days(expected.shift)}
    causes = expected.causes
    if len(causes) == 1:
        return _("%(later)s %(cause)s") % {
            "later": later, "cause": cause_text(causes[0], party_name, counted=False, words=words)}
    if not causes:
        return later
    return _("%(later)s: %(causes)s") % {"later": later, "causes": ", ".join(
        cause_text(c, party_name, counted=True, words=words) for c in causes)}


@lru_cache(maxsize=1024)
def _days_off_text(calendar: WorkingCalendar, first: dt.date, last: dt.date) -> str:
    """Days off as the page's script reads them: days and ``first/last``
    ranges, space-separated."""
    return " ".join(a.isoformat() if a == b else f"{a.isoformat()}/{b.isoformat()}"
                    for a, b in calendar.off_ranges(first, last))


@lru_cache(maxsize=1024)
def calendar_text(calendar: WorkingCalendar, words: Words = SOURCE_WORDS) -> str:
    """What a party's business days are: "Monday to Friday, except public
    holidays in Bayern, Germany and closed Thu 24 Dec 2026 – Fri 1 Jan 2027"."""
    _ = words.language.gettext
    exceptions = []
    if calendar.region:
        exceptions.append(_("public holidays in %(region)s") % {
            "region": region_name(calendar.region, words.language.base)})
    for closure in calendar.closures:
        span = words.long_date(closure.first) if closure.first == closure.last else \
            f"{words.long_date(closure.first)} – {words.long_date(closure.last)}"
        exceptions.append(_("closed %(days)s") % {"days": span})
    if not exceptions:
        return _("Monday to Friday")
    return _("Monday to Friday, except %(exceptions)s") % {"exceptions": words.listed(exceptions)}


@dataclass(frozen=True)
class TrailEntry:
    entry: LogEntry
    text: Markup
    automatic = False
    is_notice = False

    @property
    def date(self) -> dt.date:
        return self.entry.date


@dataclass(frozen=True)
class ShownNotice:
    """A notice as a page tells it, in the page's language: as a banner
    while it is active, and in the paper trail, dated its first day."""

    notice: Notice
    words: Words = field(default=SOURCE_WORDS, compare=False, repr=False)
    automatic = False
    is_notice = True

    @property
    def date(self) -> dt.date:
        return self.notice.first

    @cached_property
    def text(self) -> Markup:
        return render_markdown(self.notice.text)

    @property
    def label(self) -> str:
        """What it is, in words: a warning is never told by its colour alone."""
        _ = self.words.language.gettext
        return _("Warning") if self.notice.kind == "warning" else _("Notice")

    @property
    def until_text(self) -> str | None:
        """``until Fri 4 Dec 2026``, or None for a notice without an end."""
        if self.notice.until is None:
            return None
        return self.words.language.gettext("until %(date)s") % {
            "date": self.words.long_date(self.notice.until)}


def shown_notices(notices: tuple[Notice, ...], today: dt.date, words: Words) -> tuple[ShownNotice, ...]:
    """The notices active on ``today``, in the order given."""
    return tuple(ShownNotice(notice, words) for notice in notices if notice.active(today))


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
    calendars: Calendars = field(default_factory=lambda: PLAIN_CALENDARS)
    #: The words of the portal's language (``Client.language_of``).
    words: Words = field(default=SOURCE_WORDS, compare=False, repr=False)
    #: What the agreement is written in: the portal's language, or the source
    #: language when its template has no version in it.
    agreement_language: str = SOURCE
    #: What the client file's history says (``history``); empty without git.
    history: ProjectHistory = NO_HISTORY
    #: The studio's, the client's and the project's notices, in that order.
    all_notices: tuple[Notice, ...] = ()
    #: How long before each of the client's open steps the feed reminds them
    #: (``Client.reminders_of``), longest first.
    reminders: tuple[Reminder, ...] = ()

    def reminds(self, row: ScheduleRow) -> bool:
        """Whether ``row``'s event in the client's feed carries the reminders."""
        return bool(self.reminders) and reminded(row.milestone, self.state)

    @cached_property
    def reminder_leads(self) -> str | None:
        """``2 days and 1 day``: when the feed reminds the client of their
        steps, for the page to say; None when it reminds of none."""
        if not any(self.reminds(row) for row in self.schedule):
            return None
        return self.words.reminder_leads(self.reminders)

    @cached_property
    def notices(self) -> tuple[ShownNotice, ...]:
        """The banners above the ball-in-court panel: the notices active today."""
        return shown_notices(self.all_notices, self.state.today, self.words)

    @cached_property
    def trail_notices(self) -> tuple[ShownNotice, ...]:
        """Notices in the paper trail, dated their first day, from that day on:
        while active too, not only once expired, because the trail is the record
        of what each side was told and when (a page opened after ``until`` hides
        the banner, and the trail still says it was given), and an entry that
        appears only on expiry would be dated weeks before it was added.
        Notices that had ended before the project began are not its history."""
        began = self.project.start or self.project.agreement.signed
        return tuple(ShownNotice(notice, self.words) for notice in self.all_notices
                     if notice.started(self.state.today)
                     and not (began and notice.until and notice.until < began))

    @cached_property
    def paper_trail(self) -> list[TrailEntry | Recorded | ShownNotice]:
        """The studio's entries, those the history recorded and the notices,
        newest first; on one day, the history's first (it happened when it
        was committed), then the notices, then the studio's entries."""
        recorded = recorded_entries(self.history, self.words, self.party_name)
        entries: list[TrailEntry | Recorded | ShownNotice] = [
            *self.trail, *recorded, *self.trail_notices]
        return sorted(entries, key=lambda item: (
            item.date, isinstance(item, Recorded), isinstance(item, ShownNotice)), reverse=True)

    @property
    def terms_changed(self) -> list[str]:
        """The agreement's notices: what changed after signing, per day."""
        return [changed_after_signing(day, changes, self.words)
                for day, changes in terms_by_day(self.history, self.words, self.party_name)]

    def party_name(self, party: Party) -> str:
        return self.client.party_name(party, self.studio["name"])

    def due_time(self, milestone: Milestone, day: dt.date | None = None) -> dt.time:
        """The real local time of a timed milestone (see ``local_due_time``)."""
        return local_due_time(milestone, self.client.timezone, day)

    def moved_text(self, expected: Expected) -> str:
        # The page's schedule, its "why dates moved" list and the feed each
        # say it: made once per forecast (kept with it, so its id stays its own).
        said = self._moved_texts.get(id(expected))
        if said is None:
            said = self._moved_texts[id(expected)] = (
                expected, moved_text(expected, self.party_name, self.words))
        return said[1]

    @cached_property
    def _moved_texts(self) -> dict[int, tuple[Expected, str]]:
        return {}

    @cached_property
    def moved(self) -> bool:
        """Whether any date is expected apart from its agreed one: the
        schedule then shows an Expected column."""
        return any(row.expected is not None and row.expected.moved for row in self.schedule)

    @cached_property
    def working_days(self) -> tuple[tuple[str, str], ...]:
        """``(party name, its business days)`` for each party whose calendar
        is more than Monday to Friday; empty when neither is."""
        if all(calendar.plain for calendar in self.calendars.values()):
            return ()
        return tuple((self.party_name(party), calendar_text(self.calendars[party], self.words))
                     for party in ("client", "studio"))

    @property
    def live_until(self) -> dt.date:
        """The last day the page's script can count on: its data ends there."""
        return dt.date(self.state.today.year + 1, 12, 31)

    @cached_property
    def live_days_off(self) -> dict[str, str]:
        """Each party's days off, for the page's script to count the way the
        build does on any day up to the end of next year: from the earliest
        day it counts from. Days and ``first/last`` ranges, space-separated;
        only for parties whose calendar has any."""
        state = self.state
        starts = [state.today, *(d.entry.date for d in state.decisions)]
        starts += [day for day in (state.since, state.current and state.current.due) if day]
        # From the first of January: the same days for every portal of a client.
        first, last = dt.date(min(starts).year, 1, 1), self.live_until
        return {party: _days_off_text(calendar, first, last)
                for party, calendar in self.calendars.items() if not calendar.plain}

    @cached_property
    def live_phrases(self) -> dict[str, object]:
        """What the page's script says when it brings the panel up to the
        viewer's day: the same phrases as the page (``Words.live_phrases``)."""
        return live_phrases(self.words.language.tag, DUE_SOON_DAYS)

    @property
    def decisions(self) -> tuple[Decision, ...]:
        return self.state.decisions

    @cached_property
    def approved(self) -> ChangeTotal:
        return change_total(self.project, "approved", number_style(self.words.language.locale))

    @cached_property
    def proposed(self) -> ChangeTotal:
        return change_total(self.project, "proposed", number_style(self.words.language.locale))

    @property
    def grace_days(self) -> int | None:
        """The agreed grace period of whoever holds the ball."""
        ball = self.state.ball
        return self.project.agreement.per_party("grace_days").get(ball) if ball else None

    @property
    def consequence(self) -> str | None:
        """What was agreed for the party holding the ball, past its grace."""
        ball = self.state.ball
        return self.project.agreement.per_party("consequences").get(ball) if ball else None

    def _grace_line(self, left: int) -> Markup:
        """``Words.grace_left``, with the consequence in its own element: the
        page's script puts that element back into the line it rewrites."""
        if self.consequence is None:
            return escape(self.words.grace_left(left, None))
        before, _, after = self.words.grace_left(left, "{consequence}").partition("{consequence}")
        return escape(before) + Markup('<span class="consequence">{}</span>{}').format(
            isolated(self.consequence), after)

    @property
    def grace_left(self) -> Markup | None:
        """``2 business days left before: The project pauses.``: what is left
        of the grace period of the party holding the ball, once its step is
        overdue; None before or after it, or without one."""
        due = self.state.due
        if due is None or due.grace_left is None:
            return None
        return self._grace_line(due.grace_left)

    @property
    def grace_whole(self) -> Markup | None:
        """The same line with the whole grace period left, for the page's script
        to bring up to the viewer's day; None without a grace period."""
        return None if self.grace_days is None else self._grace_line(self.grace_days)

    @cached_property
    def current_row(self) -> ScheduleRow | None:
        """The schedule's row of the current step: its note is the panel's."""
        return next((row for row in self.schedule if row.state == "current"), None)

    @property
    def studio_phone(self) -> tuple[str, str] | None:
        """``(number as written, tel: link)``, when the settings give a phone."""
        number = (self.studio.get("phone") or "").strip()
        return (number, tel_link(number)) if number else None

    @property
    def studio_website(self) -> tuple[str, str] | None:
        """``(address as a reader sees it, the address)``, when the settings give one."""
        url = (self.studio.get("website") or "").strip()
        return (website_text(url), url) if url else None

    @property
    def studio_email(self) -> str | None:
        """Where the page's mail links write to; None when the studio gives
        no address, and then the page has none."""
        return (self.studio.get("email") or "").strip() or None

    @cached_property
    def step_mail(self) -> str | None:
        """``mailto:`` the studio about the current step of an active project:
        the client's reply on its own step, a question on the studio's."""
        step = self.state.current
        if self.studio_email is None or step is None or self.state.phase != "active":
            return None
        return step_mail(self.studio_email, self.studio["name"], self.project.title, step,
                         self.words)

    def decision_mails(self, decision: Decision) -> DecisionMails | None:
        """The client's two answers to a proposed change, by mail."""
        if self.studio_email is None:
            return None
        entry, name, title = decision.entry, self.studio["name"], self.project.title
        return DecisionMails(
            approve=decision_mail(self.studio_email, name, title, entry, self.words, approve=True),
            decline=decision_mail(self.studio_email, name, title, entry, self.words, approve=False))

    @property
    def changes(self) -> tuple[TrailEntry, ...]:
        """Scope change requests, newest first."""
        return tuple(item for item in self.trail if item.entry.change is not None)


def calendar_name(client: Client, project: Project) -> str:  # names only: no words to translate
    """How the feed is called in the client's calendar app."""
    return f"{client.name} · {project.title}"


def build_portal(client: Client, project: Project, *, today: dt.date, updated: dt.datetime,
                 studio: Mapping[str, str], template: AgreementTemplate, path: str,
                 url: str | None = None, feed_url: str | None = None,
                 calendars: Calendars = PLAIN_CALENDARS,
                 history: ProjectHistory = NO_HISTORY,
                 studio_notices: tuple[Notice, ...] = (),
                 studio_reminders: tuple[Reminder, ...] = ()) -> Portal:
    """``url`` is the page's absolute address (None in a build without
    SITEURL); ``feed_url`` the calendar's address as the page links to it,
    None when the project publishes no feed; ``studio_notices`` and
    ``studio_reminders`` the studio-wide ones (``COURTSIDE["notices"]``,
    ``["reminders"]``)."""
    state = project_state(project, today, calendars)
    words = words_of(client.language_of(project))
    schedule = tuple(
        ScheduleRow(
            milestone=m,
            state=step_state(m, state),
            slip=state.slips.get(m.id),
            # Late against the date it was expected by, once others' delays
            # moved it; in a paused (or complete) project nobody works to a date.
            late_days=0 if m.done or state.phase != "active" else max(
                calendars[m.owner].business_days_between(
                    state.expected[m.id].date if m.id in state.expected else m.due, today), 0),
            note=render_markdown(m.note),
            expected=state.expected.get(m.id),
            words=words,
            history=history.milestones.get(m.id),
        )
        for m in project.milestones
    )
    # Only terms the agreement shows: a term the studio keeps for itself (a
    # margin) stays out of the history on the page too.
    shown = [p.chain[1:] for p in template.placeholders if p.chain[0] == "terms"]
    history = replace(history, terms=tuple(
        (key, edit) for key, edit in history.terms
        if key in AGREEMENT_TEXTS or any(key[:len(s)] == s or s[:len(key)] == key for s in shown)))
    # The agreement's own language: the portal's (de-AT's dates in standard.de),
    # or the base template's when there is no version in the portal's.
    tag = client.language_of(project)
    written_in = tag if base_language(template.language) == base_language(tag) else template.language
    # Newest first; among entries of one day, the one written last first.
    ordered = sorted(enumerate(project.log), key=lambda item: (item[1].date, item[0]), reverse=True)
    trail = tuple(TrailEntry(entry, render_markdown(entry.text)) for _, entry in ordered)
    return Portal(
        client=client, project=project, state=state, studio=studio,
        schedule=schedule, trail=trail,
        # The page puts both under an <h2>, so their "##" becomes <h3>.
        agreement=template.render_html(agreement_context(studio, client, project, written_in),
                                       heading_offset=1),
        agreement_language=written_in,
        clauses=render_markdown(project.agreement.clauses, heading_offset=2),
        path=path, updated=updated, url=url,
        subscription=subscription(feed_url, calendar_name(client, project)) if feed_url else None,
        calendars=calendars, words=words, history=history,
        all_notices=(*studio_notices, *client.notices, *project.notices),
        reminders=client.reminders_of(project, studio_reminders) if feed_url else (),
    )
