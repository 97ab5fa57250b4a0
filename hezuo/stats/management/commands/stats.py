import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from hezuo import access, numbers, sections
from hezuo.keyprojects.queries import progress
from hezuo.stats.queries import BY_KEY, statistics

# The measures of DESIGN.md's JSON, in its order; the table shows the same.
JSON_MEASURES = ["projects", "funds_arranged", "funds_disbursed", "consumption", "dispatch_batches",
                 "dispatch_person_times", "activity_batches", "activity_person_times", "signed_projects",
                 "signed_investment"]


def width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text, size, right=False):
    space = " " * max(size - width(text), 0)
    return space + text if right else text + space


class Command(BaseCommand):
    help = "Print the statistics of a year (every unit), per program: JSON for programs, a table for people."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--through-month", type=int, help="only records dated January to this month")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, year, through_month=None, format="table", **options):
        if not 1900 <= year <= 9999:
            raise CommandError("年度应为四位数字，如 2024")
        if through_month is not None and not 1 <= through_month <= 12:
            raise CommandError("--through-month 应为 1 到 12 之间的月份")
        measures = [BY_KEY[key] for key in JSON_MEASURES] + [BY_KEY["key_projects"]]
        stats = statistics(access.CONSOLE, year, through_month, by=("program",), compare=False, measures=measures)
        if format == "json":
            targets = sections.collect("stats.targets", access.CONSOLE, year, through_month) or []
            key_projects = progress(access.CONSOLE, year, through_month)
            self.stdout.write(json.dumps(stats.as_json(key_projects, targets), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self.table(stats, [BY_KEY[key] for key in JSON_MEASURES]))

    def table(self, stats, measures):
        headers = ["工作类别"] + [m.label for m in measures]
        rows = []
        for row in stats.programs + [stats.total]:
            name = "　" * row.depth + row.label
            rows.append([name] + [cell(row[m.key]) for m in measures])
        widths = [max(width(r[i]) for r in rows + [headers]) for i in range(len(headers))]
        lines = [f"{stats.period}区域合作统计（全部单位；金额按万元/亿元，项目按年度计）", ""]
        lines.append("  ".join(pad(h, w, right=i > 0) for i, (h, w) in enumerate(zip(headers, widths))))
        lines.append("  ".join("─" * w for w in widths))
        for r in rows:
            if r is rows[-1]:
                lines.append("  ".join("─" * w for w in widths))
            lines.append("  ".join(pad(c, w, right=i > 0) for i, (c, w) in enumerate(zip(r, widths))))
        return "\n".join(lines)


def cell(figure):
    if not figure.value:
        return "—"
    return numbers.format_amount(figure.value) if figure.is_amount else numbers.format_count(figure.value)
