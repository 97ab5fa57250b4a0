import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class ActiveLocks(models.Manager):
    """The locks that close their period now (not released)."""

    def get_queryset(self):
        return super().get_queryset().filter(released_at__isnull=True)


class PeriodLock(models.Model):
    """A closed period. A unit's month (`month` set) closes the records of that unit and of
    the units below it dated in that month; a year (`month` None) closes the records of
    that unit and below dated in that year, or, with `unit` None, every unit's (年度关账).
    No write path creates, changes or deletes a record in a closed period (hezuo/gate.py);
    a city officer reopens it with a reason (services.unlock)."""

    class Cause(models.TextChoices):
        APPROVAL = "approval", "审核通过"
        MANUAL = "manual", "手工锁定"
        YEAR = "year", "年度关账"

    class Covers(models.TextChoices):
        """What of the period a lock closes. Approving a unit's 重点项目月报 closes its key
        projects' reports of the month, not the funds and activities that its 月度数据, still
        to be submitted, reports. A record kind says which narrower lock closes it besides
        a whole one (Record.closed_by)."""

        ALL = "all", "全部记录"
        KEY_PROJECTS = "key_projects", "重点项目月报"

    unit = models.ForeignKey("org.Unit", models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name="单位")
    year = models.PositiveIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份", null=True, blank=True)
    cause = models.CharField("锁定方式", max_length=20, choices=Cause.choices, default=Cause.MANUAL)
    covers = models.CharField("锁定范围", max_length=20, choices=Covers.choices, default=Covers.ALL)
    reason = models.CharField("原因", max_length=200, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="锁定人", db_index=False)
    locked_at = models.DateTimeField("锁定时间", default=timezone.now)
    # Reopening keeps the row (the history of who closed and reopened what, and why); only
    # locks not released close anything.
    released_at = models.DateTimeField("解锁时间", null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="解锁人", db_index=False)
    release_reason = models.CharField("解锁原因", max_length=200, blank=True)

    objects = models.Manager()
    active = ActiveLocks()

    class Meta:
        verbose_name = verbose_name_plural = "期间锁定"
        ordering = ["-year", "-month", "id"]
        indexes = [models.Index(fields=["year", "month"])]

    def __str__(self):
        narrower = "" if self.covers == self.Covers.ALL else f"（{self.get_covers_display()}）"
        return f"{self.unit.name if self.unit_id else '全市'} {self.period_label}{narrower}"

    def closes(self, model):
        """Does this lock close records of `model` in its period?"""
        return closes(self.covers, model)

    @property
    def period_label(self):
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年"

    @property
    def unit_label(self):
        return self.unit.name if self.unit_id else "全市"

    @property
    def by_label(self):
        """Who closed it, for a page explaining why a record cannot be changed."""
        if self.locked_by_id is None:
            return "系统管理命令"
        return self.locked_by.display_name or self.locked_by.username


def reach(covers):
    """The locks that close what a lock covering `covers` closes: one of that reach, or a whole one."""
    return {covers, PeriodLock.Covers.ALL}


def closes(covers, model):
    """Does a lock covering `covers` close records of `model` in its period? A whole lock
    closes every kind; a narrower one those declaring it (Record.closed_by)."""
    return covers == PeriodLock.Covers.ALL or covers in getattr(model, "closed_by", ())


def month_span(year, month):
    """(the first day of a month, the first day of the next): the dates a month's period holds."""
    return datetime.date(year, month, 1), datetime.date(year + month // 12, month % 12 + 1, 1)
