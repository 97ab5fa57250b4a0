from django.db import models

from hezuo.records import Record


class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"
    OTHER = "other", "其他"


class Honor(Record):
    # What the record is, declared once (hezuo.records.Record).
    program_path = "program"
    year_path = "year"

    name = models.CharField("荣誉名称", max_length=200)
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="获得单位", related_name="honors")
    program = models.ForeignKey(
        "org.Program", models.PROTECT, null=True, blank=True, verbose_name="工作类别", related_name="honors"
    )
    year = models.PositiveIntegerField("年度", db_index=True)
    awarded_by = models.CharField("授予机关", max_length=120, blank=True)
    recipient = models.CharField("获得者（个人填姓名）", max_length=120, blank=True)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "荣誉"
        ordering = ["-year", "level", "id"]

    def __str__(self):
        return self.name


class Case(Record):
    """A best-practice or typical case (典型案例) selected by a higher level."""

    # What the record is, declared once (hezuo.records.Record).
    program_path = "program"
    year_path = "year"

    title = models.CharField("案例名称", max_length=200)
    level = models.CharField("入选级别", max_length=20, choices=Level.choices)
    selection = models.CharField("入选名单", max_length=200, blank=True)
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="报送单位", related_name="cases")
    program = models.ForeignKey("org.Program", models.PROTECT, verbose_name="工作类别", related_name="cases")
    year = models.PositiveIntegerField("年度", db_index=True)
    summary = models.TextField("案例摘要", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "典型案例"
        ordering = ["-year", "id"]

    def __str__(self):
        return self.title

    @property
    def name(self):
        return self.title
