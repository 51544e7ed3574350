"""What an index keeps of each profile besides its rows: the record, its codes and the
words of its document, so that a rebuild need not read an unchanged profile again.

Indexes saved before this module existed name ``twinning.matching.index.Entry``, which
still unpickles: index.py imports it."""

from __future__ import annotations

from dataclasses import dataclass

from twinning.matching.records import ProfileRecord, Tags
from twinning.matching.tagger import Reading

CONCEPT_REPEAT = 2  # concepts weigh twice a stem in the TF-IDF


@dataclass
class Entry:
    record: ProfileRecord
    tags: Tags  # what the model uses: given codes and what the text says
    inferred: Tags  # what the text alone says
    # The record's document for the TF-IDF (concepts and stems), so that a rebuild need not
    # read an unchanged record again (None in indexes saved before it was kept).
    words: tuple[str, ...] | None = None


def entry_of(record: ProfileRecord, reading: Reading) -> Entry:
    read = reading.tags
    effective = Tags(
        sectors=frozenset(record.sectors) | read.sectors,
        needs=frozenset(record.needs) | read.needs,
        offers=frozenset(record.offers) | read.offers,
    )
    words = (f"c:{code}" for code in reading.concepts)
    return Entry(record, effective, read,
                 (*words,) * CONCEPT_REPEAT + reading.stems)


class SharedSets:
    """One object for each distinct set of codes among a build's entries. Sets are few
    (most profiles have one to three codes of each kind, or none) and each frozenset
    object takes at least 216 bytes: at 100,000 profiles, six apiece were 130 MB of the
    index in memory, and as many objects for pickle to remember while saving it."""

    def __init__(self) -> None:
        self._sets: dict[frozenset[str], frozenset[str]] = {}

    def share(self, entry: Entry) -> Entry:
        entry.tags, entry.inferred = self._tags(entry.tags), self._tags(entry.inferred)
        return entry

    def _tags(self, tags: Tags) -> Tags:
        shared = self._sets.setdefault
        return Tags(shared(tags.sectors, tags.sectors), shared(tags.needs, tags.needs),
                    shared(tags.offers, tags.offers))
