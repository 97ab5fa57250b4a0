from django.db import models
from django.db.models import OuterRef, Subquery, Sum

from hezuo.amounts import AmountField
from hezuo.records import Record


class Project(Record):
    # What the record is, declared once (hezuo.records.Record).
    program_path = "program"
    region_path = "partner_region"
    year_path = "year"

    class Category(models.TextChoices):
        INDUSTRY = "industry", "产业合作"
        RURAL = "rural", "乡村振兴"
        LIVELIHOOD = "livelihood", "民生保障"
        INFRASTRUCTURE = "infrastructure", "基础设施"
        TALENT = "talent", "人才智力"
        DEMONSTRATION = "demonstration", "示范点"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        PLANNED = "planned", "谋划中"
        ACTIVE = "active", "实施中"
        COMPLETED = "completed", "已完工"
        SUSPENDED = "suspended", "已终止"

    class KeyLevel(models.TextChoices):
        NONE = "", "非重点"
        PROVINCE = "province", "省重点"
        CITY = "city", "市重点"

    code = models.CharField("项目编号", max_length=40, unique=True)
    name = models.CharField("项目名称", max_length=200)
    program = models.ForeignKey("org.Program", models.PROTECT, verbose_name="工作类别", related_name="projects")
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="实施单位", related_name="projects")
    partner_region = models.ForeignKey(
        "org.Region", models.PROTECT, verbose_name="结对地区", related_name="projects"
    )
    category = models.CharField("项目类别", max_length=20, choices=Category.choices, default=Category.INDUSTRY)
    year = models.PositiveIntegerField("年度")
    total_investment = AmountField("总投资", default=0)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    park = models.ForeignKey(
        "parks.Park", models.SET_NULL, null=True, blank=True, verbose_name="所在平台/园区", related_name="projects"
    )
    key_level = models.CharField("重点项目", max_length=20, choices=KeyLevel.choices, blank=True, default="")
    start_date = models.DateField("开工日期", null=True, blank=True)
    end_date = models.DateField("完工日期", null=True, blank=True)
    description = models.TextField("建设内容", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目"
        ordering = ["-year", "code"]
        # (year, id): the list's default sort, newest year first (see hezuo/core/paging.py).
        indexes = [models.Index(fields=["year", "id"]), models.Index(fields=["year", "program"]),
                   models.Index(fields=["unit", "year"])]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        if not adding:
            self.check_funds_may_follow()
        super().save(*args, **kwargs)
        if not adding:  # its fund records carry its program (FundRecord.program)
            self.funds.exclude(program=self.program_id).update(program=self.program_id)

    def check_funds_may_follow(self):
        """A project's funds take its program (stored on them) and its unit (their owner):
        changing either changes every fund record of the project, so none may lie in a
        closed period (hezuo/gate.py), the unit's before and after. Who changes the project
        was checked by the gate already."""
        from hezuo import gate

        before = Project.objects.filter(pk=self.pk).values("program_id", "unit_id").first()
        if before is None or (before["program_id"], before["unit_id"]) == (self.program_id, self.unit_id):
            return
        funds = list(gate.stored_targets(FundRecord, project=self.pk).values())
        moved = [gate.Target(self.unit_id, t.day, t.year, t.where) for t in funds] if before["unit_id"] != self.unit_id else []
        gate.check_cascade(FundRecord, funds + moved)

    @property
    def is_key(self):
        return bool(self.key_level)

    def funds_by_stage(self):
        """[(stage label, total 元)] for every stage, zero where nothing is recorded."""
        totals = dict(self.funds.values_list("stage").annotate(total=Sum("amount")))
        return [(label, totals.get(value, 0)) for value, label in FundRecord.Stage.choices]

    def pairings(self):
        """Pairings between this project's unit (or a unit above it) and its partner region (or a region above it)."""
        from hezuo.org.models import Pairing

        return Pairing.objects.filter(
            unit__path__in=self.unit.ancestor_paths(), region__code__in=self.partner_region.ancestor_codes()
        ).select_related(
            "unit", "region", "program"
        )


class FundRecordQuerySet(models.QuerySet):
    def follow_projects(self):
        """Give these records their project's program again (after projects were written in
        bulk, bypassing Project.save). Returns the number of records updated. Refused
        (gate.WriteRefused) when a record that would change lies in a closed period."""
        from hezuo import gate

        moving = self.exclude(program=Subquery(Project.objects.filter(pk=OuterRef("project")).values("program")[:1]))
        gate.check_cascade(FundRecord, gate.stored_targets(FundRecord, pk__in=moving.values("pk")).values())
        return self.update(program=Subquery(Project.objects.filter(pk=OuterRef("project")).values("program")[:1]))


class FundRecord(Record):
    """Money moving for a project: arranged → allocated → disbursed → spent."""

    # What the record is, declared once (hezuo.records.Record).
    scope_path = "project__unit"
    program_path = "program"
    region_path = "project__partner_region"
    year_path = "year"
    year_from = "date"

    class Stage(models.TextChoices):
        ARRANGED = "arranged", "安排"
        ALLOCATED = "allocated", "下达"
        DISBURSED = "disbursed", "拨付"
        SPENT = "spent", "支出"

    class Source(models.TextChoices):
        FISCAL_AID = "fiscal_aid", "财政援助资金"
        PROVINCIAL = "provincial", "省定财政性援建资金"
        SOCIAL = "social", "社会帮扶资金"
        SUBSIDY = "subsidy", "政策补贴"
        OTHER = "other", "其他"

    # Indexed by (project, stage) below, which also serves lookups by project alone.
    project = models.ForeignKey(Project, models.CASCADE, verbose_name="项目", related_name="funds", db_index=False)
    # Always its project's program, copied: the exact totals footer of one program's fund list
    # reads one index range instead of joining every fund of the year to its project (at
    # 2,000,000 records a third of the time). save() sets it; the importer sets it on the
    # records it writes in bulk; Project.save() and the importer move a project's records
    # with it to another program.
    program = models.ForeignKey("org.Program", models.PROTECT, verbose_name="工作类别", related_name="+",
                                editable=False, db_index=False)
    date = models.DateField("日期")
    year = models.PositiveIntegerField("年度", editable=False)
    stage = models.CharField("环节", max_length=20, choices=Stage.choices)
    amount = AmountField("金额")
    source = models.CharField("资金来源", max_length=20, choices=Source.choices, default=Source.FISCAL_AID)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "资金"
        ordering = ["-date", "-id"]
        # A list sorted by date, whole or of one year (a range of dates: filters.in_year), reads
        # (date, id): the first page, and each next one (keyset), is an index range scan instead
        # of a sort of every row. No (year, date, id) twin: it cost an import a third of its writing.
        # (year, program, stage) with the amount alongside holds all that the totals of a year
        # read — the list footer of a program (and stage), the statistics by program and stage,
        # the home page — so PostgreSQL sums them without visiting the table. The amount is not
        # part of the key: new rows land at the end of their (year, program, stage) run instead
        # of all over the index, which keeps imports fast (SQLite, without INCLUDE, indexes the key).
        indexes = [models.Index(fields=["date", "id"]),
                   models.Index(fields=["year", "program", "stage"], include=["amount"],
                                name="projects_fund_year_program"),
                   models.Index(fields=["project", "stage"])]

    objects = FundRecordQuerySet.as_manager()

    def __str__(self):
        return f"{self.project.code} {self.get_stage_display()} {self.date:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        self.program_id = self.project.program_id
        super().save(*args, **kwargs)
