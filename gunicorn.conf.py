"""gunicorn's settings for ``make serve``: workers from the core count, time-outs, and an
access log of one JSON object a line (so that any log shipper can parse it).

Every value can be changed from the environment: TWINNING_BIND, TWINNING_WORKERS,
TWINNING_THREADS, TWINNING_TIMEOUT.
"""

import multiprocessing
import os

bind = os.environ.get("TWINNING_BIND", "127.0.0.1:8000")
# Sync workers, one per core: pages are answered from what each worker remembers and its
# own copy of the matching index, so a worker mostly computes rather than waits. Measured
# with bench/load.py at 10,000 profiles on 2 cores: 2 workers serve 300–330 req/s, 5
# workers (the usual "2 × cores + 1", for workers that wait) 230–260, and use 2.5 times
# the memory; 3 workers reached 0.21–0.23 of the ceiling against 0.27–0.28 for 2, in
# turns. With PostgreSQL on another host, or slow uploads, a worker more may pay.
workers = int(os.environ.get("TWINNING_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("TWINNING_THREADS", 1))
# A request taking longer than this is a bug or an attack: the worker is restarted.
timeout = int(os.environ.get("TWINNING_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Behind a reverse proxy on the same host; its address is trusted for X-Forwarded-*.
forwarded_allow_ips = os.environ.get("TWINNING_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
access_log_format = (
    '{"time": "%(t)s", "remote": "%({x-forwarded-for}i)s", "method": "%(m)s", '
    '"path": "%(U)s", "query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", '
    '"duration_ms": %(M)s, "agent": "%(a)s"}'
)
