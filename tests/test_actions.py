"""The portal's mail links, in-process: every character of a name or a title
arrives in the mail exactly as written, in the portal's language."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from courtside.actions import decision_mail, mailto, step_mail
from courtside.filters import words_of
from courtside.model import Change, LogEntry, Milestone

TRICKY = 'He said "hi" & \'bye\' ? #1 100% + <script>alert(1)</script> Привет 東京 ☕'


def parts(url: str) -> tuple[str, str, str]:
    """``(address, subject, body)`` of a ``mailto:`` URL, as a mail program
    reads it (RFC 6068: ``+`` is a plus, not a space)."""
    split = urlsplit(url)
    assert split.scheme == "mailto"
    fields = dict(field.split("=", 1) for field in split.query.split("&"))
    assert set(fields) == {"subject", "body"}
    return unquote(split.path), unquote(fields["subject"]), unquote(fields["body"])


def assert_encoded(url: str) -> None:
    """Nothing a mail program or an HTML attribute could misread survives raw."""
    query = url.split("?", 1)[1]
    assert url.count("?") == 1 and query.count("&") == 1
    for raw in (" ", "+", "\n", "\r", '"', "'", "<", ">", "#", "\u2028"):
        assert raw not in url, raw
    assert all(ord(c) < 128 for c in url)
    # Every % starts an escape: a literal one was encoded as %25.
    assert all(query[i + 1: i + 3].isalnum() for i, c in enumerate(query) if c == "%")


def test_mailto_encodes_every_character_and_keeps_it_exactly():
    body = f"First line {TRICKY}\nsecond\r\nthird\rfourth\n\n"
    url = mailto("hello@studio.example", TRICKY + "\nmore", body)
    assert_encoded(url)
    assert "%20" in url and "%0D%0A" in url
    address, subject, decoded = parts(url)
    assert address == "hello@studio.example"
    assert subject == TRICKY + " more"  # a subject is one line
    assert decoded == f"First line {TRICKY}\r\nsecond\r\nthird\r\nfourth\r\n\r\n"


def test_an_odd_address_cannot_add_fields():
    url = mailto("a?b&c#d@studio.example", "s", "b")
    assert_encoded(url)
    assert parts(url)[0] == "a?b&c#d@studio.example"


STEP = Milestone(id="content", title='Texte "final" & <b>Bilder</b>\nneu', owner="client",
                 due=dt.date(2026, 11, 27))


def test_the_reply_about_a_clients_step_in_german():
    url = step_mail("hello@studio.example", "Nord & Wind", 'Shop "Brötchen"', STEP, words_of("de"))
    assert_encoded(url)
    _, subject, body = parts(url)
    assert subject == 'Zum Schritt „Texte "final" & <b>Bilder</b> neu“ im Projekt „Shop "Brötchen"“'
    assert body == ("Hallo Nord & Wind,\r\n\r\nzum Schritt „Texte \"final\" & <b>Bilder</b> neu“ "
                    "im Projekt „Shop \"Brötchen\"“, fällig am Fr., 27. Nov. 2026:\r\n\r\n")


def test_a_question_about_the_studios_step():
    step = Milestone(id="design", title="Дизайн #2", owner="studio", due=dt.date(2026, 11, 27))
    _, subject, body = parts(step_mail("s@x.example", "Studio", "Сайт", step, words_of("en")))
    assert subject == "Question about the step “Дизайн #2” of “Сайт”"
    assert body == ("Hello Studio,\r\n\r\nA question about the step “Дизайн #2” of “Сайт”, due "
                    "Fri 27 Nov 2026:\r\n\r\n")


ENTRY = LogEntry(date=dt.date(2026, 11, 20), by="studio", text="Gift cards & \"vouchers\"\nfor <all>",
                 change=Change("proposed", days=3, cost='€1,200 "net" &\u2028more'))


@pytest.mark.parametrize(("approve", "word", "status"),
                         [(True, "approve", "approved"), (False, "decline", "declined")])
def test_a_decision_states_the_change_and_the_line_to_paste(approve, word, status):
    url = decision_mail("s@x.example", "Studio", "Shop", ENTRY, words_of("en"), approve=approve)
    assert_encoded(url)
    _, subject, body = parts(url)
    assert subject == f"Change request {status}: “Gift cards & \"vouchers\" for <all>”, “Shop”"
    lines = body.split("\r\n")
    assert lines[:5] == [
        "Hello Studio,", "",
        f"We {word} the change request “Gift cards & \"vouchers\" for <all>” for “Shop”, proposed "
        "on Fri 20 Nov 2026: +3 business days, €1,200 \"net\" &\u2028more.", "",
        "For the project file, the change line of the entry of 2026-11-20:"]
    # The last line is the entry's change as YAML, with the decision.
    assert yaml.safe_load(lines[5]) == {"change": {"status": status, "days": 3,
                                                   "cost": '€1,200 "net" &\u2028more'}}


def test_a_decision_without_time_or_cost_says_so_in_russian():
    entry = LogEntry(date=dt.date(2026, 11, 20), by="client", text="Касса", change=Change("proposed"))
    _, subject, body = parts(decision_mail("s@x.example", "Студия", "Магазин", entry, words_of("ru"),
                                           approve=False))
    assert subject == "Запрос на изменение отклонён: «Касса», «Магазин»"
    assert "Мы отклоняем запрос на изменение «Касса» по проекту «Магазин»" in body
    assert body.endswith("\r\nchange: {status: declined}\r\n")


def test_a_long_non_latin_change_still_fits_a_mail_programs_limit():
    # Each Cyrillic letter takes six characters encoded; mail programs cut near 2,000.
    text = "Хотим добавить на сайт раздел вакансий с формой отклика и фильтром по городам. " * 4
    entry = LogEntry(dt.date(2026, 11, 16), "studio", text,
                     Change("proposed", days=10, cost="240 000 ₽"))
    for approve in (True, False):
        url = decision_mail("studio@example.com", "Студия «Север»", "Новый корпоративный сайт",
                            entry, words_of("ru"), approve=approve)
        assert len(url) <= 2000
        body = unquote(urlsplit(url).query.split("&body=")[1])
        assert "240 000 ₽" in body and "change: {status:" in body  # shortened names, whole facts


def test_a_french_subject_keeps_its_no_break_spaces_inside_the_quotes():
    step = Milestone("textes", "Textes", "client", dt.date(2026, 11, 20))
    url = step_mail("studio@example.com", "Studio", "Site", step, words_of("fr"))
    subject = unquote(urlsplit(url).query.split("&body=")[0].removeprefix("subject="))
    assert "«\u00a0Textes\u00a0»" in subject and "\n" not in subject
