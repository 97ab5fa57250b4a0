"""Import benchmark: a 100,000-row 资金 sheet, three ways, in one run.

    .venv/bin/python bench/import_bench.py [--rows 100000] [--postgres] [--runs 3] [--skip-import-export]
        [--database NAME] [--updates N] [--profile FILE]

(a) raw read of the file with python-calamine (the fastest reader there is: the floor),
(b) Hezuo's import of it into a fresh database (projects already there),
(c) the same rows imported with django-import-export configured the usual way
    (a ModelResource, natural-key import_id_fields, ForeignKeyWidget for the project);
with --updates N, (u): after the same import (not timed), a second file whose first N rows
    have another amount: N updated records, each with its audit entry, timed and with the
    audit's share (naming and writing the entries, sealing them) measured apart.

Each runs in its own process on its own fresh database (on PostgreSQL `<--database>_<phase>`,
dropped and made again: give a name of your own on a shared server), so timings and peak
memory do not leak into each other; set-up (migrations, regions, projects) is not timed.
Besides seconds, each run's CPU seconds (of the Python process) are printed: on a shared
machine they move less than wall-clock time. --profile FILE writes cProfile's figures of
the last (b) to FILE. (a) and (b) run
--runs times, taking turns, and their medians are compared. Prints seconds,
peak RSS and the ratios the issue asks for: (b)/(a) ≤ 4, (c)/(b) ≥ 10, (b) peak < 500 MiB.
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ["安排", "下达", "拨付", "支出"]
SOURCES = ["财政援助资金", "财政援助资金", "财政援助资金", "社会帮扶资金"]


def make_workbook(path, rows, changed=0):
    """The 资金 sheet of the standard template; ten fund rows per project. The first
    `changed` rows get another amount (an import that updates them)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("资金")
    sheet.append(["项目编号", "日期", "环节", "金额（万元）", "资金来源"])
    rng = random.Random(2024)
    for i in range(rows):
        project = i // 10
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=(i % 10) * 30 + project % 28)
        amount = round(rng.uniform(1, 500), 2) + (1 if i < changed else 0)
        sheet.append([f"B-{project:06d}", day, STAGES[i % 4], amount, SOURCES[i % 4]])
    workbook.save(path)


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_database(projects):
    """A fresh database with the units, programs, regions and projects the sheet refers to."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from hezuo.org.models import Program, Region, Unit
    from hezuo.org.services import load_regions
    from hezuo.projects.models import Project

    load_regions()
    unit = Unit.objects.create(name="南浔区")
    program = Program.objects.get(name="东西部协作")
    region = Region.objects.get(code="511602")
    Project.objects.bulk_create(
        [Project(code=f"B-{i:06d}", name=f"项目{i}", program=program, unit=unit, partner_region=region, year=2024)
         for i in range(projects)],
        batch_size=2000,
    )


def phase_raw(path):
    import python_calamine

    start, cpu = time.perf_counter(), time.process_time()
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_name("资金").to_python()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "rows": len(rows) - 1}


def phase_hezuo(path):
    from hezuo.access import CONSOLE
    from hezuo.imports.services.importer import import_workbook
    from hezuo.projects.models import FundRecord

    profile = os.environ.get("BENCH_PROFILE")
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start, cpu = time.perf_counter(), time.process_time()
    result = import_workbook(path, CONSOLE)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    if profile:
        profiler.disable()
        profiler.dump_stats(profile)
    assert result.ok, result.problems[:5]
    return {"seconds": seconds, "cpu": cpu, "rows": FundRecord.objects.count()}


def phase_update(path):
    """Import the file, then (timed) its copy with the first --updates rows changed."""
    from auditlog.models import LogEntry

    from hezuo.access import CONSOLE
    from hezuo.audit import chain, imports
    from hezuo.imports.services.importer import import_workbook

    assert import_workbook(path, CONSOLE).ok
    spent = {"naming": 0.0, "writing": 0.0, "seal": 0.0}

    def timed(function, key):
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - start
        return run

    imports.ImportAudit.updated = timed(imports.ImportAudit.updated, "naming")  # prime, str, the rows
    imports.ImportAudit.write = timed(imports.ImportAudit.write, "writing")
    chain.seal = timed(chain.seal, "seal")
    changed = str(path).replace(".xlsx", "-changed.xlsx")
    entries = LogEntry.objects.count()
    start, cpu = time.perf_counter(), time.process_time()
    result = import_workbook(changed, CONSOLE)
    seconds = time.perf_counter() - start
    assert result.ok, result.problems[:5]
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "rows": result.sheets[0].updated,
            "entries": LogEntry.objects.count() - entries, **spent}


def phase_import_export(path):
    from decimal import Decimal

    import tablib
    from import_export import fields, resources, widgets

    from hezuo.projects.models import FundRecord, Project

    class LabelWidget(widgets.Widget):
        def __init__(self, choices):
            super().__init__()
            self.by_label = {label: value for value, label in choices}

        def clean(self, value, row=None, **kwargs):
            return self.by_label[value]

    class WanWidget(widgets.DecimalWidget):
        def clean(self, value, row=None, **kwargs):
            return (Decimal(str(value)) * 10000).quantize(Decimal("0.01"))

    class FundResource(resources.ModelResource):
        project = fields.Field("project", "项目编号", widgets.ForeignKeyWidget(Project, field="code"))
        date = fields.Field("date", "日期", widgets.DateWidget())
        stage = fields.Field("stage", "环节", LabelWidget(FundRecord.Stage.choices))
        amount = fields.Field("amount", "金额（万元）", WanWidget())
        source = fields.Field("source", "资金来源", LabelWidget(FundRecord.Source.choices))

        class Meta:
            model = FundRecord
            fields = ("project", "date", "stage", "amount", "source")
            import_id_fields = ("project", "date", "stage", "source")

    start = time.perf_counter()
    dataset = tablib.Dataset().load(Path(path).read_bytes(), format="xlsx")
    result = FundResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - start
    assert not result.has_errors()
    return {"seconds": seconds, "rows": FundRecord.objects.count()}


PHASES = {"raw": phase_raw, "hezuo": phase_hezuo, "import-export": phase_import_export, "update": phase_update}


def run_phase(name, path, rows, postgres, database="hezuo_bench", profile=None):
    """Run one phase in a child process with its own fresh database; returns its figures."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="hezuo.settings", HEZUO_DATA_DIR=tempfile.mkdtemp())
    if postgres:
        database = f"{database}_{name.replace('-', '_')}"
        for sql in (f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}"):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    else:
        env.pop("DATABASE_URL", None)
    if profile:
        env["BENCH_PROFILE"] = str(profile)
    child = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--file", str(path), "--rows", str(rows)],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )
    if child.returncode:
        sys.exit(f"phase {name} failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def child(args):
    if args.phase != "raw":
        setup_database(args.rows // 10 + 1)
    before = peak_mib()
    figures = PHASES[args.phase](args.file)
    figures.update(peak_mib=peak_mib(), baseline_mib=before)
    print(json.dumps(figures))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="import into PostgreSQL instead of SQLite")
    parser.add_argument("--skip-import-export", action="store_true", help="leave out (c), the slow peer")
    parser.add_argument("--runs", type=int, default=3, help="runs of (a) and of (b), taking turns; medians count")
    parser.add_argument("--database", default="hezuo_bench",
                        help="PostgreSQL: prefix of the databases made (and dropped) for the phases")
    parser.add_argument("--updates", type=int, default=0, help="also time an import updating this many rows")
    parser.add_argument("--profile", help="write cProfile's figures of the last (b) run to this file")
    parser.add_argument("--phase", choices=PHASES)
    parser.add_argument("--file")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.phase:
        return child(args)

    workdir = Path(tempfile.mkdtemp(prefix="hezuo-bench-"))
    path = workdir / f"funds-{args.rows}.xlsx"
    make_workbook(path, args.rows)
    if args.updates:
        make_workbook(workdir / f"funds-{args.rows}-changed.xlsx", args.rows, changed=args.updates)
    print(f"workbook: {args.rows:,} fund rows, {path.stat().st_size / 1024 / 1024:.1f} MiB; "
          f"database: {'PostgreSQL' if args.postgres else 'SQLite'}")
    # (a) and (b) take turns, --runs times, and the medians count: this machine is shared,
    # and a burst of someone else's work should not land on one side only.
    runs = {"raw": [], "hezuo": []}
    for run in range(args.runs):
        for name in runs:
            profile = args.profile if name == "hezuo" and run == args.runs - 1 else None
            runs[name].append(run_phase(name, path, args.rows, args.postgres, args.database, profile))
    results = {name: sorted(figures, key=lambda f: f["seconds"])[len(figures) // 2] for name, figures in runs.items()}
    if not args.skip_import_export:
        results["import-export"] = run_phase("import-export", path, args.rows, args.postgres, args.database)
    if args.updates:
        results["update"] = run_phase("update", path, args.rows, args.postgres, args.database)
    for name, figures in results.items():
        print(f"  ({'abcu'[list(PHASES).index(name)]}) {name:<14} {figures['seconds']:8.2f} s  "
              f"{figures['rows']:>8,} rows  peak RSS {figures['peak_mib']:6.0f} MiB "
              f"(before the timed part {figures['baseline_mib']:.0f} MiB)", flush=True)
    print("  each run's (b)/(a): " + ", ".join(f"{b['seconds'] / a['seconds']:.2f}"
                                              for a, b in zip(runs["raw"], runs["hezuo"])))
    # CPU seconds of this process only: on a shared machine they move less than wall-clock time.
    print("  each run's CPU seconds (a), (b): " + ", ".join(f"{a['cpu']:.2f}, {b['cpu']:.2f}"
                                                          for a, b in zip(runs["raw"], runs["hezuo"])))
    if args.updates:
        update = results["update"]
        per = 1000 / max(update["rows"], 1)
        print(f"  (u) per 1,000 updated rows: {update['seconds'] * per:.2f} s ({update['cpu'] * per:.2f} s CPU), "
              f"of which audit entries: naming {update['naming'] * per:.3f} s, writing {update['writing'] * per:.3f} s, "
              f"sealing {update['seal'] * per:.3f} s; "
              f"{update['entries']:,} entries written")
    raw, hezuo = results["raw"]["seconds"], results["hezuo"]["seconds"]
    print(f"(b)/(a) = {hezuo / raw:.2f}   goal ≤ 4")
    if "import-export" in results:
        print(f"(c)/(b) = {results['import-export']['seconds'] / hezuo:.1f}   goal ≥ 10")
    print(f"(b) peak RSS = {results['hezuo']['peak_mib']:.0f} MiB   goal < 500 MiB")


if __name__ == "__main__":
    main()
