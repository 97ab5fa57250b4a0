from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportRecord(models.Model):
    """One import of a workbook: the original file, who sent it, what it did."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "导入中"
        SUCCEEDED = "succeeded", "已导入"
        CHECKED = "checked", "校验通过（未写入）"
        FAILED = "failed", "有错误，未写入任何数据"

    file = models.FileField("原始文件", upload_to="imports/%Y/%m/")
    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）")
    checksum = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="imports", verbose_name="导入人（命令行导入为空）")
    source = models.CharField("来源", max_length=20, default="page")
    dry_run = models.BooleanField("仅校验", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    phase = models.CharField("进度说明", max_length=60, blank=True)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    summary = models.JSONField("各表结果", default=list, blank=True)
    problems = models.JSONField("错误", default=list, blank=True)
    notes = models.JSONField("提示", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导入记录"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.original_name}（{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}）"

    @property
    def percent(self):
        if self.status in (self.Status.SUCCEEDED, self.Status.CHECKED, self.Status.FAILED):
            return 100
        return min(99, int(self.rows_done * 100 / self.rows_total)) if self.rows_total else 0

    @property
    def finished(self):
        return self.status in (self.Status.SUCCEEDED, self.Status.CHECKED, self.Status.FAILED)

    def totals(self):
        keys = ("rows", "created", "updated", "unchanged")
        return {key: sum(sheet.get(key, 0) for sheet in self.summary) for key in keys}
