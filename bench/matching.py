"""Speed and memory of the matching index and of the commands that build it (prints figures,
asserts nothing).

    python bench/matching.py                    # commands at 10k and 100k; index at 1k, 10k, 100k
    python bench/matching.py --sizes 1000 10000 --command-sizes 10000
    python bench/matching.py --sizes --command-sizes 100000 --backends sqlite postgresql

The commands, end to end: ``flask twinning reindex`` and ``flask twinning import`` run in a
subprocess as a user runs them (a new process that loads the app), against a database this
bench prepares (bench/search.py's corpus written in bulk, every sentence's vector already
kept). Each prints wall-clock seconds, CPU seconds (user + system, which a busy machine
does not inflate) and peak memory (``ru_maxrss`` of that subprocess, from ``os.wait4``).
Reindex runs three times: first (search fields empty, every text read), unchanged
(nothing to read again) and edited (one profile in ``EDITED_SHARE`` changed).

Figures on the project's 2-core machine, 10,000 profiles, SQLite, measured while the
machine ran other work (load average 13 to 20, so the wall-clock figures are several times
what a quiet machine gives; CPU seconds are the comparable ones):

    before (6ebfce1)     reindex first 109.5 s (load about 6), unchanged 419.8 s,
                         edited 298.7 s, wall clock; 506, 500 and 579 MB.
                         Every run read every text twice.
                         import of the 10k profiles: 3,031.9 s wall, 713 MB
    after                reindex first: 45.7 CPU s (user), 470 MB
                         reindex unchanged: 9.9 CPU s (about 3.5 of them loading the
                         app), 60.5 s wall, 323 MB
                         reindex edited (100 profiles): 13.4 CPU s, 72.2 s wall, 489 MB

100,000 profiles, SQLite, the reindexes alone (``measure_commands`` without its import),
on a quiet machine of the same kind, wall clock and peak memory:

    2026-12-07    first 182.5 s, 2,171 MB; unchanged 31.0 s, 1,584 MB; edited (1%)
                  30.0 s, 1,963 MB. The unchanged one held the previous index (+1,020 MB,
                  600 MB of it sentence meanings) and pickle's memo while saving (+190 MB);
                  the edited one loaded the whole vector file too
    2026-12-08    (a slower machine: the same code took 261 s, 38.6 s and 53.7 s) the
                  vector file read row by row and the meanings taken over in place; the
                  phrase matcher looking up only windows that start a phrase; one record
                  and one set of codes per distinct value in the index: first 162.8 s,
                  1,422 MB; unchanged 39.9 s, 1,237 MB; edited 42.0 s, 1,343 MB
    target        60 s and 1.5 GB (met by the unchanged and the edited reindex)

The index alone is built "from kept vectors": every sentence's vector is already in the
vector cache, as after the first build, so the figure is the rebuild cost. First-time
encoding is measured apart, on a sample, as profiles per second. Each size runs in a fresh
process so that its peak memory is its own. Targets on a 2-core machine: 100k build
≤ 120 s and ≤ 2 GB peak, query p95 ≤ 50 ms, update ≤ 200 ms; ``flask twinning reindex``
≤ 60 s and ≤ 1.5 GB at 100k.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
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
COMMAND_SIZES = (10_000, 100_000)
EDITED_SHARE = 100  # one profile in this many is edited before the third reindex
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


def _flask(arguments: list[str], env: dict[str, str], log: Path) -> dict[str, float]:
    """Run ``flask twinning …`` as a user does (a new process): its wall-clock seconds,
    CPU seconds (what a busy machine does not inflate) and peak memory in MB."""
    started = time.perf_counter()
    with log.open("ab") as output:
        process = subprocess.Popen([str(Path(sys.executable).parent / "flask"), *arguments],
                                   cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                   stdout=output, stderr=output)
        _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"flask {' '.join(arguments)} failed:\n{log.read_text()[-3000:]}")
    return {"s": round(elapsed, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_mb": round(usage.ru_maxrss / 1024)}


def _command_env(database_url: str, folder: Path) -> dict[str, str]:
    return {**os.environ, "FLASK_APP": "wsgi.py", "TWINNING_DATABASE_URL": database_url,
            "TWINNING_INSTANCE_PATH": str(folder / "instance"),
            "TWINNING_SECRET_KEY": "bench",
            "TWINNING_MATCHING_INDEX_FOLDER": str(folder / "matching"),
            "TWINNING_MAIL_OUTBOX_FOLDER": str(folder / "outbox")}


def _interchange_line(item) -> str:
    record = item.record
    return json.dumps({
        "external_id": record.external_id, "name": record.name, "kind": record.kind,
        "country": record.country, "region": item.region, "province": item.province,
        "city": item.city, "languages": list(record.languages),
        "sectors": list(record.sectors), "needs": list(record.needs),
        "offers": list(record.offers), "description": record.description,
        "description_lang": record.description_lang, "status": "published",
    }, ensure_ascii=False)


def measure_commands(size: int, backend: str, postgres_url: str) -> dict[str, object]:
    """``flask twinning reindex`` and ``flask twinning import`` in a subprocess against a
    database this bench prepares: ``size`` profiles written in bulk (bench/search.py's
    corpus) with empty search fields, and every sentence's vector already kept. The first
    reindex fills the search fields and reads every text; the second finds nothing
    changed; the third follows an edit of one profile in ``EDITED_SHARE``. The import
    loads the same profiles from a JSONL file into an empty database."""
    sys.path.insert(0, str(ROOT / "bench"))
    import search  # bench/search.py: its corpus, its bulk writer, its PostgreSQL schemas
    import sqlalchemy as sa

    folder = Path(tempfile.mkdtemp(prefix="twinning-bench-commands-"))
    schemas: list[tuple[str, str]] = []

    def database(name: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{folder / (name + '.sqlite3')}"
        from twinning.config import normalise_database_url

        server_url = normalise_database_url(postgres_url)
        schema, url = search._postgres_schema(server_url)
        schemas.append((server_url, schema))
        return url

    figures: dict[str, object] = {"profiles": size, "backend": backend}
    log = folder / "commands.log"
    try:
        items = search.corpus(size)
        blank = [(None, ("", "", "", "", ""), "")] * len(items)
        url = database("reindex")
        search.write_corpus(url, folder, items, blank)
        cache = kept_vectors([item.record for item in items], UniversalSentenceEncoder())
        cache.path = folder / "matching" / "sentence-vectors.npz"
        cache.path.parent.mkdir(parents=True, exist_ok=True)
        cache.save()
        del cache
        env = _command_env(url, folder)
        figures["reindex_first"] = _flask(["twinning", "reindex"], env, log)
        figures["reindex_unchanged"] = _flask(["twinning", "reindex"], env, log)
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text(
                "UPDATE profile SET description = description || ' Edited.' "
                f"WHERE id % {EDITED_SHARE} = 0"))
        engine.dispose()
        figures["reindex_edited"] = _flask(["twinning", "reindex"], env, log)

        source = folder / "profiles.jsonl"
        source.write_text("\n".join(_interchange_line(item) for item in items) + "\n",
                          encoding="utf-8")
        del items, blank
        url = database("import")
        search.write_corpus(url, folder, [], [])
        shutil.rmtree(folder / "matching")
        figures["import"] = _flask(["twinning", "import", str(source)],
                                   _command_env(url, folder), log)
    finally:
        for server_url, schema in schemas:
            search._drop_schema(server_url, schema)
        shutil.rmtree(folder, ignore_errors=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES),
                        help="sizes at which the index build is timed (none: skip)")
    parser.add_argument("--command-sizes", type=int, nargs="*", default=list(COMMAND_SIZES),
                        help="sizes at which the commands are timed end to end (none: skip)")
    parser.add_argument("--backends", nargs="+", default=["sqlite"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", default=os.environ.get(
        "TWINNING_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(measure(arguments.one)))
        return
    for size in arguments.command_sizes:
        for backend in arguments.backends:
            print(json.dumps(measure_commands(size, backend, arguments.postgres_url)),
                  flush=True)
    if not arguments.sizes:
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
