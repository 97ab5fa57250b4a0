"""The office's month: a reporting task issued to units, each unit's submission of it, the
steps it went through, and the notices people receive (hezuo/reporting/services.py writes them).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from hezuo.periods.models import PeriodLock, month_span


class ReportingTask(models.Model):
    """填报任务: what the city office asks units to report for a month, and by when."""

    class Kind(models.TextChoices):
        MONTHLY_DATA = "monthly_data", "月度数据"
        KEY_PROJECTS = "key_projects", "重点项目月报"

    title = models.CharField("任务名称", max_length=100)
    kind = models.CharField("报送内容", max_length=20, choices=Kind.choices, default=Kind.MONTHLY_DATA)
    year = models.PositiveIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    deadline = models.DateField("截止日期")
    units = models.ManyToManyField("org.Unit", related_name="+", verbose_name="报送单位")
    note = models.TextField("说明", blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="下发人", db_index=False)
    issued_at = models.DateTimeField("下发时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "填报任务"
        ordering = ["-year", "-month", "-id"]

    def __str__(self):
        return self.title

    @property
    def period_label(self):
        return f"{self.year}年{self.month}月"

    def month_range(self):
        """[first day of the month, first day of the next)."""
        return month_span(self.year, self.month)

    @property
    def locks(self):
        """What approving a unit's answer closes of its month (PeriodLock.Covers): a
        重点项目月报 its key projects' reports, 月度数据 every record."""
        if self.kind == self.Kind.KEY_PROJECTS:
            return PeriodLock.Covers.KEY_PROJECTS
        return PeriodLock.Covers.ALL


class Submission(models.Model):
    """One unit's answer to one task: 未报送 → 已报送 → 已通过, or → 已退回 → 已报送 again; an
    approval withdrawn (撤销审核) sends it back to 已退回."""

    scope_path = "unit"  # read through access.visible, like a record of the unit

    class State(models.TextChoices):
        PENDING = "pending", "未报送"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已通过"

    task = models.ForeignKey(ReportingTask, models.CASCADE, related_name="submissions", verbose_name="填报任务")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="单位")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PENDING)
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="报送人", db_index=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="审核人", db_index=False)
    return_reason = models.TextField("退回原因", blank=True)
    # What was approved: the n-th approval of this unit's month, the records it held per
    # kind, and the last audit entry at that moment (what changed since is after it).
    approved_version = models.PositiveIntegerField("审核版本", null=True, blank=True)
    approved_counts = models.JSONField("审核时记录数", default=dict, blank=True)
    audit_mark = models.BigIntegerField("审核时审计位置", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "报送"
        ordering = ["task", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="one_submission_per_unit")]

    def __str__(self):
        return f"{self.unit} {self.task}"

    def late_days(self, today):
        """Days past the deadline it was (first) submitted, or is still not: 0 when on time."""
        if self.first_submitted_at:
            day = timezone.localdate(self.first_submitted_at)
        else:
            day = today
        return max((day - self.task.deadline).days, 0)

    def is_late(self, today):
        return self.late_days(today) > 0


class SubmissionEvent(models.Model):
    """A step of a submission, shown on its page: who, when, from which state to which, why."""

    class Action(models.TextChoices):
        ISSUED = "issued", "下发"
        SUBMITTED = "submitted", "报送"
        APPROVED = "approved", "审核通过"
        RETURNED = "returned", "退回"
        REOPENED = "reopened", "撤销审核"
        REMINDED = "reminded", "催报"

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="events", verbose_name="报送")
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    from_state = models.CharField("原状态", max_length=20, choices=Submission.State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=Submission.State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="操作人", db_index=False)
    at = models.DateTimeField("时间", default=timezone.now)
    reason = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "报送记录"
        ordering = ["at", "id"]

    @property
    def actor_label(self):
        return str(self.actor) if self.actor_id else "系统管理命令"


class Notice(models.Model):
    """An in-app notice (催报, 退回, 通过 …) on its recipient's 工作台. Kept when read."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notices",
                                  verbose_name="接收人")
    text = models.CharField("内容", max_length=300)
    link = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("发送时间", default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="发送人", db_index=False)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.text
