"""The portal's rules on their own: pure functions of a project and a date."""

from __future__ import annotations

import datetime as dt

import pytest

from courtside.model import Agreement, Milestone, Project
from courtside.rules import (
    build_moment,
    business_days_between,
    current_step,
    due_state,
    local_today,
    project_state,
    since,
    slip,
    step_state,
)

D = dt.date
MON, TUE, WED, THU, FRI, SAT, SUN = (D(2026, 11, day) for day in range(16, 23))
NEXT_MON = D(2026, 11, 23)

TERMS = {
    "grace_days": {"studio": 5, "client": 10},
    "consequences": {"studio": "Studio pays.", "client": "Client waits."},
}


def step(title, owner="client", due=FRI, done=None, **kwargs):
    return Milestone(id=title.lower(), title=title, owner=owner, due=due, done=done, **kwargs)


def project(*milestones, status="active", start=None, signed=None, terms=TERMS):
    return Project(id="p", title="P", token="t" * 22, milestones=tuple(milestones),
                   status=status, start=start,
                   agreement=Agreement(signed=signed, terms=terms))


# --- business days -------------------------------------------------------------

@pytest.mark.parametrize("start, end, expected", [
    (MON, MON, 0),
    (MON, TUE, 1),
    (MON, FRI, 4),
    (FRI, SAT, 0),          # a weekend day is not a business day
    (FRI, SUN, 0),
    (FRI, NEXT_MON, 1),     # Friday to Monday is one business day
    (SAT, NEXT_MON, 1),
    (TUE, D(2026, 11, 24), 5),  # a whole week
    (D(2026, 11, 3), NEXT_MON, 14),  # Tue 3 Nov to Mon 23 Nov
    (NEXT_MON, FRI, -1),    # backwards is negative
    (D(2026, 1, 1), D(2026, 12, 31), 260),
])
def test_business_days_between(start, end, expected):
    assert business_days_between(start, end) == expected


def test_business_days_match_a_day_by_day_count():
    start = D(2026, 10, 1)
    for length in range(0, 40):
        end = start + dt.timedelta(days=length)
        by_hand = sum((start + dt.timedelta(days=i)).weekday() < 5 for i in range(1, length + 1))
        assert business_days_between(start, end) == by_hand


# --- today -----------------------------------------------------------------------

def test_build_moment_comes_from_source_date_epoch():
    assert build_moment({"SOURCE_DATE_EPOCH": "1795435200"}) == \
        dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)


def test_build_moment_without_epoch_is_now():
    before = dt.datetime.now(dt.UTC)
    assert before <= build_moment({}) <= dt.datetime.now(dt.UTC)


def test_today_is_taken_in_the_clients_time_zone():
    late_evening_utc = dt.datetime(2026, 11, 23, 23, 30, tzinfo=dt.UTC)
    assert local_today(late_evening_utc, "UTC") == D(2026, 11, 23)
    assert local_today(late_evening_utc, "Europe/Berlin") == D(2026, 11, 24)
    assert local_today(dt.datetime(2026, 11, 23, 3, tzinfo=dt.UTC),
                       "America/New_York") == D(2026, 11, 22)


# --- current step, ball, since -------------------------------------------------------

def test_first_step_waits_since_the_start():
    p = project(step("Brief", owner="client", due=FRI), start=MON, signed=D(2026, 11, 10))
    state = project_state(p, WED)
    assert state.current.title == "Brief"
    assert state.ball == "client"
    assert state.since == MON
    assert state.waiting_days == 2


def test_before_the_start_nothing_waits_yet():
    # Started on Mon 30 Nov, seen on Mon 23 Nov: the step is the client's,
    # but it waits from the start on, not a day before.
    p = project(step("Brief", due=D(2026, 12, 11)), start=D(2026, 11, 30), signed=MON)
    state = project_state(p, NEXT_MON)
    assert state.starts == D(2026, 11, 30) and state.waiting_days is None
    assert state.ball == "client" and state.due.kind == "on_time"
    # On the day itself it has waited no business day; a day later, one.
    on_the_day = project_state(p, D(2026, 11, 30))
    assert on_the_day.starts is None and on_the_day.waiting_days == 0
    assert project_state(p, D(2026, 12, 1)).waiting_days == 1
    # Waiting from the signing date, signed later than today: the same.
    assert project_state(project(step("Brief"), signed=FRI), WED).starts == FRI


def test_since_falls_back_to_the_signing_date_then_to_nothing():
    first = step("Brief")
    assert since(project(first, signed=TUE), first) == TUE
    assert since(project(first), first) is None
    state = project_state(project(first), WED)
    assert state.since is None and state.waiting_days is None
    assert state.ball == "client"


def test_since_is_the_latest_done_before_the_current_step():
    # Steps can be finished out of order; the hand-off is the latest finish.
    a = step("A", owner="studio", due=MON, done=WED)
    b = step("B", owner="studio", due=TUE, done=TUE)
    c = step("C", owner="client", due=NEXT_MON)
    p = project(a, b, c, start=D(2026, 11, 2))
    assert current_step(p) is c
    assert since(p, c) == WED
    assert project_state(p, NEXT_MON).waiting_days == 3  # Thu, Fri, Mon


def test_current_step_is_the_first_not_done_in_listed_order():
    a = step("A", done=MON)
    b = step("B")
    c = step("C", done=TUE)  # done early, but B still holds the ball
    assert current_step(project(a, b, c)) is b


def test_a_project_with_every_step_done_is_complete():
    p = project(step("A", done=MON), step("B", done=TUE))
    state = project_state(p, NEXT_MON)
    assert state.phase == "complete"
    assert state.ball is None and state.current is None and state.due is None


def test_a_project_marked_done_is_complete_even_with_open_steps():
    assert project_state(project(step("A"), status="done"), NEXT_MON).phase == "complete"


def test_a_paused_project_has_no_ball_in_court():
    state = project_state(project(step("A", due=MON), status="paused"), NEXT_MON)
    assert state.phase == "paused"
    assert state.ball is None and state.due is None
    assert state.current.title == "A"


def states(p):
    state = project_state(p, NEXT_MON)
    return [step_state(m, state) for m in p.milestones]


def test_each_step_is_done_current_or_upcoming():
    steps = step("A", done=MON), step("B", due=MON), step("C"), step("D", done=TUE)
    assert states(project(*steps)) == ["done", "current", "upcoming", "done"]
    # A paused project keeps its current step and what comes after it.
    assert states(project(*steps, status="paused")) == ["done", "current", "upcoming", "done"]


def test_steps_left_open_in_a_project_marked_done_are_unfinished():
    # Neither current nor upcoming (nor late): nothing is still coming.
    p = project(step("A", done=MON), step("B", due=MON), step("C", due=D(2026, 12, 4)),
                status="done")
    assert states(p) == ["done", "unfinished", "unfinished"]
    assert states(project(step("A", done=MON), step("B", done=TUE), status="done")) == ["done", "done"]


# --- due state ----------------------------------------------------------------------

@pytest.mark.parametrize("today, kind, days", [
    (MON, "on_time", 4),
    (TUE, "on_time", 3),
    (WED, "due_soon", 2),
    (THU, "due_soon", 1),
    (FRI, "due_soon", 0),   # due today
    (SAT, "due_soon", 0),   # the weekend after a Friday deadline is not late yet
    (NEXT_MON, "overdue", 1),
])
def test_due_state_against_a_friday_deadline(today, kind, days):
    state = due_state(step("A", due=FRI), today, TERMS["grace_days"], TERMS["consequences"])
    assert (state.kind, state.business_days) == (kind, days)
    assert not state.past_grace and state.consequence is None


def test_overdue_within_grace_shows_no_consequence():
    # Due Fri 6 Nov; on Fri 20 Nov the client is 10 business days late: at the limit.
    state = due_state(step("A", due=D(2026, 11, 6)), D(2026, 11, 20),
                      TERMS["grace_days"], TERMS["consequences"])
    assert (state.kind, state.business_days, state.grace_days) == ("overdue", 10, 10)
    assert not state.past_grace and state.consequence is None


@pytest.mark.parametrize("today, left", [
    (D(2026, 11, 5), None),   # not due yet: nothing of the grace period is used
    (D(2026, 11, 6), None),   # due today
    (D(2026, 11, 9), 9),      # one business day late (Mon after a Friday deadline)
    (D(2026, 11, 19), 1),
    (D(2026, 11, 20), 0),     # the grace period's last business day
    (NEXT_MON, None),         # past it
])
def test_what_is_left_of_the_grace_period(today, left):
    state = due_state(step("A", due=D(2026, 11, 6)), today, TERMS["grace_days"], TERMS["consequences"])
    assert state.grace_left == left
    assert due_state(step("A", due=D(2026, 11, 6)), today, {}, {}).grace_left is None


def test_past_grace_shows_the_owners_agreed_consequence():
    state = due_state(step("A", due=D(2026, 11, 6)), NEXT_MON,
                      TERMS["grace_days"], TERMS["consequences"])
    assert (state.kind, state.business_days) == ("overdue", 11)
    assert state.past_grace and state.consequence == "Client waits."
    studio = due_state(step("B", owner="studio", due=D(2026, 11, 13)), NEXT_MON,
                       TERMS["grace_days"], TERMS["consequences"])
    assert studio.business_days == 6 and studio.consequence == "Studio pays."


def test_without_a_grace_period_nothing_is_past_grace():
    state = due_state(step("A", due=D(2026, 1, 5)), NEXT_MON, {}, {})
    assert state.kind == "overdue" and state.grace_days is None
    assert not state.past_grace and state.consequence is None


def test_a_timed_milestone_is_due_on_its_date():
    timed = step("Call", due=WED, due_time=dt.time(14, 0))
    assert due_state(timed, WED, {}, {}).kind == "due_soon"
    assert due_state(timed, THU, {}, {}).kind == "overdue"


# --- slip ---------------------------------------------------------------------------

@pytest.mark.parametrize("due, done, kind, days", [
    (FRI, FRI, "on_time", 0),
    (FRI, D(2026, 11, 24), "late", 2),     # finished late, the following Tuesday
    (FRI, SAT, "on_time", 0),              # weekend work before Monday is on time
    (FRI, WED, "early", 2),
    (D(2026, 10, 30), D(2026, 11, 3), "late", 2),
])
def test_slip_of_a_finished_milestone(due, done, kind, days):
    result = slip(step("A", due=due, done=done))
    assert (result.kind, result.business_days) == (kind, days)


def test_open_milestones_have_no_slip():
    assert slip(step("A")) is None
    p = project(step("A", due=MON, done=WED), step("B"))
    assert set(project_state(p, NEXT_MON).slips) == {"a"}
