from django.conf import settings
from django.db import models
from django.utils import timezone


class TemplateVersion(models.Model):
    """One version of a sentence template of the annual summary (hezuo/reports/sentences.py):
    a program family's (对口支援 …) or the opening's (开篇). City officers reword them on the
    句式模板 page; a version is never changed or deleted, so the newest one is the family's
    current template and the others are its history. Without any, the file shipped with
    Hezuo (or the office's HEZUO_REPORT_TEMPLATES_DIR) is. Restoring that file adds a version
    (`restored`) like any other edit.

    City-wide, like the province's rates: no unit, no period; the write gate reads
    `write_roles` (hezuo/gate.py)."""

    scope_path = None
    write_roles = ("city",)

    family = models.CharField("句式模板", max_length=40)
    number = models.PositiveIntegerField("版本号")
    text = models.TextField("模板内容")
    note = models.CharField("修改说明", max_length=200, blank=True)
    restored = models.BooleanField("恢复为系统默认", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="修改人", db_index=False)
    created_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "报告句式模板"
        ordering = ["family", "-number"]
        # Two editors saving on top of the same version: the second one is refused, here too.
        constraints = [models.UniqueConstraint(fields=["family", "number"], name="reports_one_version_number")]

    def __str__(self):
        return f"{self.family} 第{self.number}版"

    @property
    def author(self):
        return self.created_by.display_name if self.created_by_id else "系统管理命令"
