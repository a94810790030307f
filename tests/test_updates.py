"""The updates feed (p/<token>/updates.atom), read by feedparser as a feed
reader would: every paper trail entry and milestone done, newest first,
stable ids, in the portal's language, private like the page."""

from __future__ import annotations

import feedparser
import pytest

from helpers import EXAMPLE_TOKENS, new_site, text_of

pytestmark = pytest.mark.e2e

ACME = EXAMPLE_TOKENS["acme", "website-redesign"]
MUELLER = EXAMPLE_TOKENS["mueller", "online-shop"]


def parsed(site, token):
    feed = feedparser.parse((site.output / "p" / token / "updates.atom").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_every_trail_entry_and_milestone_done_newest_first(examples):
    feed = parsed(examples, ACME)
    page = examples.portal(ACME)
    trail = [text_of(li.select_one(".meta time")) for li in page.select("ol.trail li")]
    done = [m for m in page.select("table.schedule tbody tr") if "Done" in text_of(m)]
    assert len(feed.entries) == len(trail) + len(done)
    dates = [entry.published_parsed[:3] for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)
    titles = [entry.title for entry in feed.entries]
    assert any(title.startswith("Done: ") for title in titles)
    # Notices are in it too, labelled as the page labels them, their Markdown as HTML.
    assert any(title.startswith(("Warning: ", "Notice: ")) for title in titles)
    assert not any("<p><p>" in entry.content[0].value for entry in feed.entries)
    assert feed.feed.title == "Updates: Acme Corp · Website redesign"
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)
    assert all(entry.id.startswith("urn:uuid:") and ACME not in entry.id for entry in feed.entries)
    # The page links to it, and nothing else on the site does.
    assert page.select_one('link[rel=alternate][type="application/atom+xml"]')["href"] == "updates.atom"
    assert page.select_one('a[type="application/atom+xml"]')["href"] == "updates.atom"


def test_the_feed_speaks_the_portals_language(examples):
    feed = parsed(examples, MUELLER)
    assert feed.feed.title.startswith("Neuigkeiten: ") and feed.feed.language == "de"
    assert not any(entry.title.startswith("Done: ") for entry in feed.entries)


def test_client_text_is_escaped_a_locked_project_has_none_and_a_day_gives_the_same_bytes(tmp_path):
    site = new_site(tmp_path / "site", examples=False)
    site.write_client("acme", """\
name: Acme <b>Corp</b>
projects:
  - id: web
    title: Web & <script>alert(1)</script>
    token: UpdatesFeedTokenAbcdef
    agreement:
      template: short
    milestones:
      - {id: content, title: "Content <i>& more</i>", owner: client, due: 2026-11-06, done: 2026-11-05}
    log:
      - date: 2026-11-02
        by: studio
        text: "Kickoff: <script>alert(2)</script> and **bold**"
  - id: locked
    title: Locked
    token: LockedProjectTokenAbcd
    password_env: UPDATES_PW
    agreement:
      template: short
    milestones:
      - {id: one, title: One, owner: client, due: 2026-11-06, done: 2026-11-05}
""")
    (site.root / "content" / "agreements" / "short.md").write_text("Short.\n", "utf-8")
    assert site.build(env={"UPDATES_PW": "correct horse battery staple"}).returncode == 0
    # A feed reader cannot enter a password: a locked project has no feed, and no link to one.
    assert (site.output / "p" / "LockedProjectTokenAbcd" / "index.html").is_file()
    assert not (site.output / "p" / "LockedProjectTokenAbcd" / "updates.atom").exists()
    first = (site.output / "p" / "UpdatesFeedTokenAbcdef" / "updates.atom").read_bytes()
    assert b"<script>" not in first and b"&lt;script&gt;" in first or b"&amp;lt;script" in first
    feed = feedparser.parse(first)
    assert not feed.bozo
    titles = [entry.title for entry in feed.entries]
    assert titles[0].startswith("Notice: ")  # the studio's notice (the site's settings)
    assert titles[1:] == ["Done: Content <i>& more</i>", "Kickoff: <script>alert(2)</script> and **bold**"]
    assert "<strong>bold</strong>" in feed.entries[2].content[0].value
    assert "<script>" not in feed.entries[2].content[0].value
    assert site.build(env={"UPDATES_PW": "correct horse battery staple"}).returncode == 0
    assert (site.output / "p" / "UpdatesFeedTokenAbcdef" / "updates.atom").read_bytes() == first


def test_two_entries_alike_have_two_ids_and_a_local_feed_links_to_its_page(tmp_path):
    site = new_site(tmp_path / "site", examples=False)
    site.write_client("acme", """\
name: Acme
projects:
  - id: web
    title: Web
    token: TwinEntriesTokenAbcdef
    agreement: {template: short}
    milestones:
      - {id: a, title: A, owner: client, due: 2026-11-20}
    log:
      - {date: 2026-11-02, by: studio, text: Reminder sent.}
      - {date: 2026-11-02, by: studio, text: Reminder sent.}
""")
    (site.root / "content" / "agreements" / "short.md").write_text("Short.\n", "utf-8")
    assert site.build().returncode == 0
    feed = parsed(site, "TwinEntriesTokenAbcdef")
    reminders = [entry for entry in feed.entries if entry.title == "Reminder sent."]
    assert len(reminders) == 2 and reminders[0].id != reminders[1].id
    assert feed.feed.link == "./" and all(entry.link == "./" for entry in feed.entries)


def test_a_decision_is_news_in_the_feed(tmp_path):
    site = new_site(tmp_path / "site", examples=False)
    client = """\
name: Acme
projects:
  - id: web
    title: Web
    token: DecisionFeedTokenAbcde
    agreement: {template: short}
    milestones:
      - {id: a, title: A, owner: client, due: 2026-11-20}
    log:
      - date: 2026-11-02
        by: client
        text: A German version.
        change: {status: STATUS, days: 5}
"""
    (site.root / "content" / "agreements" / "short.md").write_text("Short.\n", "utf-8")
    site.write_client("acme", client.replace("STATUS", "proposed"))
    assert site.build().returncode == 0
    proposed = [e for e in parsed(site, "DecisionFeedTokenAbcde").entries if "German" in e.title]
    site.write_client("acme", client.replace("STATUS", "approved, decided: 2026-11-10"))
    assert site.build().returncode == 0
    approved = [e for e in parsed(site, "DecisionFeedTokenAbcde").entries if "German" in e.title]
    assert proposed[0].title == "A German version. (change request, proposed)"
    assert approved[0].title == "A German version. (change request, approved)"
    assert approved[0].id != proposed[0].id and approved[0].author == "Acme"
    assert approved[0].updated.startswith("2026-11-10T00:00:00")  # the decision day, local


def test_a_notices_title_is_one_sentence_of_the_portals_language(tmp_path):
    # French puts a no-break space before a colon, as the rest of its feed does.
    site = new_site(tmp_path / "site", examples=False)
    site.write_client("dupont", """\
name: Dupont
language: fr
projects:
  - id: web
    title: Web
    token: FrenchNoticeTokenAbcdef
    agreement: {template: short}
    milestones:
      - {id: a, title: A, owner: client, due: 2026-11-20, done: 2026-11-19}
""")
    (site.root / "content" / "agreements" / "short.md").write_text("Court.\n", "utf-8")
    assert site.build().returncode == 0
    titles = [entry.title for entry in parsed(site, "FrenchNoticeTokenAbcdef").entries]
    assert titles == ["Terminé\u00a0: A", "Avis\u00a0: We are closed from 24 December to 1 January; "
                      "answers resume on 4 January."]
