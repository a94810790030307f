"""The forecast on its own: agreed dates stay, expected dates only ever move
later, and every moved business day has a cause."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from courtside.changes import add_costs, change_total, decisions_waiting, number_style
from courtside.i18n import language
from courtside.model import Agreement, Change, LogEntry, Milestone, Project
from courtside.portal import moved_text
from courtside.rules import PLAIN_CALENDARS, project_state
from courtside.workdays import PLAIN, Closure, working_calendar

D = dt.date
NAMES = {"studio": "Northwind Studio", "client": "Acme Corp"}.get


def step(id, owner, due, done=None):
    return Milestone(id=id, title=id.capitalize(), owner=owner, due=due, done=done)


def project(*milestones, log=(), status="active"):
    return Project(id="p", title="P", token="t" * 22, milestones=tuple(milestones),
                   status=status, log=tuple(log), agreement=Agreement())


ACME = project(
    step("concepts", "studio", D(2026, 10, 30), D(2026, 11, 3)),
    step("content", "client", D(2026, 11, 6)),
    step("build", "studio", D(2026, 12, 4)),
    step("launch", "client", D(2026, 12, 10)),
)


def test_a_late_client_step_moves_the_steps_after_it_and_says_why():
    state = project_state(ACME, D(2026, 11, 27))
    content, build, launch = (state.expected[k] for k in ("content", "build", "launch"))
    # The studio finished Concepts 2 business days late, so Content moved to
    # Tue 10 Nov; the client is late against that date, not the impossible one.
    assert (content.date, content.shift, content.overdue) == (D(2026, 11, 10), 2, True)
    assert moved_text(content, NAMES) == \
        "2 business days later because Concepts (Northwind Studio) was finished 2 business days late"
    assert (state.due.business_days, state.due.date) == (13, D(2026, 11, 10))
    # Build keeps its 20 planned business days after today, Launch its 4 after that.
    assert (build.date, build.shift) == (D(2026, 12, 25), 15)
    assert (launch.date, launch.shift) == (D(2026, 12, 31), 15)
    assert [(c.kind, c.milestone.id, c.days) for c in launch.causes] == [
        ("finished_late", "concepts", 2), ("late", "content", 13)]
    assert moved_text(launch, NAMES) == (
        "15 business days later: 2 business days because Concepts (Northwind Studio) was "
        "finished late, 13 business days because Content (Acme Corp) is late")
    assert state.end is launch
    assert (state.expected_end, state.end_slip_days) == (D(2026, 12, 31), 15)


def test_a_step_that_is_merely_not_done_yet_holds_up_what_follows():
    # The client is closed over the holidays: on Tue 12 Jan their step, due
    # Fri 18 Dec, is not late on their calendar, but nothing after it can start.
    calendars = {"studio": PLAIN,
                 "client": working_calendar(None, [Closure(D(2026, 12, 21), D(2027, 1, 15))])}
    plan = project(step("feedback", "client", D(2026, 12, 18)),
                   step("build", "studio", D(2027, 1, 8)))
    state = project_state(plan, D(2027, 1, 12), calendars)
    assert state.due.kind == "due_soon" and state.due.business_days == 0 and state.due.side == 1
    build = state.expected["build"]
    assert (build.date, build.shift) == (D(2027, 2, 2), 17)  # its 15 planned days after today
    assert moved_text(build, NAMES) == \
        "17 business days later because Feedback (Acme Corp) is not done yet"


def test_a_step_finished_on_a_day_only_one_side_works_is_a_reason_too():
    # Mon 8 Mar 2027 is a holiday in Berlin, not in Bavaria.
    calendars = {"studio": working_calendar("DE-BE"), "client": working_calendar("DE-BY")}
    plan = project(step("draft", "studio", D(2027, 3, 5), D(2027, 3, 8)),
                   step("review", "client", D(2027, 3, 10)))
    review = project_state(plan, D(2027, 3, 9), calendars).expected["review"]
    assert (review.date, review.shift) == (D(2027, 3, 11), 1)
    assert moved_text(review, NAMES) == \
        "1 business day later because Draft (Northwind Studio) was finished late"


def test_a_plan_listed_out_of_order_says_so():
    plan = project(step("a", "studio", D(2026, 11, 20)), step("b", "client", D(2026, 11, 18)))
    b = project_state(plan, D(2026, 11, 2)).expected["b"]
    assert (b.date, b.shift) == (D(2026, 11, 20), 2)
    assert moved_text(b, NAMES) == "2 business days later because A (Northwind Studio) comes first but is due later"


def test_one_cause_is_told_with_its_own_size():
    on_time = project(step("content", "client", D(2026, 11, 6)), step("launch", "studio", D(2026, 12, 10)))
    launch = project_state(on_time, D(2026, 11, 27)).expected["launch"]
    assert moved_text(launch, NAMES) == \
        "15 business days later because Content (Acme Corp) is 15 business days late"


def test_holidays_are_not_business_days_of_the_party_whose_day_it_is():
    calendars = {"studio": working_calendar(None, [Closure(D(2026, 12, 24), D(2027, 1, 1))]),
                 "client": working_calendar("DE-BY")}
    state = project_state(ACME, D(2026, 11, 27), calendars)
    # Build (the studio's) runs 20 studio business days from today, over its closure.
    assert state.expected["build"].date == D(2027, 1, 5)
    # Launch (the client's) keeps 4 Bavarian business days after that (Epiphany is off).
    assert state.expected["launch"].date == D(2027, 1, 12)
    # And the client's lateness is counted on the client's calendar, from Tue 10 Nov.
    assert state.due.business_days == 13


def test_an_approved_change_after_a_milestone_moves_what_follows():
    change = LogEntry(D(2026, 11, 2), "client", "An extra careers page",
                      Change("approved", days=5, cost="€800", after="build"))
    declined = LogEntry(D(2026, 11, 3), "client", "A shop", Change("declined", days=20, after="build"))
    unplaced = LogEntry(D(2026, 11, 4), "client", "Blog", Change("approved", days=9))
    plan = project(step("build", "studio", D(2026, 12, 4)), step("launch", "client", D(2026, 12, 10)),
                   log=[change, declined, unplaced])
    launch = project_state(plan, D(2026, 11, 27)).expected["launch"]
    assert (launch.date, launch.shift) == (D(2026, 12, 17), 5)
    assert moved_text(launch, NAMES) == \
        "5 business days later because the approved change “An extra careers page” adds 5 business days"


def test_paused_and_complete_projects_forecast_nothing():
    assert project_state(project(*ACME.milestones, status="paused"), D(2026, 11, 27)).expected == {}
    done = project(step("a", "studio", D(2026, 11, 2), D(2026, 11, 20)))
    assert project_state(done, D(2026, 11, 27)).expected == {}



def test_a_step_done_ahead_of_a_late_one_does_not_free_what_follows():
    # The studio did Build while the client's Content, due Mon 2 Nov, is
    # still open on Mon 23 Nov: Launch still waits for Content, so it cannot
    # be expected on Fri 13 Nov, ten days ago. It keeps its 5 planned business
    # days after today, because of Content.
    plan = project(step("content", "client", D(2026, 11, 2)),
                   step("build", "studio", D(2026, 11, 6), D(2026, 11, 5)),
                   step("launch", "client", D(2026, 11, 13)))
    state = project_state(plan, D(2026, 11, 23))
    launch = state.expected["launch"]
    assert (launch.date, launch.shift) == (D(2026, 11, 30), 11)
    assert moved_text(launch, NAMES) == "11 business days later because Content (Acme Corp) is late"
    assert (state.expected_end, state.end_slip_days) == (D(2026, 11, 30), 11)


def test_a_step_done_ahead_of_a_moved_one_does_not_free_what_follows():
    # The studio finished Design 14 business days late, so the client's
    # Content, due Mon 16 Nov, is expected Fri 4 Dec: not late on Mon 23 Nov.
    # The studio did Build ahead of it; Launch still waits for Content, so it
    # cannot be expected on Wed 18 Nov, in the past: it keeps its 1 planned
    # business day after Content's expected date, for Design's reason.
    plan = project(step("design", "studio", D(2026, 11, 2), D(2026, 11, 20)),
                   step("content", "client", D(2026, 11, 16)),
                   step("build", "studio", D(2026, 11, 17), D(2026, 11, 12)),
                   step("launch", "client", D(2026, 11, 18)))
    state = project_state(plan, D(2026, 11, 23))
    assert state.due.kind == "on_time" and state.expected["content"].date == D(2026, 12, 4)
    launch = state.expected["launch"]
    assert (launch.date, launch.shift) == (D(2026, 12, 7), 13)
    assert moved_text(launch, NAMES) == \
        "13 business days later because Design (Northwind Studio) was finished late"
    assert (state.expected_end, state.end_slip_days) == (D(2026, 12, 7), 13)


# --- properties ---------------------------------------------------------------------

CALENDAR_CHOICES = [PLAIN, working_calendar("DE-BY"),
                    working_calendar("US-NY", [Closure(D(2026, 12, 21), D(2027, 1, 3))])]


@st.composite
def projects(draw, calendar=None):
    """A project of 1–8 milestones: a run of done ones, then open ones, due
    dates mostly in order; and a day to look at it. With a ``calendar``, no
    step is faster than planned: each done step finished its planned length
    or more after the one before it, and due dates are in order."""
    count = draw(st.integers(1, 8))
    done_count = draw(st.integers(0, count))
    due, milestones, previous = D(2026, 10, 1), [], None
    for index in range(count):
        due += dt.timedelta(days=draw(st.integers(-3 if calendar is None else 0, 20)))
        done = None
        if index < done_count:
            slip = dt.timedelta(days=draw(st.integers(-10 if calendar is None else 0, 15)))
            if calendar is None or previous is None:
                done = due + slip
            else:
                planned = calendar.business_days_between(previous.due, due)
                done = max(due, calendar.add_business_days(previous.done, planned)) + slip
        previous = step(f"m{index}", draw(st.sampled_from(["studio", "client"])), due, done)
        milestones.append(previous)
    log = []
    for _ in range(draw(st.integers(0, 2))):
        after = draw(st.sampled_from(milestones)).id
        log.append(LogEntry(D(2026, 10, 1), "client", "Change",
                            Change("approved", days=draw(st.integers(0, 10)), after=after)))
    today = D(2026, 10, 1) + dt.timedelta(days=draw(st.integers(0, 200)))
    return project(*milestones, log=log), today


@settings(max_examples=400, deadline=None)
@given(projects(), st.sampled_from(CALENDAR_CHOICES), st.sampled_from(CALENDAR_CHOICES))
def test_the_forecast_never_moves_a_date_earlier(case, studio, client):
    plan, today = case
    calendars = {"studio": studio, "client": client}
    expected = project_state(plan, today, calendars).expected
    previous = None
    for milestone in plan.milestones:
        if milestone.id in expected:
            forecast = expected[milestone.id]
            assert forecast.date >= milestone.due
            if previous is not None:  # not one of its owner's business days before
                assert calendars[milestone.owner].business_days_between(previous, forecast.date) >= 0
            assert forecast.shift == calendars[milestone.owner].business_days_between(
                milestone.due, forecast.date)
            # Every business day it moved has a cause, on any two calendars.
            assert sum(cause.days for cause in forecast.causes) == forecast.shift
            previous = forecast.date
        else:
            previous = milestone.done



@settings(max_examples=400, deadline=None)
@given(projects(), st.data(), st.sampled_from(CALENDAR_CHOICES), st.sampled_from(CALENDAR_CHOICES))
def test_no_step_but_a_late_current_one_is_expected_before_today(case, data, studio, client):
    # Steps may be done in any order: one done ahead of an open one frees nothing after it.
    plan, today = case
    reopened = data.draw(st.sets(st.sampled_from([m.id for m in plan.milestones])))
    plan = dataclasses.replace(plan, milestones=tuple(
        dataclasses.replace(m, done=None) if m.id in reopened else m for m in plan.milestones))
    calendars = {"studio": studio, "client": client}
    state = project_state(plan, today, calendars)
    for forecast in state.expected.values():
        if forecast.milestone is not state.current:
            # Not one of its owner's business days before today, nor before
            # the current step's expected date, late or not (a date moved by
            # no business day stays its due date: Fri 2 Oct on Sat 3 Oct).
            calendar = calendars[forecast.milestone.owner]
            assert calendar.business_days_between(today, forecast.date) >= 0
            assert calendar.business_days_between(state.expected[state.current.id].date, forecast.date) >= 0
        assert sum(cause.days for cause in forecast.causes) == forecast.shift

def without_lateness(case, calendar):
    """``case`` with its due dates in order and every done step finished no
    business day after its due date on ``calendar``, and no changes: a plan
    that is so already is left as it is, so every such plan can be drawn
    (filtering them out of ``projects()`` threw most examples away)."""
    plan, today = case
    dues = sorted(m.due for m in plan.milestones)
    milestones = [dataclasses.replace(m, due=due, done=m.done if m.done is None or
                                      calendar.business_days_between(due, m.done) <= 0 else due)
                  for m, due in zip(plan.milestones, dues, strict=True)]
    return project(*milestones), today


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(CALENDAR_CHOICES).flatmap(
    lambda c: st.tuples(st.just(c), projects().map(lambda case: without_lateness(case, c)))))
def test_without_lateness_the_forecast_is_the_plan(calendar_and_case):
    calendar, (plan, today) = calendar_and_case
    calendars = {"studio": calendar, "client": calendar}
    assert all(calendar.business_days_between(m.due, m.done) <= 0
               for m in plan.milestones if m.done)
    dues = [m.due for m in plan.milestones]
    assert dues == sorted(dues) and plan.log == ()
    state = project_state(plan, today, calendars)
    assume(state.due is None or state.due.kind != "overdue")
    assert all(e.date == e.milestone.due and not e.causes for e in state.expected.values())


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(CALENDAR_CHOICES).flatmap(lambda c: st.tuples(st.just(c), projects(c))))
def test_the_last_step_moves_at_least_as_far_as_the_longest_delay(calendar_and_case):
    calendar, (plan, today) = calendar_and_case
    calendars = {"studio": calendar, "client": calendar}
    state = project_state(plan, today, calendars)
    assume(state.end is not None)
    delays = [calendar.business_days_between(m.due, m.done) for m in plan.milestones if m.done]
    if state.due is not None and state.due.kind == "overdue":
        delays.append(calendar.business_days_between(state.current.due, today))
    assert state.end_slip_days >= max(delays, default=0)
    # Every business day it moved has a cause, and the causes add up.
    for forecast in state.expected.values():
        assert sum(cause.days for cause in forecast.causes) == forecast.shift


# --- change requests -------------------------------------------------------------------

def test_costs_add_up_when_they_are_written_alike():
    assert add_costs(["€800", "€2,400"]) == "€3,200"
    assert add_costs(["$1,200.50", "$99"]) == "$1,299.50"
    assert add_costs(["800 EUR", "1200 EUR"]) == "2000 EUR"
    assert add_costs(["€9,000", "€2,000", "a day's work", "€1"]) == "€11,001 + a day's work"
    assert add_costs(["€800", "$100"]) == "€800 + $100"  # two currencies
    assert add_costs(["€800", "€2,400", "$5", "$10"]) == "€3,200 + $15"
    assert add_costs(["€800", "two days' work"]) == "€800 + two days' work"
    assert add_costs(["2.400 €", "€800"]) == "2.400 € + €800"  # never guess a decimal comma
    assert add_costs(["800", "200"]) == "800 + 200"  # no currency, no sum
    assert add_costs([]) is None


def style(tag):
    return number_style(language(tag).locale)


def test_costs_add_up_in_the_portals_number_style():
    de, es = style("de"), style("es")
    assert add_costs(["2.400 €", "800 €"], de) == "3.200 €"
    assert add_costs(["800 €", "200 €"], de) == "1000 €"  # no input grouped, under 10.000
    assert add_costs(["9000 €", "2000 €"], de) == "11.000 €"
    assert add_costs(["1.200,50 €", "800 €"], de) == "2.000,50 €"
    assert add_costs(["2,5 €", "1 €"], de) == "3,50 €"
    assert add_costs(["2.400 €", "800 €"], es) == "3.200 €"
    assert add_costs(["1.200,50 €", "99,5 €"], es) == "1.300,00 €"
    assert add_costs(["2.400 €", "800 €"], style("de-AT")) == "3.200 €"


def test_a_space_grouped_locale_takes_any_space_and_keeps_the_one_written():
    ru, fr = style("ru"), style("fr")
    assert add_costs(["2 400 €", "800 €"], ru) == "3 200 €"
    assert add_costs(["2\u00a0400 €", "800 €"], ru) == "3\u00a0200 €"
    assert add_costs(["2\u202f400 €", "800 €"], fr) == "3\u202f200 €"
    assert add_costs(["2 400 €", "800 €"], fr) == "3 200 €"
    assert add_costs(["1 200,50 €", "800 €"], fr) == "2 000,50 €"
    # No input grouped: the locale's own group symbol (CLDR: ru NBSP, fr NARROW NBSP).
    assert add_costs(["9000 €", "2000 €"], ru) == "11\u00a0000 €"
    assert add_costs(["9000 €", "2000 €"], fr) == "11\u202f000 €"


def test_amounts_not_in_the_portals_style_are_kept_as_written():
    de, fr = style("de"), style("fr")
    assert add_costs(["€2,400", "800 €", "200 €"], de) == "€2,400 + 1000 €"
    assert add_costs(["€2,400", "€800"], de) == "€2,400 + €800"
    assert add_costs(["2.400,5 €", "1,234.50 €"], de) == "2.400,5 € + 1,234.50 €"
    assert add_costs(["2.400 €", "800 €"], fr) == "2.400 € + 800 €"
    assert add_costs(["2,400 €", "800 €"], fr) == "2,400 € + 800 €"
    # English never reads a decimal comma or a space as a group.
    en = style("en")
    assert add_costs(["1.200,50 €", "800 €"], en) == "1.200,50 € + 800 €"
    assert add_costs(["2 400 €", "800 €"], en) == "2 400 € + 800 €"
    assert add_costs(["€800", "€2,400"], en) == "€3,200"


def test_a_proposed_change_waits_on_the_clients_business_days():
    entry = LogEntry(D(2026, 11, 13), "client", "German version", Change("proposed", days=10))
    plan = Project(id="p", title="P", token="t" * 22, milestones=(step("a", "studio", D(2026, 12, 1)),),
                   log=(entry,), agreement=Agreement(terms={"response_days": {"studio": 1, "client": 2}}))
    [decision] = decisions_waiting(plan, D(2026, 11, 23), working_calendar("DE-SN"))
    assert (decision.waiting_days, decision.response_days, decision.overdue) == (5, 2, True)
    [plain] = project_state(plan, D(2026, 11, 23), PLAIN_CALENDARS).decisions
    assert plain.waiting_days == 6
    assert change_total(plan, "proposed").days == 10
    assert change_total(plan, "approved").days is None
