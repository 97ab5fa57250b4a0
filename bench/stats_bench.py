"""Statistics at national scale: Hezuo's figures against hand-written SQL, in one run.

    .venv/bin/python bench/make_national.py      # once: the dataset, in SQLite and PostgreSQL
    .venv/bin/python bench/stats_bench.py [--year 2024] [--runs 7] [--only sqlite|postgres]

On each database, for one year:
(a) the figures of `hezuo stats --year Y --format json` from hezuo.stats.queries
    (statistics(...).as_json(), as the command calls it),
(b) the same figures by one hand-written SQL query per measure, rolled up to parent programs
    in Python (the floor); (a) and (b) must agree to the cent,
(c) the dashboard (/dashboard/?year=Y) rendered by django.test.Client for a city officer:
    as served while the data stays the same (the built dashboard is kept until a change
    commits, hezuo/stats/freshness.py), and built from the records every time
    (HEZUO_DASHBOARD_CACHE_SECONDS=0: the first view after each change),
(d) the fund-record list of the busiest program that year (?program=…&year=Y): page 1, and page
    5,000 reached as people reach it (下一页 from page 4,999, a keyset link) and typed as
    ?page=5000 (OFFSET, read from the nearer end); besides, the list's footer aggregate
    (COUNT and SUM over the filtered rows) alone, the unfiltered list, and a district
    reporter's list.

Medians of --runs runs after one untimed warm-up, so caches are warm as on a server in use.
Each database is measured in its own process, one after the other. Prints the ratios the
issue asks for: (a)/(b) ≤ 1.5, (c)/(b) ≤ 2, list pages ≤ 100 ms median on PostgreSQL.
"""

import argparse
import html
import json
import os
import re
import statistics as stats_module
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from make_national import DEFAULT_DATA_DIR, DEFAULT_POSTGRES  # noqa: E402

BUSIEST_PROGRAM = "东西部协作"
DEEP_PAGE = 5000

# (measure key of the JSON, SQL returning (program id, value) rows for the year). One query
# per measure, the way someone would write each figure by hand.
FLOOR = [
    ("projects", "SELECT program_id, COUNT(*) FROM projects_project WHERE year = %s GROUP BY program_id"),
    ("key_projects", "SELECT program_id, COUNT(*) FROM projects_project WHERE year = %s AND key_level = 'province' "
                     "GROUP BY program_id"),
    # A fund record carries its project's program (FundRecord.program), so no join.
    ("funds_arranged", "SELECT program_id, SUM(amount) FROM projects_fundrecord WHERE year = %s "
                       "AND stage = 'arranged' GROUP BY program_id"),
    ("funds_disbursed", "SELECT program_id, SUM(amount) FROM projects_fundrecord WHERE year = %s "
                        "AND stage = 'disbursed' GROUP BY program_id"),
    ("consumption", "SELECT program_id, SUM(amount) FROM assistance_consumptionrecord WHERE year = %s "
                    "GROUP BY program_id"),
    ("dispatch_batches", "SELECT program_id, COUNT(*) FROM exchanges_dispatch WHERE year = %s GROUP BY program_id"),
    ("dispatch_person_times", "SELECT program_id, SUM(person_times) FROM exchanges_dispatch WHERE year = %s "
                              "GROUP BY program_id"),
    ("activity_batches", "SELECT program_id, SUM(batches) FROM exchanges_activity WHERE year = %s GROUP BY program_id"),
    ("activity_person_times", "SELECT program_id, SUM(person_times) FROM exchanges_activity WHERE year = %s "
                              "GROUP BY program_id"),
    ("signed_projects", "SELECT program_id, SUM(signed_projects) FROM exchanges_activity WHERE year = %s "
                        "GROUP BY program_id"),
    ("signed_investment", "SELECT program_id, SUM(signed_investment) FROM exchanges_activity WHERE year = %s "
                          "GROUP BY program_id"),
]


def median_ms(run, runs):
    run()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return stats_module.median(times) * 1000


# -- (a) and (b) ----------------------------------------------------------------------------

def hezuo_figures(year):
    from hezuo import access
    from hezuo.stats.management.commands.stats import JSON_MEASURES
    from hezuo.stats.queries import BY_KEY, statistics

    measures = [BY_KEY[key] for key in JSON_MEASURES] + [BY_KEY["key_projects"]]
    return statistics(access.CONSOLE, year, by=("program",), compare=False, measures=measures).as_json()


def floor_figures(year):
    """{program name: {measure: value}} with parents rolled up, plus the key-project count."""
    from django.db import connection

    from hezuo.org.models import Program

    programs = list(Program.objects.values_list("id", "name", "parent_id"))
    values = {}
    with connection.cursor() as cursor:
        for key, sql in FLOOR:
            cursor.execute(sql, [year])
            values[key] = dict(cursor.fetchall())
    parent = {pk: parent_id for pk, _name, parent_id in programs}
    rolled = {name: {key: 0 for key, _sql in FLOOR} for _pk, name, _parent in programs}
    names = {pk: name for pk, name, _parent in programs}
    for key, by_program in values.items():
        for pk, value in by_program.items():
            node = pk
            while node is not None:  # a program's figure counts for every program above it
                rolled[names[node]][key] += value or 0
                node = parent[node]
    return rolled


def check_same(hezuo, floor):
    """(a) and (b) agree: every program, every measure (amounts to the cent)."""
    def same(value, expected):
        return abs(Decimal(str(value)) - Decimal(str(expected))) <= Decimal("0.01")

    for row in hezuo["programs"]:
        for key, value in row.items():
            if key not in ("name", "parent") and not same(value, floor[row["name"]][key]):
                sys.exit(f"(a) and (b) disagree: {row['name']} {key}: {value} ≠ {floor[row['name']][key]}")
    key_projects = sum(floor[row["name"]]["key_projects"] for row in hezuo["programs"] if row["parent"] is None)
    if hezuo["key_projects"]["count"] != key_projects:
        sys.exit(f"(a) and (b) disagree: key projects {hezuo['key_projects']['count']} ≠ {key_projects}")


# -- (c) and (d) ----------------------------------------------------------------------------

def client_for(username):
    from django.test import Client

    from hezuo.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def getter(client, url):
    def get():
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{url}: HTTP {response.status_code}")
        return response

    return get


def shown_count(response):
    return int(re.search(r"共 <strong>([\d,]+)</strong> 条", response.content.decode()).group(1).replace(",", ""))


def next_link(response):
    return html.unescape(re.search(r'href="([^"]*)">下一页', response.content.decode()).group(1))


def child(args):
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Sum
    from django.test import override_settings

    from hezuo.org.models import Program
    from hezuo.projects.models import FundRecord

    year, runs = args.year, args.runs
    figures = {}

    hezuo = hezuo_figures(year)
    check_same(hezuo, floor_figures(year))
    figures["a"] = median_ms(lambda: hezuo_figures(year), runs)
    figures["b"] = median_ms(lambda: floor_figures(year), runs)

    city = client_for("bench-city")
    figures["c"] = median_ms(getter(city, f"/dashboard/?year={year}"), runs)
    with override_settings(HEZUO_DASHBOARD_CACHE_SECONDS=0):
        figures["c_built"] = median_ms(getter(city, f"/dashboard/?year={year}"), runs)

    program = Program.objects.get(name=BUSIEST_PROGRAM)
    rows = FundRecord.objects.filter(program__in=program.tree_ids(), year=year)
    count = rows.count()
    base = f"/funds/?program={program.pk}&year={year}"
    first = getter(city, base)()
    if shown_count(first) != count:
        sys.exit(f"the list shows {shown_count(first)} rows, the database has {count}")
    keyset = "/funds/" + next_link(getter(city, f"{base}&page={DEEP_PAGE - 1}")())
    if f"page={DEEP_PAGE}&" not in keyset:
        sys.exit(f"fewer than {DEEP_PAGE} pages: {keyset}")
    figures["list_rows"] = count
    figures["d1"] = median_ms(getter(city, base), runs)
    figures["d_keyset"] = median_ms(getter(city, keyset), runs)
    figures["d_number"] = median_ms(getter(city, f"{base}&page={DEEP_PAGE}"), runs)
    figures["d_footer"] = median_ms(lambda: rows.aggregate(n=Count("*"), amount=Sum("amount")), runs)
    figures["d_all"] = median_ms(getter(city, "/funds/"), runs)
    figures["d_all_footer"] = median_ms(lambda: FundRecord.objects.aggregate(n=Count("*"), amount=Sum("amount")),
                                        runs)
    figures["d_district"] = median_ms(getter(client_for("bench-district"), f"/funds/?year={year}"), runs)
    # The footers are kept until the next committed change (core/queries.list_footer): the
    # first view after a change computes them, as these do.
    with override_settings(HEZUO_DASHBOARD_CACHE_SECONDS=0):
        figures["d_all_built"] = median_ms(getter(city, "/funds/"), runs)
        figures["d_district_built"] = median_ms(getter(client_for("bench-district"), f"/funds/?year={year}"), runs)
    figures["funds"] = FundRecord.objects.count()
    figures["vendor"] = connection.vendor
    print(json.dumps(figures))


def run(label, args):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="hezuo.settings", HEZUO_DATA_DIR=str(args.data_dir),
               STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage")
    env.pop("DATABASE_URL", None)
    if label == "postgres":
        env["DATABASE_URL"] = args.postgres
    command = [sys.executable, __file__, "--child", "--year", str(args.year), "--runs", str(args.runs)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{label} failed:\n{done.stderr[-3000:]}{done.stdout[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(label, f, args):
    print(f"\n{label}: {f['funds']:,} fund records; year {args.year}; medians of {args.runs} runs")
    print(f"  (a) hezuo stats (queries.statistics → JSON)   {f['a']:8.1f} ms")
    print(f"  (b) floor: one SQL query per measure          {f['b']:8.1f} ms")
    print(f"  (c) dashboard page (test client), kept        {f['c']:8.1f} ms")
    print(f"      the same, built from the records          {f['c_built']:8.1f} ms")
    print(f"  (d) fund list, {BUSIEST_PROGRAM} {args.year} ({f['list_rows']:,} rows):")
    print(f"      page 1                                    {f['d1']:8.1f} ms")
    print(f"      page {DEEP_PAGE:,} by 下一页 (keyset)              {f['d_keyset']:8.1f} ms")
    print(f"      page {DEEP_PAGE:,} typed (?page=, OFFSET)          {f['d_number']:8.1f} ms")
    print(f"      its footer alone (COUNT + SUM)            {f['d_footer']:8.1f} ms")
    print(f"      unfiltered list, page 1                   {f['d_all']:8.1f} ms")
    print(f"      its footer alone (COUNT + SUM, all rows)  {f['d_all_footer']:8.1f} ms")
    print(f"      district reporter, ?year={args.year}, page 1     {f['d_district']:8.1f} ms")
    print(f"      the two, footer computed (first view after a change) "
          f"{f['d_all_built']:.1f} / {f['d_district_built']:.1f} ms")
    print(f"  (a)/(b) = {f['a'] / f['b']:.2f}   goal ≤ 1.5")
    print(f"  (c)/(b) = {f['c'] / f['b']:.2f}   goal ≤ 2 (built every time: {f['c_built'] / f['b']:.2f})")
    if f["vendor"] == "postgresql":
        worst = max(f["d1"], f["d_keyset"])
        print(f"  list pages: page 1 and 下一页 to page {DEEP_PAGE:,} ≤ {worst:.0f} ms   goal ≤ 100 ms")
        print(f"  unfiltered and district lists ≤ {max(f['d_all'], f['d_district']):.0f} ms   goal ≤ 100 ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        return child(args)
    print(f"{os.cpu_count()} CPUs; SQLite {args.data_dir}/hezuo.sqlite3, PostgreSQL {args.postgres}")
    for label in ("sqlite", "postgres"):
        if not args.only or args.only == label:
            report("SQLite" if label == "sqlite" else "PostgreSQL", run(label, args), args)


if __name__ == "__main__":
    main()
