from django.db import models

from hezuo.amounts import AmountField
from hezuo.records import Record


class ConsumptionRecord(Record):
    """Products of a partner region sold with our help (消费帮扶)."""

    # What the record is, declared once (hezuo.records.Record).
    program_path = "program"
    region_path = "origin"
    year_path = "year"
    year_from = "date"

    class Channel(models.TextChoices):
        CANTEEN = "canteen", "机关食堂采购"
        UNION = "union", "工会采购"
        ONLINE = "online", "电商平台"
        LIVESTREAM = "livestream", "直播带货"
        FAIR = "fair", "展销会"
        STORE = "store", "商超专柜"
        ENTERPRISE = "enterprise", "企业采购"
        OTHER = "other", "其他"

    date = models.DateField("日期")
    year = models.PositiveIntegerField("年度", editable=False)
    program = models.ForeignKey("org.Program", models.PROTECT, verbose_name="工作类别", related_name="consumption")
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="实施单位", related_name="consumption")
    origin = models.ForeignKey("org.Region", models.PROTECT, verbose_name="产地", related_name="consumption")
    product = models.CharField("产品名称", max_length=120)
    channel = models.CharField("销售渠道", max_length=20, choices=Channel.choices, default=Channel.OTHER)
    amount = AmountField("金额")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "消费帮扶"
        ordering = ["-date", "-id"]
        # A list sorted by date, whole (date, id) or of one year (year, date, id): the first
        # page, and each next one (keyset), is an index range scan instead of a sort of every row.
        indexes = [models.Index(fields=["year", "date", "id"]), models.Index(fields=["date", "id"]),
                   models.Index(fields=["year", "program"])]

    def __str__(self):
        return f"{self.product}（{self.date:%Y-%m-%d}）"

    @property
    def name(self):
        return self.product


class InKindAid(Record):
    """Goods given in kind (物资帮扶): the quantity keeps its own unit (万株, 公斤 …)."""

    # What the record is, declared once (hezuo.records.Record).
    program_path = "program"
    region_path = "region"
    year_path = "year"
    year_from = "date"

    item = models.CharField("物资名称", max_length=120)
    program = models.ForeignKey("org.Program", models.PROTECT, verbose_name="工作类别", related_name="in_kind_aid")
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="实施单位", related_name="in_kind_aid")
    region = models.ForeignKey("org.Region", models.PROTECT, verbose_name="受援地区", related_name="in_kind_aid")
    date = models.DateField("日期")
    year = models.PositiveIntegerField("年度", editable=False)
    quantity = models.DecimalField("数量", max_digits=18, decimal_places=4)
    quantity_unit = models.CharField("计量单位", max_length=20, help_text="如：万株、公斤、台、套")
    value = AmountField("折合金额", null=True, blank=True)
    beneficiaries = models.PositiveIntegerField("受益人数", null=True, blank=True)
    outcome = models.TextField("成效", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "物资帮扶"
        ordering = ["-date", "-id"]
        # A list sorted by date, whole (date, id) or of one year (year, date, id): the first
        # page, and each next one (keyset), is an index range scan instead of a sort of every row.
        indexes = [models.Index(fields=["year", "date", "id"]), models.Index(fields=["date", "id"])]

    def __str__(self):
        return self.item

    @property
    def name(self):
        return self.item
