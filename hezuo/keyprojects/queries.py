"""Key projects' progress against plan, time and province (重点项目进度), computed from the
monthly reports, never stored.

- completion rate = year-to-date completed ÷ annual plan (a project's latest report through
  the month; the whole's sums);
- time progress (序时进度) = months elapsed ÷ 12;
- 快于全省 N 个百分点 = completion rate − the province's rate of the month (全省进度);
- 快于序时进度 N 个百分点 = completion rate − time progress;
- 滞后项目 = key projects whose completion rate is below time progress.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, OuterRef, Subquery

from hezuo import access, numbers
from hezuo.keyprojects.models import AnnualPlan, MonthlyReport, ProvinceRate
from hezuo.projects.models import Project

ONE_PLACE = Decimal("0.1")


def rounded(rate):
    """A rate for people and JSON: percent to one decimal (half up), or None."""
    return None if rate is None else rate.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def percent(part, whole):
    return None if not whole else Decimal(part) * 100 / Decimal(whole)


def time_progress(month):
    """序时进度 through `month`, in percent: months elapsed ÷ 12."""
    return None if month is None else Decimal(month) * 100 / 12


def compared(points, what):
    if points is None:
        return ""
    return f"{'快于' if points >= 0 else '慢于'}{what}{numbers.format_points(abs(points))}"


@dataclass
class ProjectProgress:
    project: Project
    plan: Decimal | None
    completed: Decimal
    time_progress: Decimal | None

    @property
    def completion_rate(self):
        return percent(self.completed, self.plan)

    @property
    def gap(self):
        """Completion rate − time progress, in points (negative: behind)."""
        if self.completion_rate is None or self.time_progress is None:
            return None
        return self.completion_rate - self.time_progress

    @property
    def lagging(self):
        return self.gap is not None and self.gap < 0

    @property
    def behind(self):
        """How many points behind time progress (for the 滞后 list)."""
        return None if self.gap is None else -self.gap


@dataclass
class Progress:
    year: int
    through_month: int | None
    annual_plan: Decimal
    completed: Decimal
    province_rate: Decimal | None
    projects: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.projects)

    @property
    def completion_rate(self):
        return percent(self.completed, self.annual_plan)

    @property
    def time_progress(self):
        return time_progress(self.through_month)

    @property
    def ahead_points(self):
        """快于全省 N 个百分点 (of the rounded rates, as people read them side by side)."""
        if self.completion_rate is None or self.province_rate is None:
            return None
        return rounded(self.completion_rate) - self.province_rate

    @property
    def ahead_of_time_points(self):
        """快于序时进度 N 个百分点."""
        if self.completion_rate is None or self.time_progress is None:
            return None
        return rounded(self.completion_rate) - rounded(self.time_progress)

    @property
    def lagging(self):
        return [p for p in self.projects if p.lagging]

    @property
    def versus_province(self):
        """快于全省 43.1个百分点 / 慢于全省 …, or ""."""
        return compared(self.ahead_points, "全省")

    @property
    def versus_time(self):
        """快于序时进度 60.3个百分点 / 慢于序时进度 …, or ""."""
        return compared(self.ahead_of_time_points, "序时进度")

    def as_json(self):
        """`key_projects` of the `hezuo stats --format json` document (DESIGN.md)."""
        number = lambda rate: None if rate is None else float(rounded(rate))  # noqa: E731
        return {
            "count": self.count, "annual_plan": float(self.annual_plan), "completed": float(self.completed),
            "through_month": self.through_month, "completion_rate": number(self.completion_rate),
            "province_rate": number(self.province_rate), "ahead_points": number(self.ahead_points),
            "lagging": [{"code": p.project.code, "name": p.project.name, "unit": p.project.unit.name,
                         "completion_rate": number(p.completion_rate), "time_progress": number(p.time_progress)}
                        for p in self.lagging],
        }


def key_projects(user, year, level=Project.KeyLevel.PROVINCE, program=None):
    """The key projects of `year` (of `level`) the user may read, of `program` and the
    programs under it when one is given."""
    rows = access.visible(user, Project.objects.filter(year=year, key_level=level))
    return rows.filter(program__in=program.tree_ids()) if program is not None else rows


def reported_year(user):
    """The last year a readable key project has reported in, else this year."""
    last = access.visible(user, MonthlyReport.objects.all()).order_by("-year").values_list("year", flat=True).first()
    return last or datetime.date.today().year


def latest_month(user, year):
    """The last month of `year` any readable key project has reported, or None."""
    last = (access.visible(user, MonthlyReport.objects.filter(year=year)).order_by("-month")
            .values_list("month", flat=True).first())
    return last.month if last else None


def progress(user, year, through_month=None, level=Project.KeyLevel.PROVINCE, program=None):
    """Progress of `year`'s key projects (of `program` and below, when given) through
    `through_month` (default: the last month any readable key project reported, whatever its
    program, so time progress is the same under every filter). Three queries with the
    default month (two with a month and no program): the month, the projects with their plan
    and latest year-to-date, the rate."""
    if through_month is None:
        through_month = latest_month(user, year)
    cut = datetime.date(year, through_month or 12, 1)
    amount = DecimalField(max_digits=18, decimal_places=2)
    latest = (MonthlyReport.objects.filter(project=OuterRef("pk"), year=year, month__lte=cut)
              .order_by("-month").values("completed_ytd")[:1])
    plan = AnnualPlan.objects.filter(project=OuterRef("pk"), year=year).values("amount")[:1]
    rows = (key_projects(user, year, level, program).select_related("unit")
            .annotate(plan=Subquery(plan, output_field=amount), ytd=Subquery(latest, output_field=amount))
            .order_by("code"))
    tp = time_progress(through_month)
    projects = [ProjectProgress(p, p.plan, p.ytd or Decimal(0), tp) for p in rows]
    rate = None
    if through_month is not None:
        rate = ProvinceRate.objects.filter(year=year, month=through_month).values_list("rate", flat=True).first()
    return Progress(year, through_month, sum((p.plan or Decimal(0) for p in projects), Decimal(0)),
                    sum((p.completed for p in projects), Decimal(0)), rate, projects)


# -- A unit's month in the reporting cycle (重点项目月报) ------------------------------------


@dataclass
class MonthRow:
    """A key project of a unit's month: its report of the month (None: 未填报) and annual plan."""

    project: Project
    report: MonthlyReport | None
    plan: Decimal | None

    @property
    def completion_rate(self):
        return percent(self.report.completed_ytd, self.plan) if self.report else None


def unit_key_projects(unit_path, year, level=Project.KeyLevel.PROVINCE):
    """The key projects of `year` held by the unit at `unit_path` and the units below it:
    those whose monthly reports the reporting cycle asks for. 省重点 by default, the level
    whose progress the key projects' pages, the dashboard and `hezuo stats` follow."""
    return Project.objects.filter(year=year, key_level=level, unit__path__startswith=unit_path)


def month_rows(unit, year, month):
    """Each key project of `unit` (and below) of `year` with its report of `month` and its
    annual plan, by project code. Two queries, however many projects."""
    amount = DecimalField(max_digits=18, decimal_places=2)
    plan = AnnualPlan.objects.filter(project=OuterRef("pk"), year=year).values("amount")[:1]
    projects = list(unit_key_projects(unit.path, year).select_related("unit")
                    .annotate(plan=Subquery(plan, output_field=amount)).order_by("code"))
    reports = {r.project_id: r for r in MonthlyReport.objects.filter(
        project__in=[p.pk for p in projects], month=datetime.date(year, month, 1))}
    return [MonthRow(p, reports.get(p.pk), p.plan) for p in projects]


def units_holding(year, level=Project.KeyLevel.PROVINCE):
    """The ids of the units that hold a key project (省重点 by default) of `year`."""
    return set(Project.objects.filter(year=year, key_level=level).values_list("unit_id", flat=True).distinct())
