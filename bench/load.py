"""Load: 50 signed-in users against the production app server, on loopback only.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--only sqlite|postgres]

For each database (SQLite in a fresh data directory under var/load, PostgreSQL database
hezuo_load), with the Huzhou demo loaded and `users` accounts made for the run:

1. starts gunicorn with the documented configuration (hezuo/gunicorn_conf.py: workers sized
   for this machine) on 127.0.0.1 and an unused port, DEBUG off, static files collected;
2. signs every user in through the login page (CSRF and all), then runs two phases of
   `seconds` each, every user in its own thread on its own keep-alive connection:
   - **busy office**: each user waits 1–3 s (uniform) between requests — goal 0 errors and
     p99 under 500 ms;
   - **ceiling**: no waiting — throughput, p50/p99 and errors;
   with a mix of list pages (projects, funds filtered by year and program), a record's page,
   the dashboard and saves (a reporter or city officer opens the edit form of a project of
   their own — each user their own project, so no save meets another's — and posts it back
   with its version: a real write through the one write path);
3. the floor, measured in the same run: `/healthz` (a Django response that reads nothing) at
   the same concurrency with no waiting. The ceiling is printed as a share of it.

Latencies are wall-clock from the client (request sent → response read), errors are any
status other than the expected one (200 for pages, 302 after a save) or a failed connection.
Prints one table per database; bench/RESULTS.md keeps the figures and this command.
"""

import argparse
import html.parser
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEZUO = str(ROOT / ".venv" / "bin" / "hezuo")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SQLITE_DIR = ROOT / "var" / "load"
POSTGRES = "postgres://postgres@127.0.0.1:5432/hezuo_load"
PASSWORD = "Load-Bench-2024"
HOST = "127.0.0.1"

# (kind, weight). Reads dominate an office's day; saves are a fifth of what reporters do.
MIX = [("list", 30), ("funds", 15), ("detail", 25), ("dashboard", 15), ("save", 15)]

# Accounts made for the run: (role, unit name or "", how many). 50 in all by default,
# scaled for --users.
ROLES = [("city", "市区域合作办", 0.2), ("district", "南浔区", 0.2), ("district", "吴兴区", 0.2),
         ("district", "长兴县", 0.1), ("district", "德清县", 0.1), ("leader", "", 0.2)]

PREPARE = r"""
import json, sys
from django.db import transaction
from hezuo.accounts.models import User
from hezuo.org.models import Unit
from hezuo.projects.models import Project
plan, password = json.loads(sys.argv[1]), sys.argv[2]
made, taken = [], set()
with transaction.atomic():
    for i, (role, unit_name) in enumerate(plan):
        unit = Unit.objects.get(name=unit_name) if unit_name else None
        user, _ = User.objects.update_or_create(username=f"load{i:02d}",
                                                defaults={"role": role, "unit": unit, "is_active": True})
        user.set_password(password)
        user.save()
        project = None
        if role != "leader":
            projects = Project.objects.exclude(pk__in=taken).order_by("pk")
            if unit is not None and role == "district":
                projects = projects.filter(unit__path__startswith=unit.path)
            project = projects.values_list("pk", flat=True).first()
            taken.add(project)
        made.append({"username": user.username, "role": role, "project": project})
print(json.dumps({"users": made, "projects": list(Project.objects.values_list("pk", flat=True)[:400]),
                  "program": Project.objects.values_list("program_id", flat=True).first()}))
"""


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run(args, env, **kwargs):
    return subprocess.run(args, env=env, check=True, capture_output=True, text=True, **kwargs)


def environment(database):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HEZUO_DATA_DIR")}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS=HOST, HEZUO_ACCESS_LOG="",
               LOG_LEVEL="ERROR")
    if database == "sqlite":
        shutil.rmtree(SQLITE_DIR, ignore_errors=True)
        SQLITE_DIR.mkdir(parents=True)
        env["HEZUO_DATA_DIR"] = str(SQLITE_DIR)
    else:
        env["HEZUO_DATA_DIR"] = str(SQLITE_DIR.with_name("load-pg"))
        shutil.rmtree(env["HEZUO_DATA_DIR"], ignore_errors=True)
        env["DATABASE_URL"] = POSTGRES
        name = POSTGRES.rsplit("/", 1)[1]
        admin = POSTGRES.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return env


def prepare(env, users):
    run([HEZUO, "migrate", "--noinput"], env)
    run([HEZUO, "loadregions"], env)
    run([HEZUO, "demo", "--load-only"], env)
    run([HEZUO, "collectstatic", "--noinput"], env)
    plan = []
    for role, unit, share in ROLES:
        plan += [(role, unit)] * round(users * share)
    plan = (plan + [("leader", "")] * users)[:users]
    out = run([HEZUO, "shell", "-c", PREPARE.replace("sys.argv[1]", repr(json.dumps(plan)))
               .replace("sys.argv[2]", repr(PASSWORD))], env)
    return json.loads(out.stdout.strip().splitlines()[-1])


class Server:
    def __init__(self, env):
        self.port = free_port()
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "python:hezuo.gunicorn_conf", "--bind", f"{HOST}:{self.port}", "hezuo.wsgi"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not start: " + self.stop())

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            _, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err[-2000:]


class Form(html.parser.HTMLParser):
    """The fields of the record form (<form method=post> with a csrfmiddlewaretoken), as a
    browser would post them unchanged."""

    def __init__(self):
        super().__init__()
        self.fields, self.in_form, self.select, self.textarea = [], False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post" and "record-form" in a.get("class", ""):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append([a["name"], a.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "select" and a.get("name"):
            self.select = [a["name"], None, None]  # name, selected, first
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.select[2] is None:
                self.select[2] = value
            if "selected" in a:
                self.select[1] = value
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select is not None:
            name, selected, first = self.select
            self.fields.append([name, selected if selected is not None else (first or "")])
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(self.textarea)
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


class Client:
    """One user on one keep-alive connection, with its cookies."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.conn = None

    def request(self, method, path, body=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": HOST}
        if body is not None:
            body = urllib.parse.urlencode(body)
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Referer": f"http://{HOST}:{self.port}{path}"})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None  # the server closed a kept-alive connection: open a new one once
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def login(self, username):
        status, text = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)[1]
        status, _ = self.request("POST", "/accounts/login/", {
            "csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
        if status != 302:
            raise SystemExit(f"{username} could not sign in (HTTP {status})")


def action(client, user, kind, world, rng):
    """Run one request of `kind`; returns (label, status, expected status)."""
    if kind == "save" and user["project"] is None:
        kind = "detail"  # a leader changes nothing
    if kind == "list":
        return kind, client.request("GET", rng.choice(["/projects/", "/projects/?year=2024", "/activities/",
                                                       "/consumption/"]))[0], 200
    if kind == "funds":
        return kind, client.request("GET", f"/funds/?year=2024&program={world['program']}")[0], 200
    if kind == "detail":
        pk = user["project"] or rng.choice(world["projects"])
        return kind, client.request("GET", f"/projects/{pk}/")[0], 200
    if kind == "dashboard":
        return kind, client.request("GET", "/dashboard/?year=2024")[0], 200
    path = f"/projects/{user['project']}/edit/"
    status, text = client.request("GET", path)
    if status != 200:
        return "save", status, 200
    form = Form()
    form.feed(text)
    return "save", client.request("POST", path, dict(form.fields))[0], 302


def phase(clients, seconds, think, seed, act):
    """Every (client, user) in its own thread runs `act(client, user, rng)` until the time is up,
    waiting `think` (a (min, max) range in seconds, or None) between requests. Returns the
    results [(label, seconds, ok)] and the elapsed time."""
    results = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def work(index, client, user):
        rng = random.Random(seed * 1000 + index)
        if think:
            time.sleep(rng.uniform(0, think[1]))  # users do not all start at the same instant
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                label, status, expected = act(client, user, rng)
                ok = status == expected
            except Exception:  # a failed connection is an error, not the end of the run
                label, ok = "error", False
                client.conn = None
            elapsed = time.perf_counter() - started
            with lock:
                results.append((label, elapsed, ok))
            if think:
                time.sleep(rng.uniform(*think))

    threads = [threading.Thread(target=work, args=(i, c, u)) for i, (c, u) in enumerate(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.monotonic() - started


def office(world):
    """What an office's users do: the MIX of requests."""
    kinds = [k for k, w in MIX for _ in range(w)]
    return lambda client, user, rng: action(client, user, rng.choice(kinds), world, rng)


def healthz(client, _user, _rng):
    return "healthz", client.request("GET", "/healthz")[0], 200


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000 if values else 0.0


def summary(results, elapsed):
    times = [t for _, t, _ in results]
    by_kind = defaultdict(list)
    for label, t, _ in results:
        by_kind[label].append(t)
    return {
        "requests": len(results), "errors": sum(1 for *_, ok in results if not ok),
        "rps": len(results) / elapsed, "p50": percentile(times, 50), "p99": percentile(times, 99),
        "max": max(times) * 1000 if times else 0.0,
        "kinds": {k: (len(v), percentile(v, 50), percentile(v, 99)) for k, v in sorted(by_kind.items())},
    }


def show(title, s):
    print(f"  {title}: {s['requests']} requests, {s['errors']} errors, {s['rps']:.1f} req/s, "
          f"p50 {s['p50']:.0f} ms, p99 {s['p99']:.0f} ms, max {s['max']:.0f} ms")
    for kind, (n, p50, p99) in s["kinds"].items():
        print(f"      {kind:<10} {n:>6}  p50 {p50:6.0f} ms  p99 {p99:6.0f} ms")


def measure(database, users, seconds):
    env = environment(database)
    print(f"\n== {database}: preparing (demo, {users} users) …", flush=True)
    world = prepare(env, users)
    server = Server(env)
    try:
        workers = subprocess.run([sys.executable, "-c", "import hezuo.gunicorn_conf as c; print(c.workers, c.threads)"],
                                 capture_output=True, text=True, cwd=ROOT, env=env).stdout.split()
        print(f"  gunicorn: {workers[0]} workers × {workers[1]} threads on {os.cpu_count()} cores", flush=True)
        clients = []
        for user in world["users"]:
            client = Client(server.port)
            client.login(user["username"])
            clients.append((client, user))
        busy = summary(*phase(clients, seconds, (1.0, 3.0), 1, office(world)))
        show("busy office (think 1–3 s)", busy)
        ceiling = summary(*phase(clients, seconds, None, 2, office(world)))
        show("ceiling (no think time)", ceiling)
        base = summary(*phase([(Client(server.port), None) for _ in range(users)], max(10, seconds // 4), None,
                              3, healthz))
        show("floor: /healthz, no think time", base)
        verdict = "met" if busy["errors"] == 0 and busy["p99"] < 500 else "NOT met"
        print(f"  goal (busy office: 0 errors, p99 < 500 ms): {verdict}")
        print(f"  ceiling / floor throughput: {ceiling['rps']:.1f} / {base['rps']:.1f} = "
              f"{ceiling['rps'] / base['rps']:.3f}")
    finally:
        errors = server.stop()
        if "Traceback" in errors:
            print("  server errors:\n" + errors)
    return busy, ceiling, base


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    options = parser.parse_args()
    for database in ("sqlite", "postgres"):
        if options.only in (None, database):
            measure(database, options.users, options.seconds)


if __name__ == "__main__":
    main()
