"""The updates feed's entries are written by Courtside itself for speed:
character for character what feedgenerator, which writes the rest of the
feed (and Pelican's own feeds), writes for the same values."""

from __future__ import annotations

import datetime as dt

from feedgenerator import Atom1Feed
from feedgenerator.django.utils.encoding import iri_to_uri
from hypothesis import given, settings
from hypothesis import strategies as st

from courtside.updates import atom_entry

#: Text XML 1.0 may carry (a client file with anything else is refused at its line).
XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=[
    chr(code) for code in range(0x20) if chr(code) not in "\t\n\r"]), max_size=60)
#: Text where escaping happens: markup, quotes and the non-ASCII a link gets encoded.
MARKED = st.text(st.sampled_from(list("ab <>&\"'\n\tü€/:?#%")), max_size=30)
ZONES = st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=1)),
                         dt.timezone(dt.timedelta(hours=-9, minutes=-30))])


@settings(max_examples=1000, deadline=None)
@given(title=st.one_of(XML_TEXT, MARKED), content=st.one_of(XML_TEXT, MARKED),
       link=st.one_of(st.just("./"), MARKED.map(lambda text: "https://portals.example/p/" + text)),
       author=st.one_of(st.none(), XML_TEXT, MARKED), unique_id=st.one_of(XML_TEXT, MARKED),
       published=st.dates(), days=st.integers(0, 400), zone=ZONES)
def test_an_entry_is_written_as_feedgenerator_writes_it(title, content, link, author, unique_id,
                                                        published, days, zone):
    moment = dt.datetime.combine(published, dt.time(0), tzinfo=zone)
    updated = moment + dt.timedelta(days=days) if published.year < 9000 else moment

    def feed() -> Atom1Feed:
        made = Atom1Feed(title="Updates", link=link, description="")
        made.latest_post_date = lambda: moment
        return made

    theirs = feed()
    theirs.add_item(title=title, link=link, description="", content=content, unique_id=unique_id,
                    author_name=author, pubdate=moment, updateddate=updated)
    empty = feed().writeString("utf-8")
    ours = atom_entry(title=title, link=iri_to_uri(link), content=content, unique_id=unique_id,
                      author_name=author, published=moment, updated=updated)
    assert theirs.writeString("utf-8") == empty.removesuffix("</feed>") + ours + "</feed>"
