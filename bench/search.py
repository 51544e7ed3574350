"""Directory search speed at 100,000 profiles, on SQLite and PostgreSQL (prints figures,
asserts nothing).

    python bench/search.py                                   # 100,000 profiles, both backends
    python bench/search.py --size 20000 --backends sqlite
    python bench/search.py --postgres-url postgresql://postgres@127.0.0.1:5432/test

What is measured: ``GET /fr/profiles/?q=…`` (the whole directory page: search, exact count,
filter facets, template) and ``GET /api/v1/profiles?q=…`` (20 profiles as JSON, with the
codes read in their texts), as a user gets them. The app runs in a subprocess behind
Werkzeug's WSGI server (``werkzeug.serving.make_server``: one thread, no debugger, no
reloader) and this process times each request over HTTP, from sending it to the last byte
of the answer. Every query of ``QUERIES`` (four languages; sector words, places, several
words, broad words such as "coopérative") is asked once to warm up, then ``--rounds``
times in turn; p50 and p95 are over every timed answer of a URL. Each round starts with a
new version of the published directory (:func:`_new_version`), so that no answer is one the
server remembered from an earlier round: every timed answer is searched for and rendered.
The slowest query of each URL is printed too.

The corpus: ``--size`` profiles (100,000) from bench/matching.py's generator (four
languages, half of them with codes, half with text only), given names in their language
(half of which name a sector), Moroccan ones a province and town of the Oriental,
European ones a town, and creation dates over five years. They are written into a fresh
SQLite file and into a fresh PostgreSQL schema (dropped at the end) through SQLAlchemy
core, 2,000 rows a statement, with the search fields computed in bulk: each profile's
text is read once by the matching model's tagger, in one process per core, and that
reading gives both the search fields (``service.compose_search_fields``) and the matching
index the API reads. The database's own triggers (SQLite) and generated column (PostgreSQL)
fill the full-text index as rows arrive, as they do for the app.

Figures of a run at 100,000 profiles on the project's 2-core machine, nothing else running
(2026-11-30): SQLite page p50 45.8 ms, p95 74.1 ms; API p50 47.8, p95 77.8; PostgreSQL page
p50 72.6, p95 101.3; API p50 79.7, p95 107.6 (the target of 50 ms at p95 is not met; at
20,000 profiles the scan it replaced took 260–300 ms).

2026-12-07, each round a new version (so every timed answer computed, none remembered):
the index asking the database for changes once per request instead of once per listed
profile, taxonomy labels deferred, the facets remembered apart: SQLite page p50 13.1 ms,
p95 26.2; API p50 11.7, p95 21.3; PostgreSQL page p50 32.6, p95 50.9; API p50 29.2,
p95 46.6. Then lists of cards loading no collections (three rounds, PostgreSQL only): page
p50 27.4, p95 44.2; API p50 32.7, p95 47.7. PostgreSQL's count of a broad query (46,000
matches) is most of what is left: about 25 ms visiting the heap rows of its bitmap.

How long it takes on the 2-core machine of the issue (figures of a run, printed again by
every run): generating 100,000 profiles takes about 5 s, reading them about 120 s (two
processes), the matching index about 40 s, writing them about 45 s into SQLite and about
100 s into PostgreSQL; the timed requests about a minute per backend.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from matching import load_terms, percentile, synthetic_records  # noqa: E402

from twinning.matching import index as index_module  # noqa: E402
from twinning.matching.index import MatchIndex  # noqa: E402
from twinning.matching.records import ProfileRecord  # noqa: E402
from twinning.matching.tagger import Reading, Tagger  # noqa: E402
from twinning.reference import territories  # noqa: E402

SIZE = 100_000
BATCH = 2_000
ROUNDS = 5
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
QUERIES = (
    "miel", "عسل", "honey", "aceite de oliva", "dattes", "العسل الحر", "Oujda", "الناظور",
    "Berkane", "coopérative", "تعاونية", "cooperativa", "association", "emballage",
    "formation emballage", "tourisme rural", "commercialisation miel", "recyclage Nador",
    "energía renovable", "التسويق", "jumelage", "olive oil",
)
KIND_WORDS = {
    "fr": {"cooperative": "Coopérative", "association": "Association",
           "federation": "Fédération", "local_authority": "Commune",
           "fair_trade": "Boutique solidaire", "research_training": "Institut"},
    "en": {"cooperative": "Cooperative", "association": "Association",
           "federation": "Federation", "local_authority": "Municipality",
           "fair_trade": "Fair trade shop", "research_training": "Institute"},
    "es": {"cooperative": "Cooperativa", "association": "Asociación",
           "federation": "Federación", "local_authority": "Ayuntamiento",
           "fair_trade": "Tienda de comercio justo", "research_training": "Instituto"},
    "ar": {"cooperative": "تعاونية", "association": "جمعية", "federation": "اتحاد",
           "local_authority": "جماعة", "fair_trade": "متجر تضامني",
           "research_training": "معهد"},
}
NAME_WORDS = ("Nour", "Al Amal", "Atlas", "Horizon", "Tafilalt", "Zitoun", "Ennakhil",
              "Esperanza", "Mistral", "Azur", "Iris", "Saada", "Tilelli", "Baraka")
EUROPEAN_TOWNS = ("Lyon", "Almería", "Gent", "Utrecht", "Bologna", "Köln", "Faro",
                  "Montpellier", "Granada", "Lille", "Perpignan", "Murcia")


@dataclasses.dataclass(frozen=True)
class Synthetic:
    record: ProfileRecord
    province: str | None
    city: str | None
    region: str | None
    created_at: datetime


def corpus(size: int) -> list[Synthetic]:
    """``size`` profiles: bench/matching.py's records with names and places of their own."""
    terms = load_terms()
    sectors = [term for term in terms if term.kind == "sector"]
    towns = [place for place in territories.places() if place.level == territories.TOWN]
    rng = random.Random(7)
    start = datetime(2021, 1, 1, tzinfo=UTC)
    found = []
    for number, base in enumerate(synthetic_records(size, terms)):
        lang = base.description_lang or "fr"
        topic = rng.choice(sectors).labels[lang] if rng.random() < 0.5 \
            else rng.choice(NAME_WORDS)
        name = f"{KIND_WORDS[lang][base.kind]} {topic} {number}"
        slug = f"org-{number}"
        if base.country == "MA":
            town = rng.choice(towns)
            province, city, region = town.parent_code, town.name("fr"), "Oriental"
        else:
            province, city, region = None, rng.choice(EUROPEAN_TOWNS), None
        record = dataclasses.replace(base, key=slug, slug=slug, external_id=slug, name=name,
                                     languages=tuple(dict.fromkeys(base.languages)))
        found.append(Synthetic(record, province, city, region,
                               start + timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))))
    return found


_tagger: Tagger | None = None


def _read(batch: list[Synthetic]) -> list[tuple[Reading, tuple[str, ...], str]]:
    """Each profile's reading, search fields and name key (in a worker process)."""
    from twinning.profiles.service import compose_search_fields
    from twinning.profiles.similarity import name_key

    global _tagger
    if _tagger is None:
        _tagger = Tagger(load_terms())
    found = []
    for item in batch:
        record = item.record
        reading = _tagger.read(record)
        read = reading.tags
        fields = compose_search_fields(
            name=record.name, province=item.province, city=item.city, region=item.region,
            description=record.description, other_versions=[],
            given=(*record.sectors, *record.needs, *record.offers),
            read=(*read.sectors, *read.needs, *read.offers))
        found.append((reading, fields.values(), name_key(record.name)))
    return found


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def read_all(items: list[Synthetic]) -> list[tuple[Reading, tuple[str, ...], str]]:
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        return [row for rows in pool.imap(_read, _chunks(items, 500)) for row in rows]


def build_index(items: list[Synthetic], readings: list[Reading], folder: Path) -> None:
    """The matching index of the corpus, from the readings already made (the API reads the
    codes of each listed profile from it)."""
    known = {item.record.key: reading for item, reading in zip(items, readings, strict=True)}

    class Known(Tagger):
        def read(self, record: ProfileRecord) -> Reading:
            return known.get(record.key) or super().read(record)

    original, index_module.Tagger = index_module.Tagger, Known
    try:
        index = MatchIndex.build([item.record for item in items], load_terms())
    finally:
        index_module.Tagger = original
    index.tagger = Tagger(index.terms)
    folder.mkdir(parents=True, exist_ok=True)
    index.save(folder)


def app_config(database_url: str, folder: Path) -> dict:
    return {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url,
            "MATCHING_INDEX_FOLDER": str(folder / "matching"), "MATCHING_ENCODER": "",
            "MAIL_OUTBOX_FOLDER": str(folder / "outbox")}


def write_corpus(database_url: str, folder: Path, items: list[Synthetic],
                 read: list[tuple[Reading, tuple[str, ...], str]]) -> float:
    """Create the schema as the tests do and insert the corpus; returns the seconds taken."""
    from twinning import create_app
    from twinning.extensions import db
    from twinning.models import OrganisationKind, Profile, ProfileLanguage, ProfileStatus
    from twinning.models.profile import profile_need, profile_offer, profile_sector
    from twinning.reference.sync import ensure_reference_data

    app = create_app(app_config(database_url, folder))
    with app.app_context():
        db.create_all()
        ensure_reference_data()
        term_ids = dict(db.session.execute(sa.text("SELECT code, id FROM taxonomy_term")).all())
        db.session.remove()
        started = time.perf_counter()
        with db.engine.begin() as connection:
            for start in range(0, len(items), BATCH):
                profiles, languages, links = [], [], {"sectors": [], "needs": [], "offers": []}
                for number in range(start, min(start + BATCH, len(items))):
                    item, (_reading, fields, name_key) = items[number], read[number]
                    record, profile_id = item.record, number + 1
                    search_name, search_given, search_read, search_text, places = fields
                    profiles.append({
                        "id": profile_id, "external_id": record.external_id,
                        "slug": record.slug, "name": record.name,
                        "kind": OrganisationKind(record.kind), "country": record.country,
                        "region": item.region, "province": item.province, "city": item.city,
                        "description": record.description,
                        "description_lang": record.description_lang,
                        "status": ProfileStatus.PUBLISHED, "search_name": search_name,
                        "search_given": search_given, "search_read": search_read,
                        "search_text": search_text, "places": places, "name_key": name_key,
                        "kept_by_facilitator": False, "created_at": item.created_at,
                        "updated_at": item.created_at,
                    })
                    languages.extend({"profile_id": profile_id, "lang": lang, "position": at}
                                     for at, lang in enumerate(record.languages))
                    for role in links:
                        links[role].extend({"profile_id": profile_id, "term_id": term_ids[code]}
                                           for code in getattr(record, role))
                connection.execute(sa.insert(Profile.__table__), profiles)
                connection.execute(sa.insert(ProfileLanguage.__table__), languages)
                for role, table in (("sectors", profile_sector), ("needs", profile_need),
                                    ("offers", profile_offer)):
                    if links[role]:
                        connection.execute(sa.insert(table), links[role])
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text(
                    "SELECT setval(pg_get_serial_sequence('profile', 'id'), max(id)) "
                    "FROM profile"))
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does shortly after a bulk load.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        elapsed = time.perf_counter() - started
        db.engine.dispose()
    return elapsed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(database_url: str, folder: str, port: int) -> None:
    """The app behind Werkzeug's WSGI server (run in a subprocess by :func:`measure`)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from twinning import create_app

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs) -> None:  # one line per request otherwise
            pass

    app = create_app(app_config(database_url, Path(folder)))
    make_server("127.0.0.1", port, app, threaded=False,
                request_handler=Quiet).serve_forever()


def _get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url) as response:
        response.read()
        assert response.status == 200, (url, response.status)
    return (time.perf_counter() - started) * 1000


def measure(database_url: str, folder: Path, rounds: int) -> dict[str, dict[str, float]]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", database_url,
                               str(folder), str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(600):
            try:
                _get(f"{base}/api/v1/taxonomy")
                break
            except OSError:
                time.sleep(0.1)
        urls: dict[str, dict[str, list[float]]] = {
            "/fr/profiles/?q=": {query: [] for query in QUERIES},
            "/api/v1/profiles?q=": {query: [] for query in QUERIES}}
        for round_number in range(rounds + 1):
            _new_version(database_url)
            for query in QUERIES:
                for prefix, timings in urls.items():
                    elapsed = _get(base + prefix + quote(query))
                    if round_number:  # the first round warms up
                        timings[query].append(elapsed)
    finally:
        server.terminate()
        server.wait()
    figures = {}
    for prefix, by_query in urls.items():
        timings = [elapsed for values in by_query.values() for elapsed in values]
        figures[prefix] = {"p50_ms": round(statistics.median(timings), 1),
                           "p95_ms": round(percentile(timings, 0.95), 1),
                           "by_query_p50_ms": {query: round(statistics.median(values), 1)
                                               for query, values in by_query.items()}}
    return figures


def _new_version(database_url: str) -> None:
    """Move the change log on, as a rebuild does (an empty row): the server forgets every
    answer it remembers (twinning.remembered), so each round's answers are computed."""
    from twinning.models import IndexChange

    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sa.insert(IndexChange.__table__).values(created_at=datetime.now(UTC)))
    engine.dispose()


def _postgres_schema(server_url: str) -> tuple[str, str]:
    schema = f"bench_search_{os.getpid()}_{secrets.token_hex(3)}"
    engine = sa.create_engine(server_url)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    separator = "&" if "?" in server_url else "?"
    return schema, f"{server_url}{separator}options={quote(f'-csearch_path={schema}')}"


def _drop_schema(server_url: str, schema: str) -> None:
    engine = sa.create_engine(server_url)
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--postgres-url", default=os.environ.get(
        "TWINNING_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.serve[0], arguments.serve[1], int(arguments.serve[2]))
        return
    from twinning.config import normalise_database_url

    folder = Path(tempfile.mkdtemp(prefix="twinning-bench-search-"))
    timings: dict[str, float] = {}
    try:
        started = time.perf_counter()
        items = corpus(arguments.size)
        timings["generate_s"] = time.perf_counter() - started
        started = time.perf_counter()
        read = read_all(items)
        timings["read_s"] = time.perf_counter() - started
        started = time.perf_counter()
        build_index(items, [reading for reading, _fields, _key in read], folder / "matching")
        timings["matching_index_s"] = time.perf_counter() - started
        read = [(None, fields, key) for _reading, fields, key in read]
        print(f"{arguments.size} profiles: " + ", ".join(
            f"{name} {value:.0f}" for name, value in timings.items()), flush=True)
        results = {}
        for backend in arguments.backends:
            schema = None
            if backend == "sqlite":
                url = f"sqlite:///{folder / 'bench.sqlite3'}"
            else:
                server_url = normalise_database_url(arguments.postgres_url)
                schema, url = _postgres_schema(server_url)
            try:
                written = write_corpus(url, folder, items, read)
                print(f"{backend}: written in {written:.0f} s", flush=True)
                results[backend] = {"write_s": round(written)}
                results[backend].update(measure(url, folder, arguments.rounds))
            finally:
                if schema:
                    _drop_schema(server_url, schema)
        print(json.dumps({"profiles": arguments.size, "corpus": {
            name: round(value) for name, value in timings.items()}, **results},
            ensure_ascii=False, indent=2))
        urls = ("/fr/profiles/?q=", "/api/v1/profiles?q=")
        print("median per query, ms:" + "".join(
            f"  {backend} page / api" for backend in results))
        for query in QUERIES:
            print(f"  {query:<24}" + "".join(
                f"  {figures[urls[0]]['by_query_p50_ms'][query]:>9} / "
                f"{figures[urls[1]]['by_query_p50_ms'][query]:<6}"
                for figures in results.values()))
        for backend, figures in results.items():
            for url in urls:
                print(f"{backend:<10} {url + '…':<22} p50 {figures[url]['p50_ms']:>6} ms  "
                      f"p95 {figures[url]['p95_ms']:>6} ms")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
