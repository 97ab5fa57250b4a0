"""The production app server: `gunicorn -c python:hezuo.gunicorn_conf hezuo.wsgi`.

Sized for the machine it runs on (docs/deployment.md, bench/RESULTS.md "Load"): pages are
CPU-bound Python with short waits on the database, so one process per core keeps the cores
busy and one more takes a request while another waits on the database. More processes, or
threads, only make them take turns on the same cores: on 2 cores with PostgreSQL beside
the app, 5 processes × 2 threads gave a p99 of 1,172 ms at an office's busiest, 2 × 2 988 ms,
3 × 1 521 ms (bench/load.py). Every figure can be overridden from the environment.
"""

import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("HEZUO_BIND", "127.0.0.1:8000")
workers = _int("HEZUO_WORKERS", multiprocessing.cpu_count() + 1)
threads = _int("HEZUO_THREADS", 1)
worker_class = "gthread"
# Long work (imports, large exports) runs in task workers, so a request that takes a minute
# is stuck, not busy: give it back.
timeout = _int("HEZUO_WORKER_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, so no slow leak lives for months.
max_requests = _int("HEZUO_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# Only the reverse proxy on this host may say which scheme the client used.
forwarded_allow_ips = os.environ.get("HEZUO_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("HEZUO_ACCESS_LOG", "-") or None
errorlog = "-"
