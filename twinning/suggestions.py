"""The one bridge between the database and the matching model.

Rows become :class:`ProfileRecord` (:mod:`twinning.model_records`), the index that each
process holds (:mod:`twinning.live_index`) answers, and results come back with their
profiles for the views, the API and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa

from twinning import index_version, stored_suggestions
from twinning.exchanges import states
from twinning.extensions import db
from twinning.learning import exchange_outcomes
from twinning.live_index import current, get_index, index_folder, vector_cache
from twinning.matching.encoder import VectorCache
from twinning.matching.evidence import Evidence, directed_sentences, find_evidence
from twinning.matching.index import CROSS
from twinning.matching.learn import LearningReport
from twinning.matching.records import Match, ProfileRecord, Tags
from twinning.model_records import record_from_profile, tagger
from twinning.models import Exchange, Profile
from twinning.reference import taxonomy


@dataclass(frozen=True)
class Suggestion:
    profile: Profile
    match: Match
    evidence: tuple[Evidence, ...] = ()


def existing_partners(profile: Profile) -> set[str]:
    """Slugs of the organisations ``profile`` has accepted an exchange with: they are its
    partners already, and never suggested to it again."""
    asked = sa.select(Profile.slug).join(Exchange, Exchange.partner_id == Profile.id).where(
        Exchange.requester_id == profile.id, Exchange.state.in_(states.PARTNERSHIP_STATES))
    asking = sa.select(Profile.slug).join(Exchange, Exchange.requester_id == Profile.id).where(
        Exchange.partner_id == profile.id, Exchange.state.in_(states.PARTNERSHIP_STATES))
    return set(db.session.scalars(sa.union(asked, asking)))


def match_between(requester: Profile, partner: Profile) -> dict[str, object]:
    """The match of two published profiles as each side reads it (reason codes, translated
    when shown): what an exchange request keeps to show both sides."""
    index = get_index()
    if requester.slug not in index or partner.slug not in index:
        return {}
    theirs = index.explain_pair(requester.slug, partner.slug)
    ours = index.explain_pair(partner.slug, requester.slug)
    return {"score": theirs.score,
            "requester": [reason.as_dict() for reason in theirs.reasons],
            "partner": [reason.as_dict() for reason in ours.reasons]}


def match_json(suggestion: Suggestion) -> dict[str, object]:
    """One suggestion as the CLI and the API give it."""
    profile = suggestion.profile
    return {
        "external_id": profile.external_id,
        "slug": profile.slug,
        "name": profile.name,
        "kind": profile.kind.value,
        "country": profile.country,
        "score": suggestion.match.score,
        "reasons": [reason.as_dict() for reason in suggestion.match.reasons],
        "evidence": [evidence.as_dict() for evidence in suggestion.evidence],
    }


def tags_json(tags: Tags) -> dict[str, list[str]]:
    order = {term.code: position for position, term in enumerate(taxonomy.terms())}
    return {name: sorted(getattr(tags, name), key=lambda code: order.get(code, 0))
            for name in ("sectors", "needs", "offers")}


def for_profile(profile: Profile, limit: int = 10, mode: str = CROSS,
                with_evidence: bool = False) -> list[Suggestion]:
    """Suggested partners for ``profile`` (published or not), best first; with the pairs
    of sentences that say why, when asked (a page or the API shows them). Asked again
    before anything that touches the index changed, the answer is remembered."""
    live = current()
    record = record_from_profile(profile)
    exclude = frozenset(existing_partners(profile))
    remembered = _remembered_answers((str(index_folder()), live.generation, live.version))
    question = (record, limit, mode, exclude, with_evidence)
    answer = remembered.get(question)
    if answer is None:
        matches = live.index.suggest(record, limit=limit, mode=mode, exclude=exclude)
        answer = remembered[question] = tuple(
            (match, tuple(evidence_between(record, live.index.entries[match.key].record))
             if with_evidence else ())
            for match in matches)
    # Only published partners, even from an index that has not yet heard of a rejection
    # or an archiving made through another process.
    found = {row.slug: row for row in db.session.scalars(
        sa.select(Profile).where(Profile.slug.in_([match.key for match, _ in answer]),
                                 Profile.is_published).options(*Profile.details_loaded()))}
    return [Suggestion(found[match.key], match, evidence)
            for match, evidence in answer if match.key in found]


# Answers of :func:`for_profile` kept per process for the index they came from (its folder,
# generation and version): a page asked for again and again is answered from memory until
# a profile changes. Dropped whole when the index moves on or when they pass this many.
MAX_REMEMBERED_ANSWERS = 4096
_answers: dict[tuple, dict[tuple, tuple]] = {}


def _remembered_answers(index_key: tuple) -> dict[tuple, tuple]:
    answers = _answers.get(index_key)
    if answers is None or len(answers) > MAX_REMEMBERED_ANSWERS:
        _answers.clear()
        answers = _answers[index_key] = {}
    return answers


# Sentence vectors evidence is sought with, per process: the kept ones of every indexed
# text (read from their file, so that a page encodes nothing the reindex encoded already:
# a profile page's first view took 2.5 s encoding its partners' sentences), and those of
# texts not indexed yet, encoded here; dropped past this many of those (about 100 MB).
MAX_REMEMBERED_SENTENCES = 100_000
_sentence_vectors: dict[str, VectorCache] = {}


def evidence_between(yours: ProfileRecord, theirs: ProfileRecord) -> list[Evidence]:
    """The one or two pairs of sentences that say best why ``theirs`` fits ``yours``."""
    kept = vector_cache()
    if kept is None:
        return []
    vectors = _sentence_vectors.get(str(kept.path))
    if vectors is None or vectors.encoded_count > MAX_REMEMBERED_SENTENCES:
        vectors = _sentence_vectors[str(kept.path)] = kept
    return find_evidence(_sentences_of(yours), _sentences_of(theirs), vectors)


@lru_cache(maxsize=4096)
def _sentences_of(record: ProfileRecord) -> tuple:
    """A profile's sentences with their directions and concepts, read once per version of
    its texts (a record is equal to another only when every field is)."""
    return tuple(directed_sentences(record, tagger()))


def inferred_tags(profile: Profile) -> Tags:
    """What the model reads from the profile's texts, whether or not it has codes."""
    record = record_from_profile(profile)
    entry = get_index().entries.get(record.key)
    if entry is not None and entry.record == record:
        return entry.inferred
    return tagger().read(record).tags




@dataclass(frozen=True)
class LearningSummary:
    """What the "how suggestions are made" page tells of the learning path."""

    accepted: int
    refused: int
    report: LearningReport | None


def learning_summary() -> LearningSummary:
    outcomes = exchange_outcomes()
    accepted = sum(outcome.accepted for outcome in outcomes)
    return LearningSummary(accepted, len(outcomes) - accepted, get_index().learning)




# ----- stored suggestions: pages that list many organisations read them in one query ------
STORED_PER_PROFILE = 10


def stored_for(profiles: list[Profile], per_profile: int) -> dict[int, list[Suggestion]]:
    """Each profile's best partners (at most ``per_profile``), read from the stored rows
    (:mod:`twinning.stored_suggestions`); a profile without fresh rows asks the index now
    and stores its answer for the next reader."""
    found = {profile_id: [Suggestion(partner, match) for partner, match in rows]
             for profile_id, rows in stored_suggestions.read(
                 [profile.id for profile in profiles], per_profile).items()}
    answers = {profile.id: for_profile(profile, limit=STORED_PER_PROFILE)
               for profile in profiles if not found[profile.id]}
    if answers:
        stored_suggestions.store({profile_id: [(item.profile, item.match) for item in answered]
                                  for profile_id, answered in answers.items()})
    for profile_id, answered in answers.items():
        found[profile_id] = answered[:per_profile]
    return found


def forget_pair(first: Profile, second: Profile) -> None:
    """Two organisations became partners: neither is suggested to the other any more. The
    change log hears of both, so that every process forgets the pages it remembered
    (:mod:`twinning.remembered`) and its answers of :func:`for_profile`."""
    index_version.record([first, second])
    stored_suggestions.forget_pair(first, second)  # commits both
