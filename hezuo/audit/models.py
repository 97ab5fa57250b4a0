"""The seals that make the audit trail tamper-evident (hezuo/audit/chain.py).

django-auditlog's LogEntry is left as it is: a seal is a row of its own, one per entry.
Swapping the entry model (AUDITLOG_LOGENTRY_MODEL) would move every installation's entries
to a new table, and our code and auditlog's own import `auditlog.models.LogEntry`; and an
entry is sealed after its transaction commits, so the seal is a later, separate write anyway.
"""

from auditlog.models import LogEntry
from django.db import models

GENESIS = "0" * 64  # what the first entry of a chain links to


class Seal(models.Model):
    """Entry number `seq` of the chain: HMAC of the entry's content, `seq` and the previous digest."""

    seq = models.BigIntegerField("序号", primary_key=True)
    entry = models.OneToOneField(LogEntry, on_delete=models.PROTECT, related_name="seal", verbose_name="审计条目")
    digest = models.CharField("摘要", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计封存"


class ChainHead(models.Model):
    """One row: the last seal. Sealing locks it, so entries are appended one batch at a time."""

    seq = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, default=GENESIS)
    mac = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"


class ArchiveCut(models.Model):
    """Entries up to `seq` were archived to a file and removed; the chain goes on from `digest`."""

    seq = models.BigIntegerField("截至序号", unique=True)
    digest = models.CharField("截至摘要", max_length=64)
    before = models.DateField("归档此日期之前")
    entries = models.PositiveIntegerField("条目数")
    file_name = models.CharField("归档文件", max_length=500)
    file_sha256 = models.CharField("文件校验和", max_length=64)
    created_at = models.DateTimeField("归档时间")
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计归档"
        ordering = ["seq"]


class ImportedRange(models.Model):
    """Records an import created, as a run of consecutive ids of one model: the index behind a
    record's "新增 · 导入…" line. The import's entry for that model (one entry per import and
    model, not per record: hezuo/audit/imports.py) lists the same runs in its sealed content,
    and `verify` checks that the two agree, so a run changed here by SQL is found."""

    entry = models.ForeignKey(LogEntry, models.PROTECT, related_name="imported_ranges", verbose_name="审计条目")
    content_type = models.ForeignKey("contenttypes.ContentType", models.PROTECT, verbose_name="记录类型")
    first_pk = models.BigIntegerField("起始编号")
    last_pk = models.BigIntegerField("截止编号")

    class Meta:
        verbose_name = verbose_name_plural = "导入新增记录范围"
        # Runs never overlap, so the one holding id n is the first whose last_pk ≥ n.
        indexes = [models.Index(fields=["content_type", "last_pk"], name="audit_range_lookup")]

    def __str__(self):
        return f"{self.first_pk}–{self.last_pk}"
