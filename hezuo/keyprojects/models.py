"""Key projects (重点项目): a project's annual plan investment, its monthly reports (月报),
and the province's completion rate each month (全省进度), the benchmark they are read against.

Progress (completion rate, time progress, points ahead, 滞后) is computed in queries.py,
never stored."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from hezuo import rules
from hezuo.amounts import AmountField
from hezuo.records import Record


class AnnualPlan(Record):
    """The investment a key project plans to complete in a year (年度计划投资)."""

    # What the record is, declared once (hezuo.records.Record).
    scope_path = "project__unit"
    program_path = "project__program"
    region_path = "project__partner_region"
    year_path = "year"

    project = models.ForeignKey("projects.Project", models.CASCADE, verbose_name="项目", related_name="annual_plans")
    year = models.PositiveIntegerField("年度")
    amount = AmountField("年度计划投资")

    class Meta:
        verbose_name = verbose_name_plural = "年度计划投资"
        ordering = ["-year", "project__code"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="keyprojects_one_plan_a_year")]

    def __str__(self):
        return f"{self.project.code} {self.year}年计划"


class MonthlyReport(Record):
    """A key project's report of one month (月报). Dated by the first day of its month, so
    the month's period lock (hezuo.periods) closes it like any dated record."""

    # What the record is, declared once (hezuo.records.Record).
    scope_path = "project__unit"
    program_path = "project__program"
    region_path = "project__partner_region"
    year_path = "year"
    year_from = "month"
    closed_by = ("key_projects",)  # PeriodLock.Covers.KEY_PROJECTS

    project = models.ForeignKey("projects.Project", models.CASCADE, verbose_name="项目", related_name="monthly_reports")
    month = models.DateField("月份", help_text="该月的第一天")
    year = models.PositiveIntegerField("年度", editable=False)
    completed_month = AmountField("本月完成投资", default=0)
    completed_ytd = AmountField("本年累计完成投资")
    completed_total = AmountField("开工以来累计完成投资", default=0)
    progress = models.TextField("形象进度", blank=True)
    problems = models.TextField("存在问题", blank=True)
    responsible = models.CharField("责任单位", max_length=100, blank=True)
    deadline = models.DateField("解决时限", null=True, blank=True)
    resolution = models.TextField("解决情况", blank=True)
    decline_reason = models.CharField("累计减少原因", max_length=200, blank=True,
                                      help_text="本年累计完成投资低于上月时必须说明")

    class Meta:
        verbose_name = verbose_name_plural = "重点项目月报"
        ordering = ["-month", "project__code"]
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="keyprojects_one_report_a_month")]
        indexes = [models.Index(fields=["year", "month"])]

    def __str__(self):
        return f"{self.project.code} {self.month:%Y年%m月}月报"

    def previous(self):
        """Last month's report of the same project (in the same year), or None."""
        return (MonthlyReport.objects.filter(project_id=self.project_id, year=self.month.year, month__lt=self.month)
                .exclude(pk=self.pk).order_by("-month").first())

    def completion_since_last_month(self):
        """This month's completion as its year-to-date less last month's (never below 0: a
        year-to-date corrected downwards, with its reason, completed nothing this month)."""
        before = self.previous()
        return self.completion_since(self.completed_ytd, before.completed_ytd if before else None)

    @staticmethod
    def completion_since(ytd, before_ytd):
        """This month's completion from its year-to-date and last month's (None: no report
        before it this year): the page's rule, which the import's 重点项目月报 applies too."""
        return max(ytd - (before_ytd or 0), 0)

    def clean(self):
        super().clean()
        if self.month is not None and self.month.day != 1:
            self.month = self.month.replace(day=1)
        if self.project_id is None or self.month is None or self.completed_ytd is None:
            return
        before = self.previous()
        if before is not None and (message := rules.ytd_decline(self.completed_ytd, self.decline_reason, before.month,
                                                                 before.completed_ytd)):
            raise ValidationError({"decline_reason": message})

    def share_of_plan(self, plan=None):
        """本年累计 ÷ 年度计划投资, in percent (Decimal), or None without a plan."""
        if plan is None:
            plan = AnnualPlan.objects.filter(project_id=self.project_id, year=self.month.year).first()
            plan = plan.amount if plan else None
        if not plan:
            return None
        return self.completed_ytd * 100 / plan


class ProvinceRate(Record):
    """The province's completion rate of its key projects' annual plans through a month
    (全省进度), entered by the city office. It belongs to no unit: only city officers write it."""

    scope_path = None
    year_path = "year"
    write_roles = ("city",)

    year = models.PositiveIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    rate = models.DecimalField("全省完成率（%）", max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = verbose_name_plural = "全省进度"
        ordering = ["-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="keyprojects_one_rate_a_month")]

    def __str__(self):
        return f"{self.year}年{self.month}月 全省完成率 {self.rate}%"

    def clean(self):
        super().clean()
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValidationError({"month": "月份应为 1 到 12"})
        if self.rate is not None and self.rate < Decimal(0):
            raise ValidationError({"rate": "全省完成率不能为负数"})


class ReportPhoto(Record):
    """A photo of a monthly report (现场照片), stored under the data directory (MEDIA_ROOT/
    keyprojects/) with a thumbnail; served only to readers of its project (views.photo).
    It carries its report's month, so the month's lock closes its photos too."""

    scope_path = "report__project__unit"
    program_path = "report__project__program"
    region_path = "report__project__partner_region"
    year_path = "year"
    year_from = "month"
    closed_by = ("key_projects",)  # PeriodLock.Covers.KEY_PROJECTS

    report = models.ForeignKey(MonthlyReport, models.CASCADE, verbose_name="月报", related_name="photos")
    month = models.DateField("月份", editable=False)  # its report's, copied (save)
    year = models.PositiveIntegerField("年度", editable=False)
    image = models.FileField("照片", upload_to="keyprojects/photos/%Y/%m/")
    thumbnail = models.FileField("缩略图", upload_to="keyprojects/thumbs/%Y/%m/")
    caption = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "月报照片"
        ordering = ["id"]

    def __str__(self):
        return f"{self.report} 照片{self.caption and '：' + self.caption}"

    def save(self, *args, **kwargs):
        self.month = self.report.month
        super().save(*args, **kwargs)
