"""Why a partner is suggested: structured reasons the interface translates."""

from __future__ import annotations

from twinning.matching.compatibility import Compatibility
from twinning.matching.records import ProfileRecord, Reason, Tags

# A description this close in meaning or words is worth saying so when no sector is shared.
SIMILAR_ACTIVITY_THRESHOLD = 0.5


def explain(
    query: ProfileRecord,
    query_tags: Tags,
    candidate: ProfileRecord,
    candidate_tags: Tags,
    features: dict[str, float],
    compat: Compatibility,
) -> tuple[Reason, ...]:
    """Reasons for both sides, strongest kind first: complementarity, field, language."""
    reasons: list[Reason] = []
    they_offer = _in_order(query_tags.needs & candidate_tags.offers, compat, capability=True)
    if they_offer:
        reasons.append(Reason("they_offer_what_you_need", they_offer))
    you_offer = _in_order(query_tags.offers & candidate_tags.needs, compat, capability=True)
    if you_offer:
        reasons.append(Reason("you_offer_what_they_need", you_offer))
    same = _in_order(query_tags.sectors & candidate_tags.sectors, compat)
    if same:
        reasons.append(Reason("same_sector", same))
    else:
        related = _related_sectors(query_tags, candidate_tags, compat)
        if related:
            reasons.append(Reason("related_sector", related))
        elif max(features.get("meaning", 0.0), features.get("words", 0.0)) >= \
                SIMILAR_ACTIVITY_THRESHOLD:
            reasons.append(Reason("similar_activity"))
    shared = tuple(lang for lang in query.languages if lang in candidate.languages)
    if shared:
        reasons.append(Reason("shared_language", shared))
    elif query.languages and candidate.languages:
        reasons.append(Reason("interpreter_needed"))
    return tuple(reasons)


def _in_order(codes: frozenset[str], compat: Compatibility, capability: bool = False):
    if capability:
        return tuple(sorted(codes))
    return tuple(code for code in compat.sectors if code in codes)


def _related_sectors(query: Tags, candidate: Tags, compat: Compatibility) -> tuple[str, ...]:
    """The pair of related sectors (theirs, yours) with the strongest relation, if any."""
    best: tuple[float, str, str] | None = None
    for mine in query.sectors:
        for theirs in candidate.sectors:
            if mine not in compat.sectors or theirs not in compat.sectors:
                continue
            weight = float(compat.sector_matrix[compat.sectors.index(mine),
                                                compat.sectors.index(theirs)])
            if weight > 0 and (best is None or weight > best[0]):
                best = (weight, theirs, mine)
    return () if best is None else (best[1], best[2])
