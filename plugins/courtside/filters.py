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
from typing import Any, Protocol

from .i18n import SOURCE, Language, language
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
        key = (skeleton, day)
        if key not in self._formatted:
            from babel.dates import format_skeleton

            self._formatted[key] = format_skeleton(skeleton, day, locale=self.language.locale)
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
        from babel.dates import get_month_names

        return str(get_month_names("abbreviated", "stand-alone", self.language.locale)[month])

    def clock_time(self, moment: dt.time) -> str:
        """``14:00``: the locale's short time (24 hours where it counts so)."""
        if self.language.base == SOURCE:
            return moment.strftime("%H:%M")
        key = ("time", moment)
        if key not in self._formatted:
            from babel.dates import format_time

            self._formatted[key] = format_time(moment, "short", locale=self.language.locale)
        return self._formatted[key]

    def zone_name(self, zone: str) -> str:
        """``Europe/Vienna``; ``Wien``, ``Вена``: a time zone as a reader
        knows it (CLDR's city; the IANA name in the source language, and
        wherever CLDR has no city: ``Etc/GMT+5`` is five hours behind)."""
        if self.language.base == SOURCE or "/" not in zone or zone.startswith("Etc/"):
            return zone
        key = ("zone", zone)
        if key not in self._formatted:
            from babel.dates import get_timezone_location

            self._formatted[key] = str(get_timezone_location(zone, locale=self.language.locale,
                                                             return_city=True))
        return self._formatted[key]

    def business_days(self, count: int) -> str:
        """``1 business day``, ``14 business days``; ``21 рабочий день``."""
        return self.language.ngettext("%(num)d business day", "%(num)d business days",
                                      count) % {"num": count}

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
        return self.language.gettext("“%(text)s”") % {"text": text}

    def _due_phrases(self) -> dict[str, str]:
        """The due state's phrases as the catalog gives them, with ``%(days)s``
        for a count of business days: what the page and its script both say."""
        _ = self.language.gettext
        return {"overdue": _("overdue by %(days)s"), "soon_left": _("due soon: %(days)s left"),
                "on_time": _("on time")}

    def due_state(self, due: Due) -> str:
        """``overdue by 3 business days``, ``due soon: 2 business days left``,
        ``due today``, ``on time``: the due state of the current step."""
        phrases, days = self._due_phrases(), self.business_days(due.business_days)
        if due.kind == "overdue":
            return phrases["overdue"] % {"days": days}
        if due.kind == "due_soon":
            return self.due_now(due.side) if due.business_days == 0 else \
                phrases["soon_left"] % {"days": days}
        return phrases["on_time"]

    def ago(self, count: int) -> str:
        """``4 business days ago``; ``vor 4 Arbeitstagen``: since a decision
        was proposed (a count of its own: some languages decline it)."""
        return self.language.ngettext("%(num)d business day ago", "%(num)d business days ago",
                                      count) % {"num": count}

    def _by_category(self, singular: str, plural: str) -> dict[str, str]:
        """A count's phrase for each plural category of the locale (what
        ``Intl.PluralRules`` picks), ``{n}`` for the number."""
        categories: dict[str, str] = {}
        for count in (*range(0, 200), 1000000):
            category = self.language.locale.plural_form(count)
            categories.setdefault(category, self.language.ngettext(
                singular, plural, count).replace("%(num)d", "{n}"))
        return categories

    def live_phrases(self, due_soon_days: int) -> dict[str, Any]:
        """What the page's script says, from the same catalog: each plural
        category of the locale (``Intl.PluralRules``) with its form of "N
        business days" (``{n}`` for the number), the due state's phrases
        (``{days}`` for a count), the source language's date pattern, and the
        due-soon threshold.
        Made once per language and process (``live_phrases``)."""
        _ = self.language.gettext
        # The source language's dates are the house style, which Intl does
        # not know: the script fills the same pattern with the same names.
        date = {"pattern": _SOURCE_DATE, "weekdays": _WEEKDAYS, "months": _MONTHS} \
            if self.language.base == SOURCE else None
        return {
            "lang": self.language.tag, "soon": due_soon_days, "date": date,
            "days": self._by_category("%(num)d business day", "%(num)d business days"),
            "ago": self._by_category("%(num)d business day ago", "%(num)d business days ago"),
            **{key: phrase % {"days": "{days}"} for key, phrase in self._due_phrases().items()},
            "now": [self.due_now(side) for side in (-1, 0, 1)],
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
