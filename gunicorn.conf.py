"""gunicorn's settings for ``make serve``: workers from the core count, time-outs, and an
access log of one JSON object a line (so that any log shipper can parse it).

Every value can be changed from the environment: TWINNING_BIND, TWINNING_WORKERS,
TWINNING_THREADS, TWINNING_TIMEOUT.
"""

import multiprocessing
import os

bind = os.environ.get("TWINNING_BIND", "127.0.0.1:8000")
# Sync workers, two per core and one more: a request waiting on PostgreSQL leaves the
# core to another worker. Each worker keeps its own copy of the matching index.
workers = int(os.environ.get("TWINNING_WORKERS", 2 * multiprocessing.cpu_count() + 1))
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
