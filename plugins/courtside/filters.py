"""Template filters for dates and counts, in a portal's language and
independent of the machine's locale, so every build writes the same words.

``Words(language)`` holds them for one language; its filters are what that
language's templates use, and its methods are what the page, the feed and
the timeline say in Python. The module's own functions are the source
language's (English), which the studio's side (dashboard, commands) speaks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import cache
from types import ModuleType
from typing import Any, Protocol

from .i18n import SOURCE, Language, isolated, language
from .model import Reminder, ReminderUnit

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: The source language's date, "Tue 3 Nov 2026": the house style, not CLDR's
#: ("Tue, Nov 3, 2026"). The page's script fills the same pattern.
_SOURCE_DATE = "{weekday} {day} {month} {year}"
#: CLDR's names of a reminder's units.
_DURATION_UNITS: dict[ReminderUnit, str] = {
    "w": "duration-week", "d": "duration-day", "h": "duration-hour", "m": "duration-minute"}


def shortened(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, when longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Due(Protocol):
    """The due state of a step (``rules.DueState``)."""

    @property
    def kind(self) -> str: ...

    @property
    def business_days(self) -> int: ...

    @property
    def side(self) -> int: ...


class Effect(Protocol):
    """A change request, or a total of them (``changes.ChangeTotal``)."""

    @property
    def days(self) -> int | None: ...

    @property
    def cost(self) -> str | None: ...


def _cldr_dates() -> ModuleType:
    """Babel's dates, imported when the first one is formatted (an English
    site never does)."""
    import babel.dates

    return babel.dates


class Words:
    """Dates, counts and the short statements built from them, in one language."""

    def __init__(self, lang: Language) -> None:
        self.language = lang
        # What CLDR formats, remembered: a portal names the same few dozen
        # dates many times over, and Babel takes 30 µs for each.
        self._formatted: dict[tuple[str, object], str] = {}

    def long_date(self, day: dt.date) -> str:
        """``Tue 3 Nov 2026``; ``Fr., 4. Dez. 2026``: the locale's date with
        its weekday (CLDR's ``yMMMEd``)."""
        if self.language.base == SOURCE:
            return _SOURCE_DATE.format(weekday=_WEEKDAYS[day.weekday()], day=day.day,
                                       month=_MONTHS[day.month - 1], year=day.year)
        return self._skeleton("yMMMEd", day)

    def _skeleton(self, skeleton: str, day: dt.date) -> str:
        """``day`` in the locale's form of CLDR's ``skeleton``."""
        return self._remembered((skeleton, day), lambda: _cldr_dates().format_skeleton(
            skeleton, day, locale=self.language.locale))

    def _remembered(self, key: tuple[str, object], formatted: Callable[[], object]) -> str:
        """What ``formatted`` gives, worked out once per ``key``."""
        if key not in self._formatted:
            self._formatted[key] = str(formatted())
        return self._formatted[key]

    def short_date(self, day: dt.date, *, year: bool = False) -> str:
        """``3 Nov``, ``3 Nov 2026``; ``3. Nov.``: a date in a table row
        (CLDR's ``MMMd`` and ``yMMMd``)."""
        if self.language.base == SOURCE:
            return f"{day.day} {_MONTHS[day.month - 1]}" + (f" {day.year}" if year else "")
        return self._skeleton("yMMMd" if year else "MMMd", day)

    def short_month(self, month: int) -> str:
        """``Nov``; ``Nov.``: a month on the timeline's axis."""
        if self.language.base == SOURCE:
            return _MONTHS[month - 1]
        return str(_cldr_dates().get_month_names("abbreviated", "stand-alone",
                                                 self.language.locale)[month])

    def clock_time(self, moment: dt.time) -> str:
        """``14:00``: the locale's short time (24 hours where it counts so)."""
        if self.language.base == SOURCE:
            return moment.strftime("%H:%M")
        return self._remembered(("time", moment), lambda: _cldr_dates().format_time(
            moment, "short", locale=self.language.locale))

    def zone_name(self, zone: str) -> str:
        """``Europe/Vienna``; ``Wien``, ``Вена``: a time zone as a reader
        knows it (CLDR's city; the IANA name in the source language, and
        wherever CLDR has no city: ``Etc/GMT+5`` is five hours behind)."""
        if self.language.base == SOURCE or "/" not in zone or zone.startswith("Etc/"):
            return zone
        return self._remembered(("zone", zone), lambda: _cldr_dates().get_timezone_location(
            zone, locale=self.language.locale, return_city=True))

    # A count's phrase comes from one method that gives the catalog's form
    # for the count with ``%(num)d`` still in it: the page fills it in, and
    # the page's script gets it for each plural category (``_by_category``).

    def _days(self, count: int) -> str:
        return self.language.ngettext("%(num)d business day", "%(num)d business days", count)

    def business_days(self, count: int) -> str:
        """``1 business day``, ``14 business days``; ``21 рабочий день``."""
        return self._days(count) % {"num": count}

    def calendar_days(self, count: object) -> str:
        """``30 calendar days``; ``30 календарных дней``: a term such as the
        payment period. A term written as text stays as it is written."""
        if not isinstance(count, int) or isinstance(count, bool):
            return str(count)
        return self.language.ngettext("%(num)d calendar day", "%(num)d calendar days",
                                      count) % {"num": count}

    def signed_business_days(self, count: int) -> str:
        """``+5 business days``, ``−1 business day``: a change to a schedule."""
        return ("+" if count >= 0 else "−") + self.business_days(abs(count))

    def change_effect(self, change: Effect) -> str:
        """What a change request (or a total of them) does to time and budget:
        ``+10 business days, €2,400``; empty when it says neither."""
        parts = [self.signed_business_days(change.days)] if change.days is not None else []
        return ", ".join(parts + ([change.cost] if change.cost else []))

    def quoted(self, text: str, limit: int = 80) -> str:
        """A text named in a sentence (a change request): on one line, in the
        language's quotation marks, shortened when long."""
        text = " ".join(text.split())
        text = shortened(text, limit)
        # TRANSLATORS: the quotation marks of the language around a quoted text.
        return self.language.gettext("“%(text)s”") % {"text": isolated(text)}

    def due_state(self, due: Due) -> str:
        """``overdue by 3 business days``, ``due soon: 2 business days left``,
        ``due today``, ``on time``: the due state of the current step in a
        row of the studio's (the portal's panel says ``due_when``)."""
        _, days = self.language.gettext, self.business_days(due.business_days)
        if due.kind == "overdue":
            return _("overdue by %(days)s") % {"days": days}
        if due.kind == "due_soon":
            return self.due_now(due.side) if due.business_days == 0 else \
                _("due soon: %(days)s left") % {"days": days}
        return _("on time")

    def due_when(self, due: Due) -> str:
        """When the current step is due, counted from today: ``in 6 business
        days``, ``today``, ``6 business days ago``; with no business day
        between (a deadline over a weekend or a holiday) ``no business day
        left`` before it and ``no business day since`` after it. The panel's
        "Due Tue 10 Nov 2026: 6 business days ago"."""
        if due.kind == "overdue":
            return self.ago(due.business_days)
        if due.business_days:
            return self.in_business_days(due.business_days)
        return self._due_day()[due.side + 1]

    def _due_day(self) -> tuple[str, str, str]:
        """``due_when`` with no business day between today and the due date,
        by where today lies against it (-1 before, 0 on, 1 after)."""
        _ = self.language.gettext
        # TRANSLATORS: after "Due Sat 28 Nov 2026:", on the Friday before.
        return (_("no business day left"),
                # TRANSLATORS: after "Due Mon 30 Nov 2026:", on that day.
                _("today"),
                # TRANSLATORS: after "Due Sat 28 Nov 2026:", on the Sunday after.
                _("no business day since"))

    def _in(self, count: int) -> str:
        return self.language.ngettext("in %(num)d business day", "in %(num)d business days",
                                      count)

    def in_business_days(self, count: int) -> str:
        """``in 6 business days``; ``in 6 Arbeitstagen``: how long until a due date."""
        return self._in(count) % {"num": count}

    def _grace(self, left: int) -> str:
        """The grace period's line with a consequence: ``%(num)d`` business
        days left, ``%(consequence)s`` after them."""
        return self.language.ngettext("%(num)d business day left before: %(consequence)s",
                                      "%(num)d business days left before: %(consequence)s", left)

    def _grace_plain(self, left: int) -> str:
        """The grace period's line when the terms give no consequence."""
        return self.language.ngettext("%(num)d business day of the agreed grace period left.",
                                      "%(num)d business days of the agreed grace period left.",
                                      left)

    def _grace_last(self) -> tuple[str, str]:
        """The grace period's last day, with a consequence and without."""
        _ = self.language.gettext
        return (_("Last business day before: %(consequence)s"),
                _("Last business day of the agreed grace period."))

    def grace_left(self, left: int, consequence: str | None) -> str:
        """``2 business days left before: The project pauses.``: the grace
        period as what is left of it (``DueState.grace_left``), and what
        happens after; ``Last business day before: …`` on its last day."""
        last, last_plain = self._grace_last()
        if consequence is None:
            return (self._grace_plain(left) if left else last_plain) % {"num": left}
        return (self._grace(left) if left else last) % {"num": left,
                                                        "consequence": isolated(consequence)}

    def _ago(self, count: int) -> str:
        return self.language.ngettext("%(num)d business day ago", "%(num)d business days ago",
                                      count)

    def ago(self, count: int) -> str:
        """``4 business days ago``; ``vor 4 Arbeitstagen``: since a decision
        was proposed, or a step was due (a count of its own: some languages
        decline it)."""
        return self._ago(count) % {"num": count}

    def _by_category(self, phrase: Callable[[int], str]) -> dict[str, str]:
        """A count's phrase (as ``phrase(count)`` gives it, with ``%(num)d``)
        for each plural category of the locale (what ``Intl.PluralRules``
        picks), ``{n}`` for the number and ``{consequence}`` for a consequence."""
        categories: dict[str, str] = {}
        for count in (*range(0, 200), 1000000):
            category = self.language.locale.plural_form(count)
            if category not in categories:
                categories[category] = phrase(count).replace("%(num)d", "{n}") \
                    .replace("%(consequence)s", "{consequence}")
        return categories

    def live_phrases(self, due_soon_days: int) -> dict[str, Any]:
        """What the page's script says, from the same catalog and methods as
        the page: for each plural category of the locale (``Intl.PluralRules``)
        its form of "N business days", "N business days ago", "in N business
        days" and the grace period's "N business days left before: …" (``{n}``
        for the number, ``{consequence}`` for the consequence); the due line's
        words with no business day between (``due_when``), the grace period's
        last day, the source language's date pattern, and the due-soon threshold.
        Made once per language and process (``live_phrases``)."""
        _ = self.language.gettext
        # The source language's dates are the house style, which Intl does
        # not know: the script fills the same pattern with the same names.
        date = {"pattern": _SOURCE_DATE, "weekdays": _WEEKDAYS, "months": _MONTHS} \
            if self.language.base == SOURCE else None
        return {
            "lang": self.language.tag, "soon": due_soon_days, "date": date,
            "days": self._by_category(self._days),
            "ago": self._by_category(self._ago),
            "in": self._by_category(self._in),
            "due_day": list(self._due_day()),
            # The grace period's line, with and without a consequence: each
            # plural category of what is left, and its last day.
            "grace": [self._by_category(self._grace),
                      self._grace_last()[0].replace("%(consequence)s", "{consequence}")],
            "grace_plain": [self._by_category(self._grace_plain), self._grace_last()[1]],
            # TRANSLATORS: the viewer's date, when the page's script brought it up to it.
            "your_date": _("%(date)s (your date)") % {"date": "{date}"},
        }

    def change_logged(self, status: str) -> str:
        """``change request, approved``: a change request in the paper trail
        (the page's and the updates feed's)."""
        _ = self.language.gettext
        return {"proposed": _("change request, proposed"), "approved": _("change request, approved"),
                "declined": _("change request, declined")}[status]

    def due_now(self, side: int) -> str:
        """The due state with no business day left, by where today lies against
        the due date (-1 before, 0 on, 1 after): only on the day is it "due
        today"; a deadline over a weekend or a holiday is not late yet."""
        _ = self.language.gettext
        return (_("due before the next business day"), _("due today"),
                _("no business day since it was due"))[side + 1]

    def listed(self, items: list[str]) -> str:
        """``a, b and c``, as the language lists things."""
        if self.language.base == SOURCE:
            return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]
        from babel.lists import format_list

        return format_list(items, locale=self.language.locale)

    def reminder_leads(self, reminders: Iterable[Reminder]) -> str:
        """``2 days and 1 day``; ``2 дня и 1 день``: how long before a step
        the calendar reminds of it, each in the unit it was written in
        (CLDR's units, with the language's plural forms)."""
        from babel.units import format_unit

        return self.listed([format_unit(reminder.count, _DURATION_UNITS[reminder.unit],
                                        length="long", locale=self.language.locale)
                            for reminder in reminders])

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {
            "long_date": self.long_date,
            "clock_time": self.clock_time,
            "zone_name": self.zone_name,
            "business_days": self.business_days,
            "calendar_days": self.calendar_days,
            "signed_business_days": self.signed_business_days,
            "change_effect": self.change_effect,
            "quoted": self.quoted,
            "due_now": self.due_now,
            "change_logged": self.change_logged,
            "due_state": self.due_state,
            "due_when": self.due_when,
            "ago": self.ago,
        }


@cache
def live_phrases(tag: str, due_soon_days: int) -> dict[str, Any]:
    """``Words.live_phrases`` of ``tag``, once per process: every portal in
    that language carries the same table."""
    return words_of(tag).live_phrases(due_soon_days)


@cache
def words_of(tag: str) -> Words:
    """The words of ``tag``'s language, made once per process."""
    return Words(language(tag))


SOURCE_WORDS = _SOURCE = words_of(SOURCE)
long_date = _SOURCE.long_date
clock_time = _SOURCE.clock_time
business_days = _SOURCE.business_days
signed_business_days = _SOURCE.signed_business_days
change_effect = _SOURCE.change_effect
quoted = _SOURCE.quoted
due_now = _SOURCE.due_now
FILTERS = _SOURCE.filters()
