"""Labour cooperation (劳务协作): employers, their job postings, recruitment events, and
the scans of a posting's public page.

A posting reaches the public through its token (`/j/<token>/`), never its id. Training
sessions (劳动力培训) are Activity records of kind 培训 (hezuo.exchanges), linked to the
event they belong to, so their person-times are held once and counted by the 劳动力培训
indicator as before.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from hezuo import numbers
from hezuo.amounts import AmountField
from hezuo.jobs import credit
from hezuo.records import Record


def new_token():
    """An unguessable public token: 8 random bytes, 11 url-safe characters."""
    return secrets.token_urlsafe(8)


class Employer(Record):
    """An employer (用工企业) recruiting through us; our unit responsible for it owns it (an
    employer a 岗位 sheet creates: the unit of the event it recruits at)."""

    # What the record is, declared once (hezuo.records.Record).
    scope_path = "unit"

    name = models.CharField("企业名称", max_length=120)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[credit.validate])
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="负责单位", related_name="employers")
    contact = models.CharField("联系人", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    # Its page of open postings on the public host (/j/c/<token>/), which an employer's
    # poster's QR code points to.
    token = models.CharField("公开链接标识", max_length=24, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "用工企业"
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = credit.normalize(self.credit_code)
        super().save(*args, **kwargs)


class RecruitmentEvent(Record):
    """A recruitment event (招聘活动) in a partner region: the postings taken there, the
    results counted afterwards and the training sessions held with it."""

    # What the record is, declared once (hezuo.records.Record).
    program_path = "program"
    region_path = "destination"
    year_path = "year"
    year_from = "start_date"

    name = models.CharField("活动名称", max_length=120, unique=True)
    program = models.ForeignKey("org.Program", models.PROTECT, verbose_name="工作类别",
                                related_name="recruitment_events")
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="组织单位", related_name="recruitment_events")
    destination = models.ForeignKey("org.Region", models.PROTECT, verbose_name="前往地区",
                                    related_name="recruitment_events")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    year = models.PositiveIntegerField("年度", editable=False)
    location = models.CharField("活动地点", max_length=120, blank=True)
    # Results, entered after the event.
    intentions = models.PositiveIntegerField("意向人数", default=0)
    signed = models.PositiveIntegerField("签约人数", default=0)
    transferred = models.PositiveIntegerField("转移就业人数", default=0)
    transferred_poor = models.PositiveIntegerField("其中脱贫劳动力", default=0)
    trainings = models.ManyToManyField("exchanges.Activity", blank=True, verbose_name="劳动力培训",
                                       related_name="recruitment_events",
                                       limit_choices_to={"kind": "training"})
    note = models.TextField("备注", blank=True)
    token = models.CharField("公开链接标识", max_length=24, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "招聘活动"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(transferred_poor__lte=models.F("transferred")),
                                   name="jobs_event_poor_within_transferred",
                                   violation_error_message="其中脱贫劳动力不能多于转移就业人数"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.transferred_poor > self.transferred:
            raise ValidationError({"transferred_poor": "其中脱贫劳动力不能多于转移就业人数"})


# The link rows of an event and its training sessions are named where people see them (the
# 回收站's summary of a deleted event): Django would call them "recruitmentevent-activity关系".
RecruitmentEvent.trainings.through._meta.verbose_name = "关联的培训"
RecruitmentEvent.trainings.through._meta.verbose_name_plural = "关联的培训"


class PostingQuerySet(models.QuerySet):
    def open(self, today=None):
        """Postings a seeker may still apply to: published, not filled, not past valid_until."""
        today = today or timezone.localdate()
        return self.filter(state=Posting.State.PUBLISHED, filled=False, valid_until__gte=today)

    def expired(self, today=None):
        """Published postings past their valid_until (offline on every read already)."""
        today = today or timezone.localdate()
        return self.filter(state=Posting.State.PUBLISHED, valid_until__lt=today)


class Posting(Record):
    """A job posting (岗位): 待审核 → 已发布 → 已下线. One past its valid_until is offline
    whatever is stored (`current_state`); `hezuo jobs expire` stores it."""

    # What the record is, declared once (hezuo.records.Record). A posting is its event's:
    # the unit organising the event owns it (and publishes it), and its year is the event's;
    # a posting is not put in a period of its own (publishing and taking it offline go on
    # after the event's month is reviewed).
    scope_path = "event__unit"
    program_path = "event__program"
    region_path = "event__destination"
    year_path = "event__year"

    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        PUBLISHED = "published", "已发布"
        OFFLINE = "offline", "已下线"

    employer = models.ForeignKey(Employer, models.CASCADE, verbose_name="用工企业", related_name="postings")
    event = models.ForeignKey(RecruitmentEvent, models.CASCADE, verbose_name="招聘活动", related_name="postings")
    title = models.CharField("岗位名称", max_length=120)
    category = models.CharField("岗位类别", max_length=60, blank=True)
    headcount = models.PositiveIntegerField("招聘人数")
    salary_min = AmountField("薪资下限（元/月）", null=True, blank=True)
    salary_max = AmountField("薪资上限（元/月）", null=True, blank=True)
    work_place = models.CharField("工作地点", max_length=120)
    requirements = models.TextField("岗位要求", blank=True)
    benefits = models.TextField("福利待遇", blank=True, help_text="如包住宿、交通补贴等")
    contact_person = models.CharField("联系人", max_length=60)
    contact_phone = models.CharField("联系电话", max_length=30)
    valid_until = models.DateField("有效期至")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PENDING)
    filled = models.BooleanField("已招满", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    token = models.CharField("公开链接标识", max_length=24, unique=True, default=new_token, editable=False)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "岗位"
        ordering = ["employer", "title", "id"]
        indexes = [models.Index(fields=["event", "state"]), models.Index(fields=["state", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True) | models.Q(salary_max__isnull=True)
                | models.Q(salary_min__lte=models.F("salary_max")),
                name="jobs_posting_salary_range", violation_error_message="薪资下限不能高于薪资上限"),
        ]

    def __str__(self):
        return self.title

    @property
    def name(self):
        return self.title

    def clean(self):
        # Also a constraint of the table; here so a form and an import name the field.
        if self.salary_min is not None and self.salary_max is not None and self.salary_min > self.salary_max:
            raise ValidationError({"salary_max": "薪资上限不能低于薪资下限"})

    @classmethod
    def list_filter_q(cls, name, value, today=None):
        """The list's 状态 filter as every page reads the state (core/filters.py): 已发布 is
        published and within 有效期至, 已下线 takes the expired ones too; None: the stored value."""
        if name != "state" or value not in (cls.State.PUBLISHED, cls.State.OFFLINE):
            return None
        live = models.Q(state=cls.State.PUBLISHED, valid_until__gte=today or timezone.localdate())
        return live if value == cls.State.PUBLISHED else models.Q(state=cls.State.OFFLINE) | (
            models.Q(state=cls.State.PUBLISHED) & ~live)

    def current_state(self, today=None):
        """The state as every page reads it: a published posting past valid_until is offline."""
        today = today or timezone.localdate()
        if self.state == self.State.PUBLISHED and self.valid_until < today:
            return self.State.OFFLINE
        return self.state

    def salary_text(self):
        """The monthly salary as a seeker reads it: 5,000–8,000元/月, 5,000元/月起, 面议."""
        low, high = self.salary_min, self.salary_max
        if low is None and high is None:
            return "面议"
        if low is None or high is None:
            return f"{numbers.format_count(low if high is None else high)}元/月{'起' if high is None else '以内'}"
        if low == high:
            return f"{numbers.format_count(low)}元/月"
        return f"{numbers.format_count(low)}–{numbers.format_count(high)}元/月"

    def get_state_display(self):
        """The label every page shows (lists, the record's page): the current state's."""
        return self.State(self.current_state()).label

    def is_expired(self, today=None):
        return self.valid_until < (today or timezone.localdate())

    def is_open(self, today=None):
        return self.current_state(today) == self.State.PUBLISHED and not self.filled


class PostingScan(models.Model):
    """How often a posting's public page was opened on a day. Nothing about who opened it."""

    posting = models.ForeignKey(Posting, models.CASCADE, verbose_name="岗位", related_name="scans")
    day = models.DateField("日期", default=datetime.date.today)
    count = models.PositiveIntegerField("扫码次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "扫码次数"
        constraints = [models.UniqueConstraint(fields=["posting", "day"], name="jobs_unique_scan_day")]

    def __str__(self):
        return f"{self.posting} {self.day}：{self.count}"
