"""The history of a client file from its versions (pure: no git here; the
versions are loaded by the same loader as the file itself)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from courtside.history import Due, Edit, project_histories
from courtside.loader import client_from_text

D = dt.date


def version(*, due: str = "2026-11-06", owner: str = "client", done: str = "",
            status: str = "active", grace: int = 10, signed: str = "2026-10-01",
            title: str = "Content", extra: bool = True, token: str = "AcmeWebTokenAbcdefgh01") -> str:
    return f"""\
name: Acme
projects:
  - id: web
    title: Website
    token: {token}
    status: {status}
    agreement:
      signed: {signed}
      terms: {{grace_days: {{studio: 5, client: {grace}}}, deposit: 30%}}
    milestones:
      - {{id: content, title: {title}, owner: {owner}, due: {due}{", done: " + done if done else ""}}}
""" + ("      - {id: launch, title: Launch, owner: studio, due: 2026-12-18}\n" if extra else "")


def histories(*versions: tuple[dt.date, str]):
    loaded = []
    for day, text in versions:
        client, _, problems = client_from_text(text, Path("clients/acme.yaml"), "Europe/Berlin")
        assert client is not None, problems
        loaded.append((day, client))
    return project_histories(loaded)


def test_a_due_date_moved_twice_keeps_the_first_agreed_one():
    web = histories((D(2026, 10, 1), version()),
                    (D(2026, 10, 20), version(due="2026-11-13")),
                    (D(2026, 11, 2), version(due="2026-11-20 14:00")))["web"]
    content = web.milestones["content"]
    assert content.first_seen == D(2026, 10, 1) and content.first_due == Due(D(2026, 11, 6))
    assert content.moves == (
        Edit(D(2026, 10, 20), Due(D(2026, 11, 6)), Due(D(2026, 11, 13))),
        Edit(D(2026, 11, 2), Due(D(2026, 11, 13)), Due(D(2026, 11, 20), dt.time(14, 0))))
    assert not web.milestones["launch"].moved
    assert web.moves_since(D(2026, 10, 25)) == 1 and web.recent_moves(D(2026, 11, 15)) == 2 and web.recent_moves(D(2026, 11, 20)) == 1


def test_owner_done_and_removal_are_followed_by_id_through_a_rename():
    web = histories((D(2026, 10, 1), version()),
                    (D(2026, 10, 5), version(owner="studio", title="Texts")),
                    (D(2026, 10, 9), version(owner="studio", title="Texts", done="2026-10-08")),
                    (D(2026, 10, 12), version(owner="studio", title="Texts", done="2026-10-09")),
                    (D(2026, 10, 14), version(owner="studio", title="Texts")),
                    (D(2026, 10, 16), version(owner="studio", title="Texts", extra=False)))["web"]
    content = web.milestones["content"]
    assert content.title == "Texts" and content.first_seen == D(2026, 10, 1)
    assert content.owners == (Edit(D(2026, 10, 5), "client", "studio"),)
    # Set the first time is not news; changed, then taken back, is.
    assert content.done == (Edit(D(2026, 10, 12), D(2026, 10, 8), D(2026, 10, 9)),
                            Edit(D(2026, 10, 14), D(2026, 10, 9), None))
    assert web.milestones["launch"].removed == D(2026, 10, 16)
    assert content.removed is None


def test_a_removed_milestone_that_comes_back_is_on_the_schedule_again():
    web = histories((D(2026, 10, 1), version()), (D(2026, 10, 2), version(extra=False)),
                    (D(2026, 10, 3), version()))["web"]
    assert web.milestones["launch"].removed is None


def test_pausing_and_resuming_are_status_changes():
    web = histories((D(2026, 10, 1), version()), (D(2026, 10, 8), version(status="paused")),
                    (D(2026, 10, 30), version()), (D(2026, 11, 30), version(status="done")))["web"]
    assert web.statuses == (Edit(D(2026, 10, 8), "active", "paused"),
                            Edit(D(2026, 10, 30), "paused", "active"),
                            Edit(D(2026, 11, 30), "active", "done"))


def test_terms_changed_after_signing_are_history_and_so_is_the_signing_date():
    web = histories((D(2026, 9, 20), version(grace=20)),      # before signing: drafting
                    (D(2026, 10, 1), version(grace=15)),      # the day it was signed
                    (D(2026, 11, 17), version(grace=5)),      # after: a change
                    # dated anew in the same commit as a change: both are recorded
                    (D(2026, 11, 18), version(grace=3, signed="2026-11-18")))["web"]
    assert web.terms == ((("grace_days", "client"), Edit(D(2026, 11, 17), 15, 5)),
                         (("grace_days", "client"), Edit(D(2026, 11, 18), 5, 3)))
    assert web.signings == (Edit(D(2026, 11, 18), D(2026, 10, 1), D(2026, 11, 18)),)


def test_a_step_whose_id_changed_with_its_title_kept_is_followed():
    web = histories((D(2026, 10, 1), version()),
                    (D(2026, 10, 2), version().replace("id: content", "id: texts")),
                    (D(2026, 10, 3), version(due="2026-11-13").replace("id: content", "id: texts")))["web"]
    assert "content" not in web.milestones
    texts = web.milestones["texts"]
    assert texts.removed is None and texts.first_seen == D(2026, 10, 1)
    assert texts.moves == (Edit(D(2026, 10, 3), Due(D(2026, 11, 6)), Due(D(2026, 11, 13))),)


def test_a_file_that_became_another_clients_starts_afresh():
    other = version(due="2026-10-30", token="OtherClientTokenAbcdef01").replace("name: Acme", "name: Zeta")
    web = histories((D(2026, 10, 1), other), (D(2026, 10, 5), other.replace("2026-10-30", "2026-11-02")),
                    (D(2026, 10, 9), version()))["web"]
    content = web.milestones["content"]
    assert content.first_seen == D(2026, 10, 9) and content.moves == ()
    # A rename of the client alone, or a token rotated alone, is the same client.
    renamed = histories((D(2026, 10, 1), version()),
                        (D(2026, 10, 5), version(due="2026-11-13").replace("name: Acme", "name: Acme Corp")))["web"]
    assert renamed.milestones["content"].moved


def test_a_token_rotation_is_not_history():
    web = histories((D(2026, 10, 1), version()),
                    (D(2026, 10, 2), version(token="RotatedTokenAbcdefgh0123")))["web"]
    assert "RotatedToken" not in repr(web) and "AcmeWebToken" not in repr(web)
    assert all(not m.moves and not m.owners for m in web.milestones.values())


def test_a_project_added_later_starts_its_history_then():
    other = version().replace("id: web", "id: app").replace("AcmeWebToken", "AcmeAppToken")
    web = histories((D(2026, 10, 1), other), (D(2026, 10, 5), version()))["web"]
    assert web.milestones["content"].first_seen == D(2026, 10, 5)


def test_a_project_whose_id_changed_with_its_token_kept_keeps_its_history():
    histories_ = histories((D(2026, 10, 1), version()),
                           (D(2026, 10, 5), version(due="2026-11-13").replace("id: web", "id: website")))
    assert set(histories_) == {"website"}
    assert histories_["website"].milestones["content"].first_seen == D(2026, 10, 1)
    assert histories_["website"].milestones["content"].moved


def test_what_the_history_records_is_keyed_in_no_language_and_by_id():
    from courtside.filters import words_of
    from courtside.recorded import recorded_entries

    def keys(title: str, tag: str) -> list[str]:
        web = histories((D(2026, 10, 1), version(title=title)),
                        (D(2026, 10, 5), version(due="2026-11-13", title=title)))["web"]
        return [entry.key for entry in recorded_entries(web, words_of(tag), lambda party: party)]

    assert keys("Content", "en") == keys("Texts", "de") == ["moved/content/2026-10-05/2026-11-06/2026-11-13"]
