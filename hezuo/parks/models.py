from django.db import models

from hezuo.amounts import AmountField
from hezuo.records import Record


class Park(Record):
    """An industrial park, enclave (飞地) or cooperation platform built with a partner."""

    # What the record is, declared once (hezuo.records.Record).
    program_path = "program"
    region_path = "partner_region"

    class Kind(models.TextChoices):
        PARK = "park", "产业园"
        ENCLAVE = "enclave", "产业飞地"
        COMMON_PROSPERITY = "prosperity", "共富产业园"
        PLATFORM = "platform", "合作平台"
        ZONE = "zone", "合作先行区"

    name = models.CharField("名称", max_length=120, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    program = models.ForeignKey("org.Program", models.PROTECT, verbose_name="工作类别", related_name="parks")
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="建设单位", related_name="parks")
    partner_region = models.ForeignKey(
        "org.Region", models.PROTECT, verbose_name="合作地区", related_name="parks"
    )
    location = models.ForeignKey(
        "org.Region", models.PROTECT, null=True, blank=True, verbose_name="所在地", related_name="+"
    )
    established_year = models.PositiveIntegerField("设立年份", null=True, blank=True)
    area_mu = models.DecimalField("规划面积（亩）", max_digits=12, decimal_places=2, null=True, blank=True)
    description = models.TextField("简介", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "园区·飞地"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Enterprise(Record):
    # What the record is, declared once (hezuo.records.Record).
    scope_path = "park__unit"
    program_path = "park__program"
    region_path = "park__partner_region"


    park = models.ForeignKey(Park, models.CASCADE, verbose_name="所在园区", related_name="enterprises")
    name = models.CharField("企业名称", max_length=120)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    industry = models.CharField("行业", max_length=60, blank=True)
    from_our_side = models.BooleanField("本地企业投资", default=True)
    settled_year = models.PositiveIntegerField("入驻年份", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "入驻企业"
        ordering = ["park", "name"]
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="unique_enterprise_in_park")]

    def __str__(self):
        return self.name


class ParkFigure(Record):
    """Yearly figures of a park, or of one enterprise in it, and which side they count for."""

    # What the record is, declared once (hezuo.records.Record).
    scope_path = "park__unit"
    program_path = "park__program"
    region_path = "park__partner_region"
    year_path = "year"

    class CreditedTo(models.TextChoices):
        OURS = "ours", "计入我方"
        PARTNER = "partner", "计入结对地区"
        SHARED = "shared", "双方共享"

    park = models.ForeignKey(Park, models.CASCADE, verbose_name="园区", related_name="figures")
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, null=True, blank=True, verbose_name="企业（为空表示园区整体）",
        related_name="figures",
    )
    year = models.PositiveIntegerField("年度")
    fixed_asset_investment = AmountField("固定资产投资", null=True, blank=True)
    industrial_output = AmountField("规上工业总产值", null=True, blank=True)
    output = AmountField("产值", null=True, blank=True)
    employment = models.PositiveIntegerField("带动就业（人）", null=True, blank=True)
    projects_introduced = models.PositiveIntegerField("引进项目数", null=True, blank=True)
    investment_introduced = AmountField("引进项目总投资", null=True, blank=True)
    credited_to = models.CharField("统计归属", max_length=20, choices=CreditedTo.choices, default=CreditedTo.OURS)
    cumulative = models.BooleanField("累计数", default=False, help_text="勾选表示截至该年末的累计数，而非当年数")

    class Meta:
        verbose_name = verbose_name_plural = "园区年度数据"
        ordering = ["-year", "park"]
        constraints = [
            models.UniqueConstraint(fields=["park", "enterprise", "year"], name="unique_park_figure"),
            # NULLs are distinct in a unique index: a second whole-park row needs its own rule.
            models.UniqueConstraint(fields=["park", "year"], condition=models.Q(enterprise__isnull=True),
                                    name="unique_whole_park_figure",
                                    violation_error_message="该园区该年度已有整体数据"),
        ]

    def __str__(self):
        who = self.enterprise or self.park
        return f"{who} {self.year}年"

    @property
    def name(self):
        return str(self)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.enterprise_id and self.park_id and self.enterprise.park_id != self.park_id:
            raise ValidationError({"enterprise": "该企业不在所选园区内"})
