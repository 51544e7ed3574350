"""The site under load: ``make serve``'s gunicorn on a fresh PostgreSQL schema of N profiles,
driven by C concurrent clients (prints figures, asserts nothing).

    python bench/load.py                                  # 10,000 profiles, 60 s, 20 clients
    python bench/load.py --profiles 2000 --seconds 20 --clients 8

``TWINNING_BENCH_POSTGRES_URL`` names the PostgreSQL server (default the test one). Steps:

1. N profiles from bench/search.py's generator (four languages, half coded, half text only,
   Moroccan ones in the Oriental's towns) are written into a schema of their own, dropped
   at the end.
2. ``flask twinning reindex`` builds the matching index and the search fields, and
   ``flask twinning create-user`` makes the account that reads the territory dashboard,
   each in a new process as an administrator runs them.
3. gunicorn starts as ``make serve`` starts it (``gunicorn --config gunicorn.conf.py
   wsgi:app``, ``TWINNING_ENV=production``: workers from the core count) on a free port
   of 127.0.0.1. The schema was made from the models, so the migrations are not run.
4. Every page is asked once (it must answer 200), then the C clients ask for all of them
   for ``WARM_UP_S`` seconds, unmeasured, so that every worker has answered each. For
   ``--seconds / 4`` seconds (at least 10), the C clients ask for a static file only: the
   ceiling, what this server and this client reach when the app does next to nothing. For
   ``--seconds``, each client asks for the pages of ``PAGES`` in turn, each answer timed
   from opening the connection to its last byte (gunicorn's sync workers close every
   connection). The two are measured in ``ROUNDS`` turns each, one after the other, so
   that a change of the machine's speed weighs on both alike.

It prints, per page, requests/s, p50/p95/p99 and errors (a status other than 200, or no
answer within ``TIMEOUT_S``), the ceiling's requests/s, and the ratio of the pages'
requests/s to the ceiling's; then one JSON line of those figures. The clients are one
asyncio loop in this process, on the same cores as the server, as the ceiling is.

Figures of runs on the project's 2-core machine (10,000 profiles, 20 clients; gunicorn
with 5 sync workers at first, one per core since):

    2026-11-30   every page p50 1.1–1.6 s, p95 1.7–2.3 s, 0 errors; 14.2 req/s in all,
                 ceiling 574.6 req/s, ratio 0.025
    2026-12-07   pages remembered per process by the change log's version
                 (twinning/remembered.py), a profile's suggestions and evidence with them:
                 p50 120–196 ms, p95 352–489 ms, 0 errors; 114.3 req/s in all, ceiling
                 706.2 req/s, ratio 0.162 (another test run shared the cores)
    2026-12-07   a profile's texts and facts remembered too (15 → 6 queries), one sync
                 worker per core (gunicorn.conf.py's new default), nothing else running:
                 p50 65–73 ms, p95 100–110 ms, 0 errors; 276.1 req/s in all, ceiling
                 1121.4 req/s, ratio 0.246 (same schema, 2 workers against 5: 300–330
                 against 230–260 req/s)
    2026-12-07   (another machine of the same kind, later: its speed swung between runs
                 minutes apart, the ceiling from 900 to 1,450 req/s) the signed-in
                 person, their unread count and the version read in one query
                 (twinning/reader.py), run back to back with the code before it:
                 before 212.9 req/s, p95 138–148 ms, ceiling 1252.2, ratio 0.17;
                 after 246.3 req/s, p95 102–111 ms, ceiling 1445.7, ratio 0.17; again
                 209.8 req/s, p95 119–130 ms, ceiling 903.9, ratio 0.232. 0 errors in
                 all. During the pages, gunicorn's workers took 1.4 of the 2 cores,
                 PostgreSQL 0.3, the clients 0.16: about 6.7 ms of worker CPU per page
                 (1.3 ms per static file), against 2–4 ms for the same pages called in
                 one process with the other core idle
    2026-12-08   (a third machine, slower: ceiling 500–700 req/s) per page one round trip
                 less for the reader's organisations (now in the reader's query) and one
                 less for the pool's ping (only after 10 s idle); the reader's,
                 partnerships' and by-slug statements made once; the dashboard's "has a
                 map" remembered. Ceiling and pages one after the other (as before):
                 175.2 req/s, p95 138–147 ms, ceiling 499.1, ratio 0.351; then 148.8
                 req/s, p95 163–176 ms, ceiling 702.3, ratio 0.212 — the ratio followed
                 the machine's speed in each window, hence the six turns since. In turns:
                 178.4 req/s, p95 145–155 ms, ceiling 614.9, ratio 0.29; 172.8 req/s,
                 p95 148–154 ms, ceiling 597.1, ratio 0.289. 0 errors in all
    2026-12-08   templates translating with the translations looked up once a render:
                 216.5 req/s, p95 120–124 ms, ceiling 657.8, ratio 0.329; then, the
                 machine slower (ceiling 530.1), 166.8 req/s, p95 147–154 ms, ratio 0.315.
                 0 errors
    target       p95 ≤ 150 ms on every page, ratio ≥ 0.3

In one process (2026-12-08), a page answered from memory costs 5–9 ms of CPU (an API page
4–5, a profile or the dashboard 8–10), a static file 0.9–1.2. Sampled, the reader's query
(one round trip with BEGIN and ROLLBACK around it) is about a third of it, and the
templates' translated strings were a tenth (Flask-Babel looked the translations up again
for every string; twinning/i18n.py now gives the templates functions bound to them). The
clients
ask for the pages in turn, so every page shows the same requests/s and the 20-client
latencies are mostly waiting for a worker.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from matching import percentile  # noqa: E402
from search import _drop_schema, _postgres_schema, corpus, read_all, write_corpus  # noqa: E402

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
TIMEOUT_S = 30.0
BENCH_EMAIL = "bench@example.org"
BENCH_PASSWORD = "olive groves of Taourirt"  # an account of a throw-away schema
CEILING = "/static/style.css"
# The ceiling and the pages are measured in turns, this many of each, so that both see the
# machine at the same speeds (one window after the other gave ratios from 0.21 to 0.35).
ROUNDS = 6
# Every worker answers every page first (its first view of a profile builds the tagger, about
# a second; the dashboard's stores suggestions): the figures are of a server in its stride.
WARM_UP_S = 5.0


@dataclass
class Timings:
    elapsed_ms: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)  # status or exception name

    def extend(self, other: Timings) -> None:
        self.elapsed_ms += other.elapsed_ms
        self.failures.update(other.failures)

    @property
    def errors(self) -> int:
        return sum(self.failures.values())

    def figures(self, seconds: float) -> dict[str, float | int]:
        values = self.elapsed_ms or [0.0]
        return {"rps": round(len(self.elapsed_ms) / seconds, 1),
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "p99_ms": round(percentile(values, 0.99), 1),
                "errors": self.errors}


def pages(slug: str, province: str) -> dict[str, str]:
    """The pages the clients ask for, by the name the figures give them."""
    return {
        "home": "/fr/",
        "directory": "/fr/profiles/",
        "search": "/fr/profiles/?" + urlencode({"q": "miel"}),
        "filtered": "/fr/profiles/?" + urlencode({"country": "FR", "sector": "honey"}),
        "profile": f"/fr/profiles/{slug}",
        "dashboard": f"/fr/dashboard/{province}",
        "api_list": "/api/v1/profiles",
        "api_matches": f"/api/v1/profiles/{slug}/matches",
    }


async def get(port: int, path: str, cookie: str = "") -> tuple[int, bytes, float]:
    """One GET over a new connection: status, body and milliseconds to the last byte."""
    started = time.perf_counter()
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port),
                                            TIMEOUT_S)
    try:
        headers = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
        if cookie:
            headers += f"Cookie: {cookie}\r\n"
        writer.write((headers + "\r\n").encode("ascii"))
        answer = await asyncio.wait_for(reader.read(-1), TIMEOUT_S)
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    return status, head + b"\r\n\r\n" + body, (time.perf_counter() - started) * 1000


def log_in(port: int) -> str:
    """The session cookie of the bench account, through the log-in form."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    connection.request("GET", "/fr/account/login")
    answer = connection.getresponse()
    page = answer.read().decode()
    cookie = _cookies(answer)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    connection.request("POST", "/fr/account/login", urlencode(
        {"csrf_token": token, "email": BENCH_EMAIL, "password": BENCH_PASSWORD}),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    answer = connection.getresponse()
    body = answer.read()
    if answer.status != 302:
        raise SystemExit(f"log-in refused ({answer.status}): {body[:1000]!r}")
    return _cookies(answer)


def _cookies(answer) -> str:
    """The ``Cookie`` header that sends back every cookie of ``answer``."""
    return "; ".join(header.split(";", 1)[0] for header in answer.msg.get_all("Set-Cookie", []))


async def drive(port: int, paths: dict[str, str], seconds: float, clients: int,
                cookie: str) -> dict[str, Timings]:
    """``clients`` clients asking for ``paths`` in turn for ``seconds``."""
    timings = {name: Timings() for name in paths}
    names = list(paths)
    deadline = time.perf_counter() + seconds

    async def client(number: int) -> None:
        turn = number
        while time.perf_counter() < deadline:
            name = names[turn % len(names)]
            turn += 1
            try:
                status, _body, elapsed = await get(port, paths[name], cookie)
            except (TimeoutError, OSError, IndexError, ValueError) as error:
                timings[name].failures[type(error).__name__] += 1
                continue
            if status == 200:
                timings[name].elapsed_ms.append(elapsed)
            else:
                timings[name].failures[str(status)] += 1

    await asyncio.gather(*(client(number) for number in range(clients)))
    return timings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flask(environment: dict[str, str], *arguments: str, stdin: str | None = None) -> float:
    """Run ``flask twinning …`` in a new process; returns the seconds it took."""
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("flask")), "twinning", *arguments],
                   env=environment, cwd=ROOT, input=stdin, text=True, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def prepare(url: str, folder: Path, size: int) -> tuple[dict[str, str], str, str]:
    """Write the corpus, index it and make the bench account; returns the environment of
    the app, a Moroccan profile's slug and its province."""
    items = corpus(size)
    started = time.perf_counter()
    write_corpus(url, folder, items, read_all(items))
    print(f"{size} profiles written in {time.perf_counter() - started:.0f} s", flush=True)
    environment = {**os.environ, "FLASK_APP": "wsgi.py", "TWINNING_DATABASE_URL": url,
                   "TWINNING_INSTANCE_PATH": str(folder / "instance"),
                   "TWINNING_SECRET_KEY": secrets.token_hex(32),
                   "TWINNING_MAIL_OUTBOX_FOLDER": str(folder / "outbox")}
    print(f"flask twinning reindex: {_flask(environment, 'reindex'):.0f} s", flush=True)
    _flask(environment, "create-user", BENCH_EMAIL, "--name", "Bench", stdin=BENCH_PASSWORD)
    moroccan = next(item for item in items if item.province and item.record.needs)
    return environment, moroccan.record.slug, moroccan.province


def serve(environment: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """gunicorn as ``make serve`` starts it, on ``port``."""
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--config", "gunicorn.conf.py",
         "wsgi:app"],
        env={**environment, "TWINNING_ENV": "production", "TWINNING_BIND": f"127.0.0.1:{port}"},
        cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
    for _attempt in range(1200):
        try:
            status, _body, _elapsed = asyncio.run(get(port, CEILING))
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped: see {log}")
        time.sleep(0.1)
    raise SystemExit("gunicorn did not answer within 2 minutes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    arguments = parser.parse_args()
    from twinning.config import normalise_database_url

    server_url = normalise_database_url(
        os.environ.get("TWINNING_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    folder = Path(tempfile.mkdtemp(prefix="twinning-bench-load-"))
    schema, url = _postgres_schema(server_url)
    server = None
    try:
        environment, slug, province = prepare(url, folder, arguments.profiles)
        port = _free_port()
        server = serve(environment, port, folder / "gunicorn.log")
        cookie = log_in(port)
        paths = pages(slug, province)
        for name, path in paths.items():  # check every page
            status, body, _elapsed = asyncio.run(get(port, path, cookie))
            if status != 200:
                raise SystemExit(f"{name} {path}: {status}\n{body[:2000]!r}")
        asyncio.run(drive(port, paths, WARM_UP_S, arguments.clients, cookie))
        ceiling_s = max(10.0, arguments.seconds / 4)
        ceiling_timings, measured = Timings(), {name: Timings() for name in paths}
        for _round in range(ROUNDS):  # in turns: the machine's speed swings by the minute
            ceiling_timings.extend(asyncio.run(drive(
                port, {"ceiling": CEILING}, ceiling_s / ROUNDS, arguments.clients,
                ""))["ceiling"])
            for name, timings in asyncio.run(drive(port, paths, arguments.seconds / ROUNDS,
                                                   arguments.clients, cookie)).items():
                measured[name].extend(timings)
        ceiling = ceiling_timings.figures(ceiling_s)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        _drop_schema(server_url, schema)
        shutil.rmtree(folder, ignore_errors=True)
    figures = {name: timings.figures(arguments.seconds) for name, timings in measured.items()}
    total_rps = sum(page["rps"] for page in figures.values())
    ratio = round(total_rps / ceiling["rps"], 3) if ceiling["rps"] else 0.0
    print(f"{'page':<12} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, page in {**figures, "ceiling": ceiling}.items():
        print(f"{name:<12} {page['rps']:>7} {page['p50_ms']:>8} {page['p95_ms']:>8} "
              f"{page['p99_ms']:>8} {page['errors']:>7}")
    for name, timings in measured.items():
        if timings.failures:
            print(f"{name} failed: {dict(timings.failures)}")
    print(f"pages together {total_rps:.1f} req/s, ceiling {ceiling['rps']} req/s, "
          f"ratio {ratio}")
    print(json.dumps({"profiles": arguments.profiles, "clients": arguments.clients,
                      "pages": figures, "ceiling_rps": ceiling["rps"], "ratio": ratio}))


if __name__ == "__main__":
    main()
