"""The schedule as a picture: an inline SVG drawn at build time.

One row per milestone on a shared date axis, in the order the work happens.
Shape and fill say what colour also says, so no state is shown by colour
alone: a square is the studio's step, a circle the client's; filled is done,
hollow is still to do (grey, and saying so in its tooltip, when a project
marked done left it open); the current step has a ring; a red bar runs from a
missed due date to today; a date the forecast moved keeps its agreed mark,
with a dashed line to a dashed mark on the expected date; faint week
ticks mark the first day of the week where the client's locale starts it, on
axes short enough for them. The schedule table on the page is the full text
alternative; the SVG's own title and description summarise it.

Two layouts are drawn from the same rows: wide (label beside the track) and
narrow (label above it), and the stylesheet shows the one that fits. A
step's name is shown whole, wrapped over as many lines as it needs (up to
``MAX_LINES``; a longer one is shortened and keeps its full name as the
text's ``<title>``, as the schedule table does), and its row grows to fit.
Lines drawn across the rows (today, the months) leave a gap where a name
stands above the track: nothing is drawn through text.
"""

from __future__ import annotations

import datetime as dt
import functools
import textwrap
from dataclasses import dataclass

from markupsafe import Markup, escape

from .filters import shortened
from .i18n import isolated
from .portal import Portal, ScheduleRow


@dataclass(frozen=True)
class Layout:
    name: str
    width: int
    label_width: int  # 0: the label sits above the track
    row_height: int  # of a row whose label is one line
    #: Characters of a label's line: what fits its room in the layout's font
    #: (the stylesheet's size for it) in bold, at about 0.65 em a character.
    line_chars: int
    line_height: int
    #: The stylesheet's font size for the picture's text, in its units.
    font_size: int

    @property
    def track(self) -> tuple[int, int]:
        left = self.label_width + 16 if self.label_width else 12
        return left, self.width - 16


WIDE = Layout("wide", 720, 220, 30, 25, 15, 13)
NARROW = Layout("narrow", 320, 0, 46, 32, 17, 14)
LAYOUTS = {layout.name: layout for layout in (WIDE, NARROW)}
#: A label longer than this many lines is shortened (its full name stays in its <title>).
MAX_LINES = 4
_AXIS = 40  # room above the rows for "Today", then the month names
_TODAY_Y, _MONTH_Y = 13, 31  # their baselines: a line of text apart
_MOST_TICKS = 24  # more months than this on the axis: ticks are years
_MOST_WEEKS = 16  # more weeks than this on the axis: no week ticks, they would be noise
_EM_PER_CHAR = 0.62  # a month's name, at most this wide a character (Cyrillic's widest)


def _span(portal: Portal) -> tuple[dt.date, dt.date]:
    """The dates the axis must show, with a little room on both sides."""
    days = [m.due for m in portal.project.milestones]
    days += [m.done for m in portal.project.milestones if m.done]
    days += [row.expected.date for row in portal.schedule if row.expected and row.expected.moved]
    days += [portal.state.today] + [d for d in (portal.project.start,) if d]
    first, last = min(days), max(days)
    pad = dt.timedelta(days=max(2, (last - first).days // 20))
    return first - pad, last + pad


def label_lines(title: str, layout: Layout) -> tuple[tuple[str, ...], bool]:
    """A step's name in lines that fit the layout, and whether it had to be
    shortened to ``MAX_LINES`` of them."""
    return _wrapped(" ".join(title.split()), layout.line_chars)


@functools.lru_cache(maxsize=4096)  # a studio's steps have the same few dozen names
def _wrapped(text: str, width: int) -> tuple[tuple[str, ...], bool]:
    if len(text) <= width:  # what textwrap gives a text of single spaces that fits
        return (text,), False
    lines = textwrap.wrap(text, width)
    if len(lines) <= MAX_LINES:
        return tuple(lines), False
    rest = " ".join(lines[MAX_LINES - 1:])
    return (*lines[:MAX_LINES - 1], shortened(rest, width)), True


@dataclass(frozen=True)
class _Row:
    """Where a row of the picture is: its top, its track's middle, its label's lines."""

    top: int
    height: int
    mid: int
    lines: tuple[str, ...]
    shortened: bool

    def label_band(self, layout: Layout) -> tuple[int, int] | None:
        """From the top of a label above the track to below its last line's
        descenders; None when the label sits beside the track."""
        if layout.label_width:
            return None
        return self.top + 1, self.top + 15 + (len(self.lines) - 1) * layout.line_height + 5


def _rows(portal: Portal, layout: Layout) -> list[_Row]:
    rows, top = [], _AXIS
    for row in portal.schedule:
        lines, cut = label_lines(row.milestone.title, layout)
        height = layout.row_height + (len(lines) - 1) * layout.line_height
        mid = top + height - 11 if not layout.label_width else top + height // 2
        rows.append(_Row(top, height, mid, lines, cut))
        top += height
    return rows


def _label(row: _Row, layout: Layout, x: float, current: bool, title: str) -> str:
    """A step's name, one ``<tspan>`` a line: above the track, or beside it,
    centred on the track's middle."""
    first = row.top + 15 if not layout.label_width else \
        row.mid + 4 - (len(row.lines) - 1) * layout.line_height // 2
    spans = "".join(f'<tspan x="{x}" y="{first + index * layout.line_height}">{escape(line)}</tspan>'
                    for index, line in enumerate(row.lines))
    full = f"<title>{escape(title)}</title>" if row.shortened else ""
    return (f'<text class="tl-label{" tl-label--current" if current else ""}">'
            f"{full}{spans}</text>")


def _across(css: str, x: float, top: float, bottom: float, gaps: list[tuple[int, int]],
            extra: str = "") -> list[str]:
    """A vertical line from ``top`` to ``bottom``, in pieces that leave out ``gaps``."""
    pieces, start = [], top
    for gap_top, gap_bottom in sorted(gaps):
        if gap_top > start:
            pieces.append((start, min(gap_top, bottom)))
        start = max(start, gap_bottom)
    if start < bottom:
        pieces.append((start, bottom))
    return [f'<line class="{css}"{extra} x1="{x}" y1="{a}" x2="{x}" y2="{b}"/>'
            for a, b in pieces if b > a]


def _mark(owner: str, state: str, at: float, mid: float, title: str | None = None) -> str:
    """A square for the studio's steps, a circle for the client's; with
    ``title``, what the mark means in words (a tooltip)."""
    tag, where = ("rect", f'x="{at - 6}" y="{mid - 6}" width="12" height="12" rx="2"') \
        if owner == "studio" else ("circle", f'cx="{at}" cy="{mid}" r="6.5"')
    attributes = f'class="tl-mark tl-{owner} tl-{state}" {where}'
    if title is None:
        return f"<{tag} {attributes}/>"
    return f"<{tag} {attributes}><title>{escape(title)}</title></{tag}>"


def _step_mark(row: ScheduleRow, at: float, mid: float) -> str:
    """A step's own mark: filled once done, hollow while open; hollow too
    when left open in a finished project, and then it says so."""
    owner = row.milestone.owner
    if row.state == "unfinished":
        return _mark(owner, "unfinished", at, mid, row.status[1])
    return _mark(owner, "done" if row.milestone.done else "open", at, mid)


def _month_name(parts: list[str], label: str, at: float, named_to: float, layout: Layout) -> float:
    """A month's name after its tick; before it, near the picture's end,
    when the name before leaves room; else none (the tick stays): a name is
    never cut at the edge. Returns where the last name now ends."""
    width = len(label) * _EM_PER_CHAR * layout.font_size
    if at + 3 + width <= layout.width:
        parts.append(f'<text class="tl-month" x="{at + 3}" y="{_MONTH_Y}">{escape(label)}</text>')
        return at + 3 + width
    if at - 3 - width >= named_to + 4:
        parts.append(f'<text class="tl-month" x="{at - 3}" y="{_MONTH_Y}" text-anchor="end">'
                     f"{escape(label)}</text>")
        return at
    return named_to


def timeline_svg(portal: Portal, layout: Layout) -> Markup:
    _ = portal.words.language.gettext
    first, last = _span(portal)
    left, right = layout.track
    scale = (right - left) / max((last - first).days, 1)

    def x(day: dt.date) -> float:
        return round(left + (day - first).days * scale, 1)

    rows = portal.schedule
    placed = _rows(portal, layout)
    height = (placed[-1].top + placed[-1].height if placed else _AXIS) + 8
    gaps = [band for row in placed if (band := row.label_band(layout)) is not None]
    today = portal.state.today
    parts = []

    # Faint week ticks, unlabelled, on the first day of the locale's week,
    # under the month ticks; on the narrow layout only along the axis, clear
    # of the labels above each row.
    if (last - first).days <= 7 * _MOST_WEEKS:
        week = first + dt.timedelta(days=(portal.words.language.first_weekday - first.weekday()) % 7)
        bottom = height - 4 if layout.label_width else _AXIS
        while week <= last:
            parts.append(f'<line class="tl-week" data-day="{week.isoformat()}" x1="{x(week)}" '
                         f'y1="{_AXIS - 6}" x2="{x(week)}" y2="{bottom}"/>')
            week += dt.timedelta(days=7)

    # Month ticks along the top; over years, fewer of them, named by year.
    months = (last.year - first.year) * 12 + last.month - first.month
    step = 1 if months <= _MOST_TICKS else 12 * -(-months // (12 * _MOST_TICKS))
    index = first.year * 12 + first.month - 1
    index += -index % step
    named_to = 0.0  # where the last month's name ends
    while (month := dt.date(index // 12, index % 12 + 1, 1)) <= last:
        if month >= first:
            label = portal.words.short_month(month.month) if step == 1 else str(month.year)
            parts += _across("tl-tick", x(month), _AXIS - 6, height - 4, gaps)
            named_to = _month_name(parts, label, x(month), named_to, layout)
        index += step
        if index // 12 > dt.MAXYEAR:
            break

    for row, place in zip(rows, placed, strict=True):
        m, mid = row.milestone, place.mid
        owner = m.owner
        parts.append(_label(place, layout, 0 if layout.label_width else left,
                            row.state == "current", m.title))
        parts.append(f'<line class="tl-row" x1="{left}" y1="{mid}" x2="{right}" y2="{mid}"/>')
        if row.late_days and not m.done:  # still open and past due: red to today
            parts.append(f'<rect class="tl-overdue" x="{x(m.due)}" y="{mid - 3}" '
                         f'width="{max(x(today) - x(m.due), 2)}" height="6" rx="3"/>')
        if m.done and m.done != m.due:  # how far the finish moved from the plan
            a, b = sorted((x(m.due), x(m.done)))
            parts.append(f'<line class="tl-slip" x1="{a}" y1="{mid}" x2="{b}" y2="{mid}"/>')
        at = x(m.done or m.due)
        if row.expected is not None and row.expected.moved:  # agreed mark stays; dashed to expected
            later = x(row.expected.date)
            parts.append(f'<line class="tl-shift" x1="{at}" y1="{mid}" x2="{later}" y2="{mid}"/>')
            parts.append(_mark(owner, "expected", later, mid))
        if row.state == "current":
            parts.append(f'<circle class="tl-ring" cx="{at}" cy="{mid}" r="11"/>')
        parts.append(_step_mark(row, at, mid))

    parts += _across("tl-today", x(today), _AXIS - 4, height - 4, gaps)
    anchor = "end" if x(today) > right - 40 else "start"
    today_label = _("Today")
    parts.append(f'<text class="tl-today-label" x="{x(today) + (-4 if anchor == "end" else 4)}" '
                 f'y="{_TODAY_Y}" text-anchor="{anchor}">{escape(today_label)}</text>')

    title_id, desc_id = f"tl-{layout.name}-title", f"tl-{layout.name}-desc"
    title = _("Timeline of %(title)s") % {"title": isolated(portal.project.title)}
    return Markup(
        f'<svg class="timeline timeline--{layout.name}" viewBox="0 0 {layout.width} {height}" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" focusable="false">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(describe(portal))}</desc>'
        + "".join(parts) + "</svg>")


def describe(portal: Portal) -> str:
    """The picture in one or two sentences, for screen readers."""
    words = portal.words
    _, ngettext = words.language.gettext, words.language.ngettext
    rows = portal.schedule
    milestones = [row.milestone for row in rows]
    done = sum(1 for m in milestones if m.done)
    text = ngettext("%(num)d milestone from %(first)s to %(last)s; %(done)d done.",
                    "%(num)d milestones from %(first)s to %(last)s; %(done)d done.",
                    len(milestones)) % {
        "num": len(milestones), "done": done,
        "first": words.long_date(min(m.due for m in milestones)),
        "last": words.long_date(max(m.due for m in milestones))}
    current = next((row for row in rows if row.state == "current"), None)
    if current is not None:
        values = {"step": isolated(current.milestone.title),
                  "party": isolated(portal.party_name(current.milestone.owner)),
                  "days": words.business_days(current.late_days)}
        text += " " + (_("Current step: %(step)s, for %(party)s, overdue by %(days)s.")
                       if current.late_days else _("Current step: %(step)s, for %(party)s.")) % values
    unfinished = next((row for row in rows if row.state == "unfinished"), None)
    if unfinished is not None:
        text += " " + unfinished.status[1] + "."
    end = portal.state.end
    if end is not None and end.moved:
        text += " " + _("%(milestone)s now expected %(date)s, %(days)s later than agreed.") % {
            "milestone": isolated(end.milestone.title), "date": words.long_date(end.date),
            "days": words.business_days(end.shift)}
    return text + " " + _("The schedule table lists every milestone.")
