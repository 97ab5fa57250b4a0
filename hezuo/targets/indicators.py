"""Indicators (指标) behind targets: how each built-in one is computed from records.

Every built-in indicator is one aggregate over one record kind, named through that kind's
declaration (hezuo.records.Record: program, unit, year, date paths), filtered by the target's
program (and every program under it), its year and, when the target names one, its unit (and
every unit under it), within what the reader may see (access.visible). Those that are a
statistics measure reuse it (stats.queries.MEASURES: its source, field and conditions), so a
target's actual is the same number as the statistics' figure of that program and year.

    援助资金（安排）/（拨付）  funds_arranged / funds_disbursed: fund records of that stage
    财政援助资金            fund records disbursed (拨付) of source 财政援助资金
    县均投入               财政援助资金 ÷ paired counties: distinct partner regions of the
                           program's pairings in force that year (start ≤ year ≤ end or open)
    省定财政性援建资金        fund records disbursed of source 省定财政性援建资金
    消费帮扶 (采购/帮助销售农特产品)  consumption records' amount
    劳动力培训              person-times of activities of kind 培训 (a recruitment event's
                           training sessions are such activities, linked to it)
    转移就业人数            recruitment events' 转移就业人数 (results entered after the event)
    其中脱贫劳动力           recruitment events' 其中脱贫劳动力
    派遣人次               dispatches' person-times (every kind)
    选派党政干部/专业技术人才（人次） dispatches of that kind: person-times
    选派党政干部/专业技术人才（人）   the persons named (干部人才) on dispatches of that kind
    共建产业园区            parks, industrial parks and enclaves (every Park.Kind) of the
                           program set up in or before the year (or with no year given)
    引导企业数 / 投资额       signed projects / signed investment at activities
    项目数                 projects of the year
    援疆资金投向县及县以下占比  援疆 funds arranged (安排) whose project's partner region is a
                           county or below (Region.level ≥ 县级), ÷ all arranged, in percent
    援疆资金投向民生占比      the same for projects of category 民生保障, in percent

A dated indicator (records with a date: funds, consumption, activities, dispatches and the
persons on them) also gives the day its running total first reached the target (one query of
the year's records in date order, summed in Python); projects and parks count per year and
the two shares are not running totals, so those give none.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from hezuo import access, numbers
from hezuo.core.filters import in_year
from hezuo.exchanges.models import Activity, Cadre, Dispatch
from hezuo.jobs.models import RecruitmentEvent
from hezuo.org.models import Pairing, Program, Region
from hezuo.parks.models import Park
from hezuo.projects.models import FundRecord, Project
from hezuo.stats.queries import BY_KEY, SOURCES, Source, month_end, program_tree

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Builtin:
    """A sum (or count) of one record kind's rows."""

    key: str
    label: str
    unit: str  # 元, or what a count counts
    source: Source
    field: str | None = None  # None counts rows
    where: tuple = ()
    date: str | None = None  # the date a record counts on; default the kind's own (year_from)
    since_founded: str | None = None  # a year field: count rows of that year or before (parks)
    per_county: bool = False
    dated: bool = True

    @classmethod
    def of(cls, key, label, measure, where=(), **kwargs):
        """An indicator that is a statistics measure, perhaps narrowed further (a fund source)."""
        m = BY_KEY[measure]
        source = SOURCES[m.source]
        return cls(key, label, m.unit, source, m.field, source.where + m.where + where, **kwargs)

    @property
    def is_amount(self):
        return self.unit == "元"

    @property
    def date_path(self):
        return self.date or self.source.date if self.dated else None

    def rows(self, user, target, through_month=None, programs=None):
        model = self.source.model
        rows = access.visible(user, model.objects.all())
        if self.since_founded:
            rows = rows.filter(Q(**{f"{self.since_founded}__lte": target.year}) |
                               Q(**{f"{self.since_founded}__isnull": True}))
        else:
            rows = rows.filter(in_year(model, self.source.year, target.year))
        if self.where:
            rows = rows.filter(**dict(self.where))
        programs = programs or Program.objects.tree_ids(target.program)
        rows = rows.filter(**{f"{self.source.program}__in": sorted(programs)})
        if target.unit_id:
            rows = rows.filter(**{f"{self.source.unit}__path__startswith": target.unit.path})
        if through_month and self.date_path:
            rows = rows.filter(**{f"{self.date_path}__lte": month_end(target.year, through_month)})
        return rows

    def aggregate(self):
        return Count("pk") if self.field is None else Sum(self.field)

    def counties(self, user, target, programs=None):
        """The partner regions the program is paired with in the target's year (its unit's)."""
        rows = access.visible(user, Pairing.objects.filter(
            Q(start_year__lte=target.year) & (Q(end_year__isnull=True) | Q(end_year__gte=target.year)),
            program__in=sorted(programs or Program.objects.tree_ids(target.program))))
        if target.unit_id:
            rows = rows.filter(unit__path__startswith=target.unit.path)
        return rows.values("region").distinct().count()

    def actual(self, user, target, through_month=None, programs=None):
        value = self.rows(user, target, through_month, programs).aggregate(v=self.aggregate())["v"] or 0
        value = Decimal(value) if self.is_amount else int(value)
        if self.per_county:
            n = self.counties(user, target, programs)
            return (Decimal(value) / n).quantize(Decimal("0.01"), ROUND_HALF_UP) if n else Decimal(0)
        return value

    def crossed_on(self, user, target, through_month=None, programs=None):
        """The first day the running total reached the target, or None (not reached, or undated)."""
        if not self.date_path or target.value is None:
            return None
        goal = target.value * (self.counties(user, target, programs) if self.per_county else 1)
        if goal <= 0:
            return None
        running = 0
        pairs = self.rows(user, target, through_month, programs).order_by(self.date_path, "pk")
        for day, amount in pairs.values_list(self.date_path, self.field or "pk"):
            running += 1 if self.field is None else (amount or 0)
            if running >= goal:
                return day
        return None


@dataclass(frozen=True)
class Share:
    """The part of `base`'s sum whose rows meet `part`, in percent (one decimal)."""

    key: str
    label: str
    base: Builtin
    part: tuple
    unit: str = "%"
    is_amount = False
    dated = False

    def actual(self, user, target, through_month=None, programs=None):
        part = Q(**dict(self.part))
        found = self.base.rows(user, target, through_month, programs).aggregate(
            whole=Sum(self.base.field), part=Sum(self.base.field, filter=part))
        if not found["whole"]:
            return Decimal(0)
        return (Decimal(found["part"] or 0) * 100 / found["whole"]).quantize(TENTH, ROUND_HALF_UP)

    def crossed_on(self, user, target, through_month=None, programs=None):
        return None


_funds = SOURCES["funds"]
_cadres = Source("dispatches", Cadre)
_parks = Source("parks", Park)
_events = Source("recruitment-events", RecruitmentEvent)
DISBURSED = (("stage", FundRecord.Stage.DISBURSED),)
_aid = Builtin.of("fiscal_aid", "财政援助资金", "funds_disbursed", where=(("source", FundRecord.Source.FISCAL_AID),))
_arranged = Builtin.of("funds_arranged", "援助资金（安排）", "funds_arranged")
_training = Builtin.of("training", "劳动力培训", "activity_person_times",
                       where=(("kind", Activity.Kind.TRAINING),))


def _dispatched(kind, label):
    where = (("kind", kind),)
    return [
        Builtin.of(f"dispatch_{kind}_times", f"选派{label}（人次）", "dispatch_person_times", where=where),
        Builtin(f"dispatch_{kind}_persons", f"选派{label}（人）", "人", _cadres,
                where=(("dispatch__kind", kind),), date="dispatch__start_date"),
    ]


BUILTIN = {i.key: i for i in [
    _arranged,
    Builtin.of("funds_disbursed", "援助资金（拨付）", "funds_disbursed"),
    _aid,
    Builtin.of("county_average", "县均投入", "funds_disbursed", where=(("source", FundRecord.Source.FISCAL_AID),),
               per_county=True),
    Builtin.of("provincial_funds", "省定财政性援建资金", "funds_disbursed",
               where=(("source", FundRecord.Source.PROVINCIAL),)),
    Builtin.of("consumption", "消费帮扶", "consumption"),
    _training,
    Builtin("transferred", "转移就业人数", "人", _events, field="transferred"),
    Builtin("transferred_poor", "其中脱贫劳动力", "人", _events, field="transferred_poor"),
    Builtin.of("dispatch_person_times", "派遣人次", "dispatch_person_times"),
    *_dispatched(Dispatch.Kind.CADRE, "党政干部"),
    *_dispatched(Dispatch.Kind.PROFESSIONAL, "专业技术人才"),
    Builtin("parks", "共建产业园区", "个", _parks, since_founded="established_year", dated=False),
    Builtin.of("signed_projects", "引导企业数", "signed_projects"),
    Builtin.of("signed_investment", "引导企业投资额", "signed_investment"),
    Builtin.of("projects", "项目数", "projects", dated=False),
    Share("county_share", "援疆资金投向县及县以下占比", _arranged,
          (("project__partner_region__level__gte", Region.Level.COUNTY),)),
    Share("livelihood_share", "援疆资金投向民生占比", _arranged,
          (("project__category", Project.Category.LIVELIHOOD),)),
]}
CHOICES = [(key, i.label) for key, i in BUILTIN.items()]


@dataclass
class Progress:
    """A target with its actual: computed from records, or entered by hand (custom indicator)."""

    target: object
    actual: object  # Decimal or int; None: a hand actual not entered yet
    crossed_on: datetime.date | None = None

    @property
    def rate(self):
        """The actual over the target, in percent, one decimal; None without either."""
        if self.actual is None or not self.target.value:
            return None
        return (Decimal(self.actual) * 100 / self.target.value).quantize(TENTH, ROUND_HALF_UP)

    @property
    def met(self):
        return self.actual is not None and Decimal(self.actual) >= self.target.value

    @property
    def early(self):
        """提前完成: reached before the year's last day (dated indicators)."""
        return self.crossed_on is not None and self.crossed_on < datetime.date(self.target.year, 12, 31)

    @property
    def unit(self):
        return self.target.measure_unit

    @property
    def is_amount(self):
        return self.unit == "元"

    def text(self, value):
        """A value written for people: 1540万元, 2,264人次, 85.3%; — when there is none."""
        if value is None:
            return "—"
        if self.is_amount:
            return numbers.format_amount(value)
        return numbers.format_percent(value) if self.unit == "%" else numbers.format_count(value, self.unit)

    @property
    def target_text(self):
        return self.text(self.target.value)

    @property
    def actual_text(self):
        return self.text(self.actual)

    @property
    def rate_text(self):
        return numbers.format_percent(self.rate)

    @property
    def by_hand(self):
        return bool(self.target.custom_id)

    def number(self, value):
        """A value for JSON: amounts and shares as float, counts as int."""
        if value is None:
            return None
        return int(value) if not self.is_amount and self.unit != "%" and value == int(value) else float(value)

    def as_json(self):
        return {"indicator": self.target.indicator_label, "program": self.target.program.name,
                "unit": self.target.unit.name if self.target.unit_id else None,
                "target": self.number(self.target.value), "actual": self.number(self.actual),
                "rate": float(self.rate) if self.rate is not None else None, "met": self.met}


def progress(user, targets, through_month=None):
    """[Progress] of `targets` (already limited to what `user` reads), actuals in `user`'s scope:
    one or two queries a computed target (its sum; its records in date order), none a hand one."""
    tree = program_tree(Program.objects.only("id", "parent_id")) if targets else {}
    out = []
    for target in targets:
        if target.custom_id:
            out.append(Progress(target, target.actual_value))
            continue
        indicator = BUILTIN.get(target.indicator)
        if indicator is None:
            out.append(Progress(target, None))
            continue
        programs = tree[target.program_id]
        out.append(Progress(target, indicator.actual(user, target, through_month, programs),
                            indicator.crossed_on(user, target, through_month, programs)))
    return out


def targets_of(user, year):
    """The targets of `year` `user` reads (a district: its unit's and below), in order."""
    from hezuo.targets.models import Target

    return list(access.visible(user, Target.objects.filter(year=year))
                .select_related("program", "unit", "custom", "actual_by"))


def stats_json(user, year, through_month=None):
    """The `targets` list of `hezuo stats --format json` (DESIGN.md)."""
    return [p.as_json() for p in progress(user, targets_of(user, year), through_month)]


def for_dashboard(user, year, program=None):
    """The dashboard's 目标任务 block: the year's targets `user` reads, of `program` and below."""
    targets = targets_of(user, year)
    if program is not None:
        ids = program.tree_ids()
        targets = [t for t in targets if t.program_id in ids]
    return progress(user, targets)
