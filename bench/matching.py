"""Speed and memory of the matching index on synthetic corpora (prints figures, asserts nothing).

    python bench/matching.py                    # 1k, 10k and 100k profiles
    python bench/matching.py --sizes 1000 10000

Each size runs in a fresh process so that its peak memory is its own. The index is built
"from kept vectors": every sentence's vector is already in the vector cache, as after the
first build, so the figure is the rebuild cost. First-time encoding is measured apart, on a
sample, as profiles per second. Targets on a 2-core machine: 100k build ≤ 120 s and ≤ 2 GB
peak, query p95 ≤ 50 ms, update ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from twinning.matching.encoder import UniversalSentenceEncoder, VectorCache, text_key  # noqa: E402
from twinning.matching.index import MatchIndex  # noqa: E402
from twinning.matching.records import ProfileRecord, Term  # noqa: E402
from twinning.matching.text import sentences  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
QUERIES = 200
UPDATES = 50
ENCODING_SAMPLE = 200
LANGUAGES = ("ar", "fr", "en", "es")
TOWNS = ("Oujda", "Nador", "Berkane", "Taourirt", "Jerada", "Figuig", "Driouch", "Guercif",
         "Lyon", "Almería", "Gent", "Utrecht", "Bologna", "Köln", "Faro", "Montpellier")
# Sentence frames per language: {org} {sector} {need} {offer} {town} {number} {year}.
FRAMES = {
    "fr": ("Notre structure de {town} travaille dans {sector} depuis {year}.",
           "Nous cherchons un appui en {need} pour nos {number} membres.",
           "Nous proposons {offer} à des partenaires de l'autre rive.",
           "L'an dernier, {number} personnes ont suivi nos activités à {town}."),
    "en": ("Our organisation in {town} has worked in {sector} since {year}.",
           "We are looking for help with {need} for our {number} members.",
           "We offer {offer} to partners across the Mediterranean.",
           "Last year {number} people took part in our work in {town}."),
    "es": ("Nuestra entidad de {town} trabaja en {sector} desde {year}.",
           "Buscamos apoyo en {need} para nuestros {number} socios.",
           "Ofrecemos {offer} a socios de la otra orilla.",
           "El año pasado {number} personas participaron en {town}."),
    "ar": ("تعمل جمعيتنا في {town} في مجال {sector} منذ سنة {year}.",
           "نبحث عن دعم في {need} لفائدة {number} منخرطا.",
           "نقدم {offer} لشركائنا في الضفة الأخرى.",
           "شارك {number} شخصا في أنشطتنا بمدينة {town} السنة الماضية."),
}
KINDS = ("cooperative", "association", "federation", "local_authority", "fair_trade",
         "research_training")


def load_terms() -> list[Term]:
    raw = json.loads((ROOT / "twinning" / "data" / "taxonomy.json").read_text("utf-8"))
    return [Term(t["code"], t["kind"], t["labels"], t["synonyms"]) for t in raw["terms"]]


def synthetic_records(count: int, terms: list[Term], seed: int = 0) -> list[ProfileRecord]:
    """Profiles in four languages, half of them text-only, with unique details."""
    rng = random.Random(seed)
    sectors = [term for term in terms if term.kind == "sector"]
    capabilities = [term for term in terms if term.kind == "capability"]
    records = []
    for number in range(count):
        lang = LANGUAGES[number % 4]
        sector, need, offer = rng.choice(sectors), rng.choice(capabilities), \
            rng.choice(capabilities)
        values = {"town": rng.choice(TOWNS), "sector": sector.labels[lang].lower(),
                  "need": need.labels[lang].lower(), "offer": offer.labels[lang].lower(),
                  "number": rng.randint(5, 5000), "year": rng.randint(1960, 2024)}
        text = " ".join(frame.format(**values) for frame in FRAMES[lang])
        coded = number % 2 == 0
        records.append(ProfileRecord(
            key=f"p{number}", name=f"Organisation {number}", kind=rng.choice(KINDS),
            country="MA" if number % 3 else rng.choice(("FR", "ES", "BE", "NL", "IT", "DE")),
            languages=(lang, rng.choice(LANGUAGES)),
            sectors=(sector.code,) if coded else (), needs=(need.code,) if coded else (),
            offers=(offer.code,) if coded else (),
            description=text, description_lang=lang,
        ))
    return records


def kept_vectors(records: list[ProfileRecord], encoder) -> VectorCache:
    """A cache already holding a vector for every sentence (random unit vectors)."""
    cache = VectorCache(encoder)
    keys = sorted({text_key(sentence) for record in records
                   for sentence in sentences(record.description)})
    rng = np.random.default_rng(0)
    for start in range(0, len(keys), 50_000):
        block = rng.standard_normal((len(keys[start:start + 50_000]), encoder.dimension))
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        cache.add(keys[start:start + 50_000], block.astype(np.float32))
    return cache


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(size: int) -> dict[str, float]:
    terms = load_terms()
    records = synthetic_records(size, terms)
    encoder = UniversalSentenceEncoder()
    cache = kept_vectors(records, encoder)
    started = time.perf_counter()
    index = MatchIndex.build(records, terms, encoder=encoder, cache=cache)
    build = time.perf_counter() - started
    assert cache.encoded_count == 0, "the build re-encoded kept text"

    rng = random.Random(1)
    latencies = []
    for key in rng.sample([record.key for record in records], min(QUERIES, size)):
        started = time.perf_counter()
        index.suggest(key, limit=10)
        latencies.append((time.perf_counter() - started) * 1000)

    updates = []
    for number, record in enumerate(rng.sample(records, UPDATES)):
        changed = dataclasses.replace(
            record, description=record.description + f" Mise à jour {number}.")
        started = time.perf_counter()
        index.upsert(changed, cache)
        updates.append((time.perf_counter() - started) * 1000)
    return {
        "profiles": size,
        "build_s": round(build, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "query_p50_ms": round(statistics.median(latencies), 1),
        "query_p95_ms": round(percentile(latencies, 0.95), 1),
        "update_p50_ms": round(statistics.median(updates), 1),
        "update_p95_ms": round(percentile(updates, 0.95), 1),
    }


def encoding_throughput() -> float:
    """First-time encoding, profiles per second (the model is loaded before timing)."""
    records = synthetic_records(ENCODING_SAMPLE, load_terms(), seed=2)
    encoder = UniversalSentenceEncoder()
    encoder.encode(["warm up"])
    cache = VectorCache(encoder)
    started = time.perf_counter()
    for record in records:
        cache.vectors(sentences(record.description))
    return ENCODING_SAMPLE / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(measure(arguments.one)))
        return
    print(f"first-time encoding: {encoding_throughput():.0f} profiles/s "
          f"(multilingual USE, {ENCODING_SAMPLE} profiles, one sentence at a time per profile)")
    header = ("profiles", "build_s", "peak_mb", "query_p50_ms", "query_p95_ms",
              "update_p50_ms", "update_p95_ms", "build_s_per_1k")
    print("  ".join(f"{name:>14}" for name in header))
    for size in arguments.sizes:
        output = subprocess.run([sys.executable, __file__, "--one", str(size)],
                                capture_output=True, text=True, check=True).stdout
        row = json.loads(output.strip().splitlines()[-1])
        row["build_s_per_1k"] = round(row["build_s"] / size * 1000, 3)
        print("  ".join(f"{row[name]:>14}" for name in header), flush=True)


if __name__ == "__main__":
    main()
