"""The statistics module: every figure of the annual summary, computed in the database.

    stats = statistics(user, 2024, through_month=11)
    stats.total["funds_arranged"].value      # Decimal 元, the user's scope, Jan–Nov 2024
    stats.total["funds_arranged"].previous   # the same figure for Jan–Nov 2023
    stats.total["funds_arranged"].url        # /funds/?year=2024&until=2024-11-30&stage=arranged
    for row in stats.programs: row.label, row.depth, row["projects"].value
    stats.units, stats.regions               # the same measures per unit and per partner region

How: one aggregate query per source model (projects, fund records, consumption, dispatches,
activities, park figures), GROUP BY year and the dimensions asked for, with conditional
sums for measures that differ by a filter (fund stages). What comes back is a handful of
rows per program × unit × partner city, never the records. Parents are then rolled up from
those rows: a program's figure includes its sub-programs, a unit's its sub-units, a
province's its cities, exactly as the list pages' program, unit and region filters include
what is under the chosen node. So every figure's `url` opens the list whose rows sum to it.

Partner regions are counted per city (地级): a county's or village's records count for its
city, the districts of a municipality (直辖市) for the municipality; records placed on a
province itself count for a province row that also rolls up its cities.
"""

import calendar
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from hezuo import access, numbers
from hezuo.core.filters import in_year
from hezuo.assistance.models import ConsumptionRecord
from hezuo.exchanges.models import Activity, Dispatch
from hezuo.org.models import Pairing, Program, Region, subtree_ids
from hezuo.parks.models import ParkFigure
from hezuo.projects.models import FundRecord, Project

MUNICIPALITIES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆: their districts count as the city


@dataclass(frozen=True)
class Source:
    """A record kind figures are counted from. How its records reach program, unit, region
    and the date a through-month cuts on is its model's declaration (hezuo.records.Record)."""

    slug: str  # the record kind (list page) a figure drills down to
    model: type
    where: tuple = ()  # lookups every figure of the source applies …
    params: tuple = ()  # … and the same as list-page filters

    @property
    def program(self):
        return self.model.program_path

    @property
    def unit(self):
        return self.model.scope_path

    @property
    def region(self):
        return self.model.region_path

    @property
    def year(self):
        return self.model.year_path

    @property
    def date(self):
        """The date a through-month cuts on; None: figures of the whole year."""
        return self.model.year_from


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    source: str
    unit: str  # 元 for money, else what a count counts: 个, 批, 人次
    field: str | None = None  # the summed field; None counts records
    total: str = ""  # the list column whose total equals the figure; "" for the list's count
    where: tuple = ()
    params: tuple = ()

    @property
    def is_amount(self):
        return self.unit == "元"

    def aggregate(self):
        condition = Q(**dict(self.where)) if self.where else None
        if self.field is None:
            return Count("pk", filter=condition)
        return Sum(self.field, filter=condition)


SOURCES = {s.slug: s for s in [
    Source("projects", Project),
    # A fund record carries its project's program (FundRecord.program): no join for programs.
    Source("funds", FundRecord),
    Source("consumption", ConsumptionRecord),
    Source("dispatches", Dispatch),
    Source("activities", Activity),
    # A park's own yearly figures: not running totals (cumulative), not one enterprise's
    # share (which the park's figure already holds).
    Source("park-figures", ParkFigure, where=(("cumulative", False), ("enterprise__isnull", True)),
           params=(("cumulative", "0"), ("whole_park", "1"))),
]}


def _stage(stage, label):
    return Measure(f"funds_{stage}", label, "funds", "元", "amount", "amount", where=(("stage", stage),),
                   params=(("stage", stage),))


MEASURES = [
    Measure("projects", "项目数", "projects", "个"),
    Measure("key_projects", "省重点项目", "projects", "个", where=(("key_level", Project.KeyLevel.PROVINCE),),
            params=(("key_level", Project.KeyLevel.PROVINCE),)),
    _stage(FundRecord.Stage.ARRANGED, "安排资金"),
    _stage(FundRecord.Stage.ALLOCATED, "下达资金"),
    _stage(FundRecord.Stage.DISBURSED, "拨付资金"),
    _stage(FundRecord.Stage.SPENT, "支出资金"),
    Measure("consumption", "消费帮扶", "consumption", "元", "amount", "amount"),
    Measure("dispatch_batches", "派遣批次", "dispatches", "批"),
    Measure("dispatch_person_times", "派遣人次", "dispatches", "人次", "person_times", "person_times"),
    Measure("activity_batches", "交流活动批次", "activities", "批", "batches", "batches"),
    Measure("activity_person_times", "交流活动人次", "activities", "人次", "person_times", "person_times"),
    Measure("signed_projects", "签约项目", "activities", "个", "signed_projects", "signed_projects"),
    Measure("signed_investment", "签约金额", "activities", "元", "signed_investment", "signed_investment"),
    Measure("park_investment", "园区固定资产投资", "park-figures", "元", "fixed_asset_investment",
            "fixed_asset_investment"),
    Measure("park_output", "园区规上工业总产值", "park-figures", "元", "industrial_output", "industrial_output"),
]
BY_KEY = {m.key: m for m in MEASURES}
DIMENSIONS = ("program", "unit", "region")


@dataclass
class Figure:
    """A number shown to someone, with the list of records that sum to it."""

    value: object  # Decimal 元 or int
    url: str
    unit: str = ""  # 元, or what a count counts
    total: str = ""  # the list column that totals to the value; "" for the list's count
    previous: object = None  # the same figure a year earlier, when compared
    label: str = ""

    @property
    def is_amount(self):
        return self.unit == "元"

    @property
    def text(self):
        return numbers.format_amount(self.value) if self.is_amount else numbers.format_count(self.value, self.unit)

    @property
    def exact(self):
        return numbers.format_exact(self.value) if self.is_amount else numbers.format_count(self.value, self.unit)

    @property
    def change(self):
        return numbers.format_change(self.value, self.previous) if self.previous is not None else ""

    @property
    def trend(self):
        """up, down or flat, for styling the change."""
        if self.previous is None or self.value == self.previous:
            return "flat"
        return "up" if self.value > self.previous else "down"

    def as_number(self):
        """The value for JSON: amounts as float 元, counts as int."""
        return float(self.value) if self.is_amount else int(self.value)


class Figures(Mapping):
    """A row's figures by measure key, each made when first asked for.

    Making a figure means building its list URL; a table by partner region has hundreds
    of rows of which the dashboard shows ten, ranked by values that need no URL.
    """

    def __init__(self, counted, slots, params, compared):
        self.counted, self.slots, self.params, self.compared = counted, slots, params, compared
        self.keys = counted.keys
        self.made = {}

    def __getitem__(self, key):
        if key not in self.made:
            self.made[key] = self.counted.figure(key, self.slots, self.params, self.compared)
        return self.made[key]

    def __iter__(self):
        return iter(self.keys)

    def __len__(self):
        return len(self.keys)

    def value(self, key):
        """The figure's value alone."""
        return self.made[key].value if key in self.made else self.counted.value(key, self.slots)[0]

    def freeze(self):
        """Make every figure now and let go of the counts (to keep or pickle the row alone)."""
        for key in self:
            self[key]
        self.counted = self.slots = None
        return self


@dataclass
class Row:
    """One line of a statistics table: a program, unit or region (or the total) and its figures."""

    label: str
    node: object = None  # Program, Unit or Region; None for the total
    depth: int = 0
    parent: object = None  # the parent program (for the JSON)
    figures: Mapping = field(default_factory=dict)

    def __getitem__(self, key):
        return self.figures[key]

    def value(self, key):
        return self.figures.value(key)

    def cells(self, measures):
        return [self.figures[m.key] for m in measures]


@dataclass
class Statistics:
    year: int
    through_month: int | None
    program: object  # the Program filtered on, or None
    measures: list
    total: Row
    programs: list
    units: list
    regions: list
    compared: bool

    @property
    def period(self):
        """How the period reads for people: 2024年, 2024年1—11月."""
        if self.through_month in (None, 12):
            return f"{self.year}年"
        return f"{self.year}年1—{self.through_month}月" if self.through_month > 1 else f"{self.year}年1月"

    def as_json(self, key_projects=None, targets=()):
        """The `hezuo stats --format json` document of DESIGN.md; `key_projects` the key
        projects' progress (keyprojects.queries.Progress) of the same year and months, `targets`
        the list of targets against their indicators (hezuo.targets, which the command asks
        through hezuo.sections)."""
        keys = ["projects", "funds_arranged", "funds_disbursed", "consumption", "dispatch_batches",
                "dispatch_person_times", "activity_batches", "activity_person_times", "signed_projects",
                "signed_investment"]
        programs = [{"name": row.label, "parent": row.parent.name if row.parent else None,
                     **{key: row[key].as_number() for key in keys}} for row in self.programs]
        if key_projects is None:  # only the count of the year's provincial key projects is known
            key_projects = {"count": self.total["key_projects"].as_number(), "annual_plan": None, "completed": None,
                            "through_month": None, "completion_rate": None, "province_rate": None,
                            "ahead_points": None, "lagging": []}
        else:
            key_projects = key_projects.as_json()
        return {
            "year": self.year,
            "programs": programs,
            "key_projects": key_projects,
            "targets": list(targets),
        }


# -- computing ----------------------------------------------------------------------------


def month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def program_tree(programs):
    """{id: {ids of the program and everything under it}} from the loaded dictionary."""
    parents = {p.pk: p.parent_id for p in programs}
    return {p.pk: subtree_ids(parents, p.pk) for p in programs}


def depth_first(programs):
    """(program, depth) in tree order: each parent followed by its children, by sort order."""
    children = {}
    for p in programs:  # already in sort order
        children.setdefault(p.parent_id, []).append(p)
    known = {p.pk for p in programs}
    out = []

    def walk(nodes, depth):
        for p in nodes:
            out.append((p, depth))
            walk(children.get(p.pk, []), depth + 1)

    walk([p for p in programs if p.parent_id is None or p.parent_id not in known], 0)
    return out


def region_rows_for(key):
    """The region rows a 4-digit code prefix (province + city) counts for: [(code, is_province)]."""
    if key[:2] in MUNICIPALITIES or key[2:] == "00":
        return [key[:2] + "0000"]
    return [key + "00"]


class _Totals:
    """[this year, last year] per slot ((dimension, key) of a grouped row) and measure."""

    def __init__(self):
        self.values = {}

    def add(self, slot, period, measure, value):
        if value:
            pair = self.values.setdefault(slot, {}).setdefault(measure, [0, 0])
            pair[period] += value

    def get(self, slot, measure):
        return self.values.get(slot, {}).get(measure, [0, 0])


def statistics(user, year, through_month=None, program=None, by=DIMENSIONS, compare=True, measures=None):
    """The figures of `year` (Jan to `through_month`, if given) in `user`'s scope.

    `program` limits every figure to a program and its sub-programs. `by` names the
    breakdowns wanted (program, unit, region); `compare` adds the previous year's figures
    to every row, `compare="total"` to the total row only (the dashboard's cards), False
    to none. Less of either is less work for the database: `hezuo stats --format json`
    asks for programs of one year only.
    """
    measures = list(measures or MEASURES)
    programs = list(Program.objects.order_by("sort_order", "id"))
    tree = program_tree(programs)
    only = tree[program.pk] if program is not None else None
    totals = _Totals()
    # (years, breakdowns) of each pass over a source; the previous year may come as totals only.
    passes = [([year - 1, year], by)] if compare is True else [([year], by)]
    if compare == "total":
        passes.append(([year - 1], ()))
    period_of = {year: 0, year - 1: 1}

    grouped = []
    for slug in dict.fromkeys(m.source for m in measures):
        source = SOURCES[slug]
        wanted = [m for m in measures if m.source == slug]
        for years, dims in passes:
            grouped += [(wanted, dims, row) for row in _grouped(user, source, wanted, years, through_month, only, dims)]
    # Records count for the city (地级) of their partner region: the codes of the regions met.
    codes = {}
    if "region" in by:
        ids = {row["r"] for _wanted, dims, row in grouped if "region" in dims and row["r"]}
        codes = dict(Region.objects.filter(pk__in=ids).values_list("pk", "code")) if ids else {}
    for wanted, dims, row in grouped:
        period = period_of[row["y"]]
        slots = [("total", None)]
        if "program" in dims:
            slots.append(("program", row["p"]))
        if "unit" in dims:
            slots.append(("unit", row["u"]))
        if "region" in dims and row["r"]:
            slots.append(("region", codes[row["r"]][:4]))
        for measure in wanted:
            for slot in slots:
                totals.add(slot, period, measure.key, row[measure.key])

    base = {"year": year}
    if through_month:
        base["until"] = month_end(year, through_month).isoformat()
    if program is not None:
        base["program"] = program.pk

    counted = _Counted(totals, measures, base)
    total = Row("合计", figures=Figures(counted, [("total", None)], {}, bool(compare)))
    compare_rows = compare is True

    program_rows = []
    if "program" in by:
        by_id = {p.pk: p for p in programs}
        for p, depth in depth_first(programs):
            if only is not None and p.pk not in only:
                continue
            keys = [("program", pk) for pk in tree[p.pk]]
            program_rows.append(Row(p.name, p, depth, by_id.get(p.parent_id),
                                    Figures(counted, keys, {"program": p.pk}, compare_rows)))

    unit_rows = []
    if "unit" in by:
        units = list(access.readable_units(user).order_by("path"))
        if units:
            top = min(u.path.count("/") for u in units)
            seen = {key for (dimension, key) in totals.values if dimension == "unit"}
            paths = {u.pk: u.path for u in units}
            below = {}
            for pk in seen:  # each unit with figures counts for every unit above it
                path = paths.get(pk)
                if path is None:
                    continue
                for u in units:
                    if path.startswith(u.path):
                        below.setdefault(u.pk, []).append(("unit", pk))
            for u in units:
                unit_rows.append(Row(u.name, u, u.path.count("/") - top, None,
                                     Figures(counted, below.get(u.pk, []), {"unit": u.pk}, compare_rows)))

    region_rows = []
    if "region" in by:
        keys = {key for (dimension, key) in totals.values if dimension == "region"}
        region_rows = [Row(region.full_name, region, depth, None,
                           Figures(counted, slots, {"region": region.code}, compare_rows))
                       for region, depth, slots in _regions(keys, "region")]

    return Statistics(year, through_month, program, measures, total, program_rows, unit_rows, region_rows, compare)


class _Counted:
    """The grouped counts of one statistics() call, and how a figure is made from them."""

    def __init__(self, totals, measures, base):
        self.totals, self.base = totals, base
        self.measures = {m.key: m for m in measures}
        self.keys = list(self.measures)
        self.lists = {slug: reverse(f"{slug}:list") for slug in SOURCES}

    def value(self, key, slots):
        """(this year, last year) of a measure over the slots (grouped rows) of a row."""
        current = previous = 0
        for slot in slots:
            c, p = self.totals.get(slot, key)
            current, previous = current + c, previous + p
        measure = self.measures[key]
        return zero(measure, current), zero(measure, previous)

    def figure(self, key, slots, params, compared):
        measure = self.measures[key]
        current, previous = self.value(key, slots)
        query = {**self.base, **params, **dict(SOURCES[measure.source].params), **dict(measure.params)}
        return Figure(current, f"{self.lists[measure.source]}?{urlencode(query)}", measure.unit, measure.total,
                      previous if compared else None, measure.label)


def zero(measure, value):
    return Decimal(value or 0) if measure.is_amount else int(value or 0)


def _grouped(user, source, measures, years, through_month, only, by):
    """One aggregate query: per year and the asked dimensions, the measures of one source."""
    rows = access.visible(user, source.model.objects.all())
    if source.date and through_month:
        period = Q()
        for y in years:
            period |= Q(**{source.year: y, f"{source.date}__lte": month_end(y, through_month)})
        rows = rows.filter(period)
    else:
        rows = rows.filter(**{f"{source.year}__in": years})
    if source.where:
        rows = rows.filter(**dict(source.where))
    narrowed = _narrowing(measures)
    if narrowed:  # every measure counts some of the rows (fund stages): read only those
        rows = rows.filter(**narrowed)
    if only is not None:
        rows = rows.filter(**{f"{source.program}__in": sorted(only)})
    dims = {"y": F(source.year)}
    if "program" in by:
        dims["p"] = F(source.program)
    if "unit" in by:
        dims["u"] = F(source.unit)
    if "region" in by:
        # The partner region itself; statistics() counts it for its city (see region_rows_for).
        # Grouping by the id needs no join, and the database estimates its groups well.
        dims["r"] = F(source.region)
    return rows.order_by().values(**dims).annotate(**{m.key: m.aggregate() for m in measures})


def _narrowing(measures):
    """{field__in: values} when every measure counts only rows with one of some values of one
    field (each fund stage measure its stage), so the query reads just those rows; else {}."""
    wheres = [dict(m.where) for m in measures]
    if not wheres or any(len(where) != 1 for where in wheres):
        return {}
    fields = {name for where in wheres for name in where}
    if len(fields) != 1:
        return {}
    name = fields.pop()
    return {f"{name}__in": sorted({where[name] for where in wheres})}


def _regions(keys, dimension):
    """(region, depth, slots) for the region rows that 4-digit code prefixes count for.

    A city row holds its own prefix; a province row (a municipality, or a province with
    records placed on itself) holds every prefix of the province, as the region filter
    of the list pages does. One query for the regions' names.
    """
    provinces = {key[:2] for key in keys for code in region_rows_for(key) if code.endswith("0000")}
    rows = {}
    for key in keys:
        if key[:2] in provinces:
            rows.setdefault(key[:2] + "0000", []).append((dimension, key))
        if key[:2] not in MUNICIPALITIES and key[2:] != "00":
            rows.setdefault(key + "00", []).append((dimension, key))
    regions = Region.objects.in_bulk(list(rows), field_name="code")
    out = []
    for code in sorted(rows):
        region = regions.get(code)
        if region is not None:  # every province and city comes from the national package
            out.append((region, 1 if code[:2] in provinces and not code.endswith("0000") else 0, rows[code]))
    return out


# -- the dashboard's own reads --------------------------------------------------------------


def reviewed(user, year, keys, program=None):
    """{measure key: value} for the measures `keys` of dated records: the part of each figure
    of `year` (in `user`'s scope, of `program` and below) dated in a reviewed period — a unit's
    month approved in the reporting cycle, or the year closed (hezuo.periods.services.reviewed_q).
    Empty when no period of the year is reviewed; a measure of undated records is left out."""
    from hezuo.periods.services import reviewed_q

    found = {}
    by_source = {}
    for key in keys:
        by_source.setdefault(BY_KEY[key].source, []).append(BY_KEY[key])
    for slug, measures in by_source.items():
        source = SOURCES[slug]
        closed = reviewed_q(source.model, year)
        if closed is None:
            continue
        rows = access.visible(user, source.model.objects.filter(in_year(source.model, source.year, year)))
        rows = rows.filter(closed, **dict(source.where))
        if program is not None:
            rows = rows.filter(**{f"{source.program}__in": program.tree_ids()})
        totals = rows.aggregate(**{m.key: m.aggregate() for m in measures})
        found.update({m.key: zero(m, totals[m.key]) for m in measures})
    return found


def monthly_funds(user, year, program=None, stages=(FundRecord.Stage.ARRANGED, FundRecord.Stage.DISBURSED)):
    """{stage: [Figure for January … December]}: fund records of each month, in one query."""
    rows = access.visible(user, FundRecord.objects.filter(in_year(FundRecord, "year", year), stage__in=stages))
    params = {"year": year}
    if program is not None:
        rows = rows.filter(program__in=program.tree_ids())
        params["program"] = program.pk
    # Summed per day (at most 366 groups, read in date order along the (date, id) index),
    # then per month here: grouping by an extracted month costs more in the database (on
    # SQLite a Python function called for every record).
    sums = {stage: Sum("amount", filter=Q(stage=stage)) for stage in stages}
    by_month = {}
    for day in rows.order_by().values("date").annotate(**sums):
        month = by_month.setdefault(day["date"].month, dict.fromkeys(stages, 0))
        for stage in stages:
            month[stage] += day[stage] or 0
    labels = dict(FundRecord.Stage.choices)
    url = reverse("funds:list")
    out = {}
    for stage in stages:
        figures = []
        for month in range(1, 13):
            query = {**params, "stage": stage, "since": datetime.date(year, month, 1).isoformat(),
                     "until": month_end(year, month).isoformat()}
            figures.append(Figure(Decimal(by_month.get(month, {}).get(stage) or 0), f"{url}?{urlencode(query)}",
                                  "元", "amount", label=f"{month}月{labels[stage]}资金"))
        out[stage] = figures
    return out


def paired_places(user, year, program=None):
    """[(region, Figure of pairings in force that year, [program names])] per partner city.

    Grouped like the statistics' regions, so a place's figure drills down to the pairings
    list filtered by that region and year.
    """
    rows = access.visible(user, Pairing.objects.filter(Q(start_year__lte=year) & (Q(end_year__isnull=True) |
                                                                           Q(end_year__gte=year))))
    params = {"year": year}
    if program is not None:
        rows = rows.filter(program__in=program.tree_ids())
        params["program"] = program.pk
    grouped = rows.order_by().values(r=Substr("region__code", 1, 4), p=F("program__name")).annotate(n=Count("pk"))
    counts, names = {}, {}
    for row in grouped:
        counts[row["r"]] = counts.get(row["r"], 0) + row["n"]
        names.setdefault(row["r"], []).append(row["p"])
    places = []
    for region, _depth, slots in _regions(set(counts), "region"):
        keys = [key for _dimension, key in slots]
        query = {**params, "region": region.code}
        figure = Figure(sum(counts[k] for k in keys), f"{reverse('pairings:list')}?{urlencode(query)}", "对",
                        label=f"{region.name}结对关系")
        programs = sorted({name for k in keys for name in names[k]})
        places.append((region, figure, programs))
    return places


def latest_year(user):
    """The latest year with projects in the user's scope, or None."""
    rows = access.visible(user, Project.objects.all())
    return rows.order_by("-year").values_list("year", flat=True).first()


def default_year(user):
    """The year a statistics page or report shows when none is asked for: the latest with
    projects in the user's scope, else this year."""
    return latest_year(user) or timezone.localdate().year


# -- the annual summary's own reads ----------------------------------------------------------
# Figures the summary writes beyond the statistics tables' measures: the same Measure and
# Figure, so each opens the list of the records it counts. Kept apart from MEASURES, which
# are the statistics page's and the dashboard's columns.

REPORT_MEASURES = [
    Measure("funds_subsidy", "政策补贴", "funds", "元", "amount", "amount",
            where=(("stage", FundRecord.Stage.DISBURSED), ("source", FundRecord.Source.SUBSIDY)),
            params=(("stage", FundRecord.Stage.DISBURSED), ("source", FundRecord.Source.SUBSIDY))),
    Measure("funds_provincial", "省定财政性援建资金", "funds", "元", "amount", "amount",
            where=(("stage", FundRecord.Stage.DISBURSED), ("source", FundRecord.Source.PROVINCIAL)),
            params=(("stage", FundRecord.Stage.DISBURSED), ("source", FundRecord.Source.PROVINCIAL))),
    Measure("inspection_enterprises", "考察企业", "activities", "家", "enterprises", "enterprises",
            where=(("kind", Activity.Kind.INSPECTION),), params=(("kind", Activity.Kind.INSPECTION),)),
    Measure("inspection_signed", "考察签约", "activities", "家", "signed_projects", "signed_projects",
            where=(("kind", Activity.Kind.INSPECTION),), params=(("kind", Activity.Kind.INSPECTION),)),
    Measure("training_person_times", "培训人次", "activities", "人次", "person_times", "person_times",
            where=(("kind", Activity.Kind.TRAINING),), params=(("kind", Activity.Kind.TRAINING),)),
]
REPORT_BY_KEY = {**BY_KEY, **{m.key: m for m in REPORT_MEASURES}}


def in_kind(user, year, program=None):
    """[(item, Figure)] of goods given in kind (物资帮扶) in `year`: one per item and quantity unit
    (quantities of different units are never added), of `program` and below; one query."""
    from hezuo.assistance.models import InKindAid

    rows = access.visible(user, InKindAid.objects.filter(year=year))
    params = {"year": year}
    if program is not None:
        rows = rows.filter(program__in=program.tree_ids())
        params["program"] = program.pk
    grouped = (rows.order_by().values("item", "quantity_unit").annotate(quantity=Sum("quantity"))
               .order_by("-quantity", "item"))
    url = reverse("in-kind:list")
    out = []
    for row in grouped:
        quantity = numbers.to_decimal(row["quantity"] or 0)
        if quantity:
            out.append((row["item"], Figure(int(quantity) if quantity == int(quantity) else quantity.normalize(),
                                            f"{url}?{urlencode({**params, 'q': row['item']})}", row["quantity_unit"],
                                            "quantity", label=f"物资帮扶{row['item']}")))
    return out


@dataclass
class HonorLine:
    """An honour of the year, with how many years running the same unit has held it."""

    name: str
    level: str  # the level's label: 国家级, 省级 …
    holder: str  # the person named, or the unit
    awarded_by: str
    years_running: int  # 1, or N for 连续N年


def honors(user, year):
    """The honours of `year` in `user`'s scope, each with its run of consecutive years (the
    same name to the same unit and recipient in each year before); two queries."""
    from hezuo.honors.models import Honor, Level

    rank = {level: i for i, level in enumerate(Level.values)}  # 国家级, 省级, 市级, 其他
    rows = sorted(access.visible(user, Honor.objects.filter(year=year)).select_related("unit").order_by("id"),
                  key=lambda h: rank.get(h.level, len(rank)))
    held = set(access.visible(user, Honor.objects.filter(year__lt=year, name__in=[h.name for h in rows]))
               .values_list("name", "unit_id", "recipient", "year"))
    out = []
    for h in rows:
        run = 1
        while (h.name, h.unit_id, h.recipient, year - run) in held:
            run += 1
        out.append(HonorLine(h.name, h.get_level_display(), h.recipient or h.unit.name, h.awarded_by, run))
    return out


def notable_activities(user, year, kinds, unit_ids=None, program=None):
    """The activities of `kinds` in `year`, the largest (person-times) first: those the units
    `unit_ids` themselves hosted (主办), or those of `program` and below. One query."""
    rows = access.visible(user, Activity.objects.filter(year=year, kind__in=kinds))
    if unit_ids is not None:
        rows = rows.filter(unit__in=unit_ids)
    if program is not None:
        rows = rows.filter(program__in=program.tree_ids())
    return list(rows.order_by("-person_times", "date"))
