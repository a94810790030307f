"""Markdown from client files: the quick path for plain lines gives exactly
what markdown-it gives, and markup is rendered safely."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from courtside.markup import _renderer, is_plain, render_markdown

ALPHABET = st.sampled_from(list("abcXYZ019 ,;:?!./%€-_'\"()*&<>#[]`~+|\\=") + ["ü", "ß", "é", "Ω", "İ", "ǅ", "٣", "²"])


@settings(max_examples=3000, deadline=None)
@given(st.text(ALPHABET, min_size=1, max_size=30))
def test_the_quick_path_gives_what_markdown_it_gives(text):
    if is_plain(text):
        assert _renderer().render(text, {"heading_offset": 0}) == f"<p>{text}</p>\n"
        assert render_markdown(text) == f"<p>{text}</p>\n"
        # As a YAML block scalar gives it, with a final line break.
        assert _renderer().render(text + "\n", {"heading_offset": 0}) == render_markdown(text + "\n")


@settings(max_examples=500, deadline=None)
@given(st.from_regex(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9 ,;:?!./%€-]{0,40}[A-Za-z.!?]", fullmatch=True))
def test_ordinary_sentences_take_the_quick_path_correctly(text):
    if is_plain(text):
        assert _renderer().render(text, {"heading_offset": 0}) == f"<p>{text}</p>\n"


def test_common_notes_are_plain_and_markup_is_not():
    assert is_plain("Agenda sent by email the day before.")
    assert is_plain("Stripe and PayPal; the test account is already set up.")
    for marked in ("**bold**", "1. first", "# title", "a <b> c", "x -- y", "it's", "(c) 2026",
                   "[link](https://x.example)", "line\nbreak", " leading", "trailing "):
        assert not is_plain(marked), marked
