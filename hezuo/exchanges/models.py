from django.core.exceptions import ValidationError
from django.db import models

from hezuo.amounts import AmountField
from hezuo.records import Record


class Dispatch(Record):
    """A batch of people sent to a partner region (人员派遣)."""

    # What the record is, declared once (hezuo.records.Record).
    program_path = "program"
    region_path = "destination"
    year_path = "year"
    year_from = "start_date"

    class Kind(models.TextChoices):
        CADRE = "cadre", "党政干部"
        PROFESSIONAL = "professional", "专业技术人才"
        EXPERT = "expert", "柔性专家"
        OTHER = "other", "其他"

    batch_name = models.CharField("批次名称", max_length=120)
    kind = models.CharField("人员类型", max_length=20, choices=Kind.choices)
    program = models.ForeignKey("org.Program", models.PROTECT, verbose_name="工作类别", related_name="dispatches")
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="派出单位", related_name="dispatches")
    destination = models.ForeignKey(
        "org.Region", models.PROTECT, verbose_name="派往地区", related_name="dispatches"
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    year = models.PositiveIntegerField("年度", editable=False)
    person_times = models.PositiveIntegerField("人次")
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员派遣"
        ordering = ["-start_date", "-id"]
        # A list sorted by date, whole (start_date, id) or of one year (year, start_date, id): the first
        # page, and each next one (keyset), is an index range scan instead of a sort of every row.
        indexes = [models.Index(fields=["year", "start_date", "id"]), models.Index(fields=["start_date", "id"]),
                   models.Index(fields=["year", "program"])]

    def __str__(self):
        return self.batch_name

    @property
    def name(self):
        return self.batch_name


class Cadre(Record):
    """A named person in a dispatch. Phone and ID number are personal data: pages mask
    them for anyone who may not edit the dispatch."""

    # What the record is, declared once (hezuo.records.Record).
    scope_path = "dispatch__unit"
    program_path = "dispatch__program"
    region_path = "dispatch__destination"
    year_path = "dispatch__year"

    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    dispatch = models.ForeignKey(Dispatch, models.CASCADE, verbose_name="派遣批次", related_name="cadres")
    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    employer = models.CharField("原工作单位", max_length=120, blank=True)
    position = models.CharField("挂职岗位", max_length=120, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)

    PERSONAL_FIELDS = ("phone", "id_number")

    class Meta:
        verbose_name = verbose_name_plural = "援派干部人才"
        ordering = ["dispatch", "name"]
        indexes = [models.Index(fields=["name", "id"])]  # the list's default sort

    def __str__(self):
        return self.name

    def clean(self):
        if self.id_number and (len(self.id_number) != 18 or not self.id_number[:17].isdigit()):
            raise ValidationError({"id_number": "身份证号应为18位，前17位为数字"})


class Activity(Record):
    """An exchange activity: promotion, job fair, study tour, joint meeting, training …"""

    # What the record is, declared once (hezuo.records.Record).
    program_path = "program"
    region_path = "partner_region"
    year_path = "year"
    year_from = "date"

    class Kind(models.TextChoices):
        PROMOTION = "promotion", "推介会"
        JOB_FAIR = "job_fair", "招聘会"
        INSPECTION = "inspection", "考察"
        STUDY = "study", "研学"
        MEETING = "meeting", "联席会议"
        TRAINING = "training", "培训"
        EXCHANGE = "exchange", "交流学习"
        OTHER = "other", "其他"

    name = models.CharField("活动名称", max_length=200)
    kind = models.CharField("活动类型", max_length=20, choices=Kind.choices)
    program = models.ForeignKey("org.Program", models.PROTECT, verbose_name="工作类别", related_name="activities")
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="主办单位", related_name="activities")
    partner_region = models.ForeignKey(
        "org.Region", models.PROTECT, null=True, blank=True, verbose_name="结对地区", related_name="activities"
    )
    date = models.DateField("日期")
    year = models.PositiveIntegerField("年度", editable=False)
    location = models.CharField("地点", max_length=120, blank=True)
    batches = models.PositiveIntegerField("批次", default=1)
    person_times = models.PositiveIntegerField("人次", default=0)
    enterprises = models.PositiveIntegerField("企业数", default=0)
    signed_projects = models.PositiveIntegerField("签约项目数", default=0)
    signed_investment = AmountField("签约金额", default=0)
    description = models.TextField("活动内容", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "交流活动"
        ordering = ["-date", "-id"]
        # A list sorted by date, whole (date, id) or of one year (year, date, id): the first
        # page, and each next one (keyset), is an index range scan instead of a sort of every row.
        indexes = [models.Index(fields=["year", "date", "id"]), models.Index(fields=["date", "id"]),
                   models.Index(fields=["year", "program"])]

    def __str__(self):
        return self.name
