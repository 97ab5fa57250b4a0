from django.conf import settings
from django.db import models
from django.db.models import Q

from hezuo.records import Record


class Indicator(Record):
    """An indicator defined by the office (自定义指标): records cannot compute it, so each
    target on it has its actual entered by hand. Built-in indicators are not rows: they are
    code (hezuo/targets/indicators.py)."""

    scope_path = None  # a dictionary: read by everyone signed in
    write_roles = ("city",)

    name = models.CharField("指标名称", max_length=60, unique=True)
    unit = models.CharField("计量单位", max_length=20, help_text="如：元、人次、个、%")

    class Meta:
        verbose_name = verbose_name_plural = "自定义指标"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Target(Record):
    """A target (目标任务) of a program and year, for the whole city or one unit (and below),
    on a built-in indicator (`indicator`, a key of indicators.BUILTIN: the actual is computed
    from records) or an office-defined one (`custom`: the actual is entered by hand, with who
    and when)."""

    # What the record is, declared once (hezuo.records.Record). A target without a unit is the
    # city's: read by those who read every unit; a district reads the targets of its subtree.
    program_path = "program"
    year_path = "year"
    write_roles = ("city",)

    indicator = models.CharField("指标", max_length=40, blank=True)
    custom = models.ForeignKey(Indicator, models.PROTECT, null=True, blank=True, verbose_name="自定义指标",
                               related_name="targets")
    program = models.ForeignKey("org.Program", models.PROTECT, verbose_name="工作类别", related_name="+")
    year = models.PositiveIntegerField("年度")
    unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, verbose_name="责任单位",
                             related_name="+", help_text="留空为全市目标")
    value = models.DecimalField("目标值", max_digits=18, decimal_places=2)
    # Hand-entered actuals (office-defined indicators only), and who entered them when.
    actual_value = models.DecimalField("完成值", max_digits=18, decimal_places=2, null=True, blank=True)
    actual_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="填报人", db_index=False)
    actual_at = models.DateTimeField("填报时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "目标任务"
        ordering = ["year", "program__sort_order", "indicator", "custom__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(indicator="") & Q(custom__isnull=False)) | (~Q(indicator="") & Q(custom__isnull=True)),
                name="target_has_one_indicator"),
        ]
        indexes = [models.Index(fields=["year", "program"])]

    def __str__(self):
        return f"{self.year}年 {self.program} {self.indicator_label}"

    @property
    def indicator_label(self):
        from hezuo.targets.indicators import BUILTIN

        if self.custom_id:
            return self.custom.name
        found = BUILTIN.get(self.indicator)
        return found.label if found else self.indicator

    @property
    def measure_unit(self):
        from hezuo.targets.indicators import BUILTIN

        if self.custom_id:
            return self.custom.unit
        found = BUILTIN.get(self.indicator)
        return found.unit if found else ""
