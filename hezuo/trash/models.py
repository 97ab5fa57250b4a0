from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from hezuo import numbers


class TrashEntryQuerySet(models.QuerySet):
    def restorable(self, now=None):
        return self.filter(deleted_at__gte=TrashEntry.cutoff(now))

    def expired(self, now=None):
        return self.filter(deleted_at__lt=TrashEntry.cutoff(now))


class TrashEntry(models.Model):
    """A deleted record and everything deleted with it (a project's fund records), kept
    `HEZUO_TRASH_KEEP_DAYS` so a city officer can restore them.

    The rows themselves are really deleted: statistics, lists, exports and the importer's keys
    never see them without any query knowing about the trash. What was deleted is kept here
    as Django's serialized form (`rows`, parents before children, with their ids), with the
    links other records lost by the delete (`links`: a project's 所在园区 when its park went).
    """

    # Scoped like the record it holds: a district reporter sees its own units' deletions.
    scope_path = "unit"

    kind = models.CharField("类型", max_length=40)  # the registry slug of the deleted record
    object_id = models.BigIntegerField("记录编号")
    label = models.CharField("记录", max_length=300)
    unit = models.ForeignKey("org.Unit", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name="单位", db_index=False)
    unit_name = models.CharField("单位名称", max_length=80, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name="删除人", db_index=False)
    deleted_at = models.DateTimeField("删除时间", default=timezone.now)
    reason = models.CharField("删除原因", max_length=200, blank=True)
    # What went with it, for the list: [{"kind", "title", "count", "totals": [[label, 元]]}].
    summary = models.JSONField("随之删除", default=list, encoder=DjangoJSONEncoder)
    rows = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    links = models.JSONField(default=list, encoder=DjangoJSONEncoder)

    objects = TrashEntryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "回收站记录"
        ordering = ["-deleted_at", "-id"]
        indexes = [models.Index(fields=["deleted_at"]), models.Index(fields=["unit", "deleted_at"])]

    def __str__(self):
        return self.label

    @staticmethod
    def cutoff(now=None):
        return (now or timezone.now()) - timedelta(days=settings.HEZUO_TRASH_KEEP_DAYS)

    def restorable_until(self):
        return self.deleted_at + timedelta(days=settings.HEZUO_TRASH_KEEP_DAYS)

    def is_restorable(self, now=None):
        return self.deleted_at >= self.cutoff(now)

    def days_left(self, now=None):
        return max(0, (self.restorable_until() - (now or timezone.now())).days)

    def summary_texts(self):
        """What went with the record, for people: ["资金 5 条（安排 350万元、拨付 200万元）", …]."""
        return [group["title"] if group["count"] is None else describe(group["title"], group["count"], group["totals"])
                for group in self.summary]


def describe(title, count, totals):
    """资金 5 条（安排 350万元、拨付 200万元）: records of one kind and their totals (元)."""
    shown = "、".join(f"{label} {numbers.format_amount(Decimal(str(amount)))}" for label, amount in totals)
    return f"{title} {count} 条" + (f"（{shown}）" if shown else "")
