"""Per-page CPU: every page kind bench/load.py requests, in-process, one request at a time.

    HEZUO_DATA_DIR=… [DATABASE_URL=…] .venv/bin/hezuo demo --load-only    # once
    HEZUO_DATA_DIR=… [DATABASE_URL=…] .venv/bin/python bench/page_cpu.py [--runs 40]
    … bench/page_cpu.py --profile funds [--runs 40]      # cProfile of one page, top functions

Runs against the configured database (the demo must be loaded there) with django.test.Client
as the load bench's users: the demo's city officer (`city`) and district reporter (`nanxun`).
For each page: one untimed warm-up, then the median over --runs requests of the process's CPU
time (`time.process_time`), the page's query count, and the Python function calls of one
request (counted by cProfile). CPU time rather than wall-clock so that other work on a shared
machine does not count, though on a busy machine it still varies by a third from run to run;
the call count does not vary at all and follows the CPU time of Python code closely, so it is
the figure to compare between two versions. On SQLite the CPU time includes the database
engine's work (it runs in this process), on PostgreSQL only the client's side (the server's
backend is another process). "save" posts the edit form back unchanged with its version: a
real write.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hezuo.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from hezuo.accounts.models import User  # noqa: E402
from hezuo.org.models import Region  # noqa: E402
from hezuo.projects.models import Project  # noqa: E402
from load import Form  # noqa: E402


def pages():
    """(name, username, method, url): the load bench's mix, and the region-filtered lists."""
    city, reporter = User.objects.get(username="city"), User.objects.get(username="nanxun")
    own = Project.objects.filter(unit__path__startswith=reporter.unit.path).order_by("pk").first()
    program = Project.objects.values_list("program_id", flat=True).first()
    province = Region.objects.get(pk=own.partner_region_id).code[:2] + "0000"
    return [
        ("projects", "city", "GET", "/projects/"),
        ("projects ?year", "nanxun", "GET", "/projects/?year=2024"),
        ("activities", "city", "GET", "/activities/"),
        ("consumption", "nanxun", "GET", "/consumption/"),
        ("funds ?year&program", "city", "GET", f"/funds/?year=2024&program={program}"),
        ("projects ?region", "city", "GET", f"/projects/?region={province}"),
        ("funds ?region", "nanxun", "GET", f"/funds/?region={province}&year=2024"),
        ("project page", "nanxun", "GET", f"/projects/{own.pk}/"),
        ("project page (city)", "city", "GET", f"/projects/{own.pk}/"),
        ("history (as a page)", "nanxun", "GET", f"/projects/{own.pk}/history/"),
        ("dashboard", "city", "GET", "/dashboard/?year=2024"),
        ("edit form", "nanxun", "GET", f"/projects/{own.pk}/edit/"),
        ("save", "nanxun", "POST", f"/projects/{own.pk}/edit/"),
    ], {"city": city, "nanxun": reporter}


def request(client, method, url, profile=None):
    """One request; for a POST, first the GET of its form (not timed). Returns (CPU seconds,
    queries) of the request itself; `profile`, when given, runs during it only."""
    data = None
    if method == "POST":
        form = Form()
        form.feed(client.get(url).content.decode())
        data = dict(form.fields)
    start = time.process_time()
    with CaptureQueriesContext(connection) as queries:
        if profile:
            profile.enable()
        response = client.post(url, data) if method == "POST" else client.get(url)
        if profile:
            profile.disable()
    elapsed = time.process_time() - start
    expected = 302 if method == "POST" else 200
    if response.status_code != expected:
        raise SystemExit(f"{method} {url}: HTTP {response.status_code}")
    return elapsed, len(queries)


def measure(client, method, url, runs):
    times, counts = [], []
    request(client, method, url)  # warm-up: per-process caches, the kept dashboard
    for _ in range(runs):
        elapsed, count = request(client, method, url)
        times.append(elapsed * 1000)
        counts.append(count)
    profile = cProfile.Profile()
    request(client, method, url, profile)
    return statistics.median(times), max(counts), pstats.Stats(profile).total_calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--profile", help="a page's name (or the start of it): cProfile it instead")
    parser.add_argument("--sort", default="cumulative", help="pstats order for --profile")
    args = parser.parse_args()

    plan, users = pages()
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)

    if args.profile:
        chosen = [p for p in plan if p[0].startswith(args.profile)]
        if not chosen:
            raise SystemExit("pages: " + ", ".join(p[0] for p in plan))
        name, username, method, url = chosen[0]
        client = clients[username]
        request(client, method, url)
        profile = cProfile.Profile()
        for _ in range(args.runs):
            request(client, method, url, profile)
        pstats.Stats(profile).sort_stats(args.sort).print_stats(45)
        return

    engine = connection.vendor
    print(f"{engine}, median of {args.runs} requests, CPU ms of this process")
    print(f"{'page':<22} {'user':<7} {'CPU ms':>7} {'queries':>7} {'calls':>7}  url")
    for name, username, method, url in plan:
        cpu, count, calls = measure(clients[username], method, url, args.runs)
        print(f"{name:<22} {username:<7} {cpu:7.1f} {count:7d} {calls:7d}  {method} {url}")


if __name__ == "__main__":
    main()
