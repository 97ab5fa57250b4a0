"""Report benchmark: the demo year's summary as .docx, against a floor measured in the same run.

    .venv/bin/python bench/report_bench.py [--year 2024] [--repeat 5] [--postgres]

Set-up (a fresh database, migrations, regions, the Huzhou demo) is not timed. Then, best of
`--repeat` runs each:

(a) floor: python-docx writing a document with the same paragraphs and tables (same text,
    same number of rows and cells), nothing computed, default styles;
(b) `hezuo report --format docx`'s work: statistics, sentences, honors, problems, the
    appendix's filter descriptions, styled fonts, and the file;
(c) for information: the PDF of the same summary (WeasyPrint).

Goal (issue 5): (b) under 3 s for the city-scale report on this machine.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="use DATABASE_URL (must point at an empty database)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hezuo.settings")
    if not args.postgres:
        os.environ.pop("DATABASE_URL", None)
        os.environ["HEZUO_DATA_DIR"] = tempfile.mkdtemp()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from hezuo.demo.huzhou import load_demo
    from hezuo.org.services import load_regions

    load_regions()
    load_demo()

    from docx import Document

    from hezuo import access
    from hezuo.reports.services import render
    from hezuo.reports.services.report import build_report

    report = build_report(access.CONSOLE, args.year)
    paragraphs = [b.plain for b in report.blocks if b.kind != "table"]
    tables = [b for b in report.blocks if b.kind == "table"]
    appendix = [[str(r.number), r.figure.label, r.text, r.figure.exact, r.figure.url] for r in report.appendix]

    def floor():
        document = Document()
        document.add_paragraph(report.title)
        for text in paragraphs:
            document.add_paragraph(text)
        for block in tables:
            table = document.add_table(rows=1 + len(block.rows), cols=len(block.columns))
            for row, values in zip(table.rows, [block.columns, *block.rows]):
                for cell, value in zip(row.cells, values):
                    cell.text = value.text if hasattr(value, "text") else str(value)
        table = document.add_table(rows=1 + len(appendix), cols=5)
        for row, values in zip(table.rows, [["序号", "指标", "文中写法", "精确值", "筛选条件"], *appendix]):
            for cell, value in zip(row.cells, values):
                cell.text = value
        document.save(io.BytesIO())

    def hezuo_docx():
        render.to_docx(build_report(access.CONSOLE, args.year), io.BytesIO())

    def hezuo_pdf():
        render.to_pdf(build_report(access.CONSOLE, args.year))

    a = best(floor, args.repeat)
    b = best(hezuo_docx, args.repeat)
    c = best(hezuo_pdf, max(1, args.repeat // 2))
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"database: {engine}; paragraphs {len(paragraphs)}, tables {len(tables) + 1}, figures {len(appendix)}")
    print(f"(a) floor, python-docx, same paragraphs and tables: {a:.3f} s")
    print(f"(b) hezuo report --format docx:                      {b:.3f} s   (b)/(a) = {b / a:.1f}   goal < 3 s: "
          f"{'met' if b < 3 else 'NOT met'}")
    print(f"(c) hezuo report --format pdf:                       {c:.3f} s")


if __name__ == "__main__":
    main()
