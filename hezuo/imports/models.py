from django.conf import settings
from django.db import models
from django.utils import timezone


class BackgroundRun(models.Model):
    """Work that may run in a background worker (an import, a large export): its progress,
    and the lease that tells whether whoever runs it is still alive (services/leases.py)."""

    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    phase = models.CharField("进度说明", max_length=60, blank=True)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    task_id = models.CharField("后台任务", max_length=64, blank=True)  # django-tasks' result id
    holder = models.CharField("运行进程", max_length=200, blank=True)  # host:pid:start of the process running it
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    error = models.TextField("中止原因", blank=True)  # why it stopped, when not because of the file's content

    class Meta:
        abstract = True

    FINISHED = ("succeeded", "checked", "failed")

    @property
    def finished(self):
        return self.status in self.FINISHED

    @property
    def percent(self):
        if self.finished:
            return 100
        return min(99, int(self.rows_done * 100 / self.rows_total)) if self.rows_total else 0


class ImportRecord(BackgroundRun):
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
    summary = models.JSONField("各表结果", default=list, blank=True)
    problems = models.JSONField("错误", default=list, blank=True)
    notes = models.JSONField("提示", default=list, blank=True)
    warnings = models.JSONField("提醒", default=list, blank=True)  # project rules broken after the import
    # What the office's own words mean for this import ("单位.类型:市级=区域合作办", as given to
    # --map): kept with the file, so a re-run or a confirmation imports the same way.
    mappings = models.JSONField("值映射", default=list, blank=True)
    retry_of = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="retry",
                                    verbose_name="重新导入自")
    # Words the file used that a choice or name column does not know (importer.UnknownValue),
    # so the page can offer to map them after a background run.
    unknown = models.JSONField("未识别的值", default=list, blank=True)
    # A dry run's updated rows field by field (ImportResult.changes), for the preview.
    changes = models.JSONField("预览的修改", default=dict, blank=True)
    # The data's change counter (stats.freshness) when a dry run began: a confirmation is
    # refused once it differs, for the preview would no longer say what the import does.
    generation = models.PositiveBigIntegerField("预览时的数据版本", null=True, blank=True)
    # The import this one runs again with values mapped (映射后重新校验) or for real (确认导入).
    follows = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="followups",
                                verbose_name="来自")

    class Meta:
        verbose_name = verbose_name_plural = "导入记录"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.original_name}（{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}）"

    @property
    def interrupted(self):
        """Stopped by a dead worker or an internal error, not by the file: worth running again."""
        return self.status == self.Status.FAILED and bool(self.error)

    def totals(self):
        keys = ("rows", "created", "updated", "unchanged")
        return {key: sum(sheet.get(key, 0) for sheet in self.summary) for key in keys}


class ExportRecord(BackgroundRun):
    """A large export written by a background worker, kept for its requester to download."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "导出中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "导出失败"

    class What(models.TextChoices):
        LIST = "list", "列表导出"
        FULL = "full", "数据导出（标准模板）"
        QR_PDF = "qr_pdf", "岗位二维码标签（PDF）"  # a recruitment event's (query: event=<id>), hezuo.jobs.qrcodes
        QR_ZIP = "qr_zip", "岗位二维码图片（ZIP）"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="exports",
                                     verbose_name="导出人")
    what = models.CharField("内容", max_length=10, choices=What.choices)
    kind = models.CharField("记录类型", max_length=40, blank=True)  # a list export's kind slug
    query = models.TextField("筛选条件", blank=True)  # a list export's query string, as on the page
    year = models.PositiveIntegerField("年度", null=True, blank=True)
    scope = models.CharField("数据范围", max_length=300)  # access.scope_key when asked
    name = models.CharField("文件名", max_length=255)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField("保留至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导出记录"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name

    @property
    def expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def counted(self):
        """What its rows are, for people: an event's QR codes count codes, other exports rows."""
        return "个二维码" if self.what in (self.What.QR_PDF, self.What.QR_ZIP) else "行"

    @property
    def downloadable(self):
        return self.status == self.Status.SUCCEEDED and bool(self.file) and not self.expired
