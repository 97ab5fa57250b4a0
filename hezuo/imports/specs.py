"""The standard workbook (标准填报模板): one sheet per record kind, and what each column is.

Import, export and the blank template all read these specs, so the three cannot drift
apart. A sheet is a declaration: its model, its columns, its key and its shape.

- A column's `kind` names its resolver in hezuo/imports/cells.py (KINDS): how a cell becomes
  a value (text, int, year, date, amount, choice …), or, for a reference kind (unit, program,
  region, project …), which TARGETS entry it names.
- A column whose field is `parent__part` is one part of the key of a record the row hangs
  under (a cadre's 派遣批次 is named by its batch name, unit and start date): the parts
  together name one record of the parent's own sheet.
- `key` columns identify a record, so re-importing a row updates it instead of adding one.
- `shape` picks the writer (hezuo/imports/services/writers.py): "tree" (rows may hang under
  earlier rows of the same sheet, saved one by one), "flat" (inserted in bulk), "child"
  (inserted in bulk under a record of another sheet, copying what it declares in `copies`).
- A sheet may also write records of another kind from some of its cells (`companions`: the
  annual plan a 重点项目月报 row names). A companion is a spec of its own — checked, gated,
  matched and written like a sheet — whose rows `derive` makes from its sheet's rows.
- A child sheet may create the parents its part columns name when the system has none by
  that key yet (`makes`, MakesParent: a 岗位 row's 企业名称 and 统一社会信用代码 make a new
  用工企业); the new parents are written before the sheet's rows, which name them.
- `checks` are what a sheet's rows must satisfy together or against what is stored (a lower
  year-to-date than last month's), run once references are resolved, before rows are matched
  with stored records; they also finish the values that need what a reference names (a
  target's value in its indicator's unit) or other rows (a month's completion).
"""

import functools
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from hezuo import numbers, rules

from hezuo.assistance.models import ConsumptionRecord, InKindAid
from hezuo.exchanges.models import Activity, Cadre, Dispatch
from hezuo.honors.models import Case, Honor
from hezuo.jobs.models import Employer, Posting, RecruitmentEvent
from hezuo.keyprojects.models import AnnualPlan, MonthlyReport, ProvinceRate
from hezuo.org.models import Pairing, Program, Region, Unit
from hezuo.parks.models import Enterprise, Park, ParkFigure
from hezuo.projects.models import FundRecord, Project
from hezuo.targets.models import Indicator, Target as TargetRecord


@dataclass(frozen=True)
class Column:
    header: str  # without unit: the unit goes in parentheses, e.g. 金额（万元）
    field: str  # a model field, or parent__part (see the module's docstring)
    kind: str  # a key of cells.KINDS
    required: bool = True
    unit: str = ""  # default unit for amounts: 元, 万元 or 亿元
    width: int = 14
    note: str = ""
    about: str = ""  # a column that is no field itself but speaks about this one (是否重点项目 → key_level)
    personal: bool = False  # personal data: masked in exports for roles without the right (access.sees_personal_data)
    of: tuple = ()  # (model, field) a companion writes from this column (年度计划投资 → AnnualPlan.amount)
    reads: tuple = ()  # lookups the export reads for a column that is no plain field (default: the field)
    shows: object = None  # function(*read values) → the exported cell, with `reads`
    computed: bool = False  # an empty cell is None, for the sheet's checks to work out (本月完成投资)
    listed: object = None  # function() → the words the template's drop-down offers (a reference's names)

    @property
    def title(self):
        return f"{self.header}（{self.unit}）" if self.unit else self.header

    @property
    def parent(self):
        """The reference this column is one part of, or ""."""
        return self.field.partition("__")[0] if "__" in self.field else ""

    @property
    def part(self):
        return self.field.partition("__")[2]

    def model_field(self, model):
        """The model field the cells are read for: the parent's own for a part column."""
        if self.of:
            return self.of[0]._meta.get_field(self.of[1])
        if self.about:
            return model._meta.get_field(self.about)
        if self.parent:
            return model._meta.get_field(self.parent).related_model._meta.get_field(self.part)
        return model._meta.get_field(self.field)


@dataclass(frozen=True)
class Target:
    """A kind of record that rows name: by which fields, what users call it, where it is made."""

    model: type
    key: tuple  # model fields that name one record, in the order the workbook writes them
    noun: str  # 单位, 项目 …
    by: str = "名为"  # 名为 / 编号为: how a message says what was written
    sheet: str = ""  # the sheet of this workbook that creates them
    scoped: bool = False  # a district reporter names only those of their own units

    @property
    def scope_path(self):
        """The lookup from a record to the unit owning it; None for dictionaries."""
        return getattr(self.model, "scope_path", None)


# Reference kinds and what they name. Regions are not here: they have a resolver of their
# own (codes, names, code + name; hezuo.imports.services.lookups.Lookups.resolve_region).
TARGETS = {
    "unit": Target(Unit, ("name",), "单位", sheet="单位"),
    "program": Target(Program, ("name",), "工作类别"),
    "project": Target(Project, ("code",), "项目", by="编号为", sheet="项目", scoped=True),
    "park": Target(Park, ("name",), "园区", sheet="园区·飞地", scoped=True),
    "dispatch": Target(Dispatch, ("batch_name", "unit", "start_date"), "派遣批次", sheet="人员派遣", scoped=True),
    "enterprise": Target(Enterprise, ("park", "name"), "企业", sheet="入驻企业", scoped=True),
    # Keyed by model name, as every target (lookups find a record's owner by it).
    "recruitmentevent": Target(RecruitmentEvent, ("name",), "招聘活动", scoped=True),
    # Employers are named by their credit code; the 岗位 sheet creates those it names that
    # are not in the system yet (SheetSpec.makes). Not scoped: an enterprise recruits at the
    # events of several units.
    "employer": Target(Employer, ("credit_code",), "用工企业", by="统一社会信用代码为", sheet="岗位"),
    "indicator": Target(Indicator, ("name",), "指标"),
}


@dataclass(frozen=True)
class SheetSpec:
    name: str
    model: type
    columns: tuple
    key: tuple  # fields that identify a record
    note: str = ""
    order: tuple = field(default=("pk",))
    shape: str = "flat"  # tree, flat or child: which writer writes it
    copies: tuple = ()  # child sheets: (field, parent field) copied from the parent record
    combine: tuple = ()  # functions making a field of several cells: values → None or (field, message)
    sets: tuple = ()  # (field, column field): a field a combine sets from a column that writes another
    checks: tuple = ()  # functions (rows, lookups) → [(row number, field, value, message)]; see the docstring
    companions: tuple = ()  # specs of other records this sheet's rows write (see the docstring)
    derive: object = None  # a companion's: function(rows) → ([(row number, values)], [(row number, field, message)])
    within: str = ""  # a companion's: the sheet it is read from
    annotations: object = None  # function() → {name: expression} the export reads (a column's `of`)
    model_clean: bool = True  # False: the model's clean() holds only what `checks` checks for the whole sheet
    stamps: tuple = ()  # (field, by, at): who gave or changed a typed value and when (a target's 完成值)
    # Parents the sheet creates when its part columns name one not in the system yet (a 岗位
    # row's 企业名称 and 统一社会信用代码 make a new 用工企业): MakesParent declarations.
    makes: tuple = ()

    @property
    def sheet(self):
        """The workbook sheet its rows are on: a companion's is the sheet it is read from."""
        return self.within or self.name

    def records(self):
        """Every record of the sheet's kind, with what the export reads beside its fields."""
        rows = self.model.objects.all()
        return rows.annotate(**self.annotations()) if self.annotations else rows

    @property
    def year_field(self):
        """The year its rows count in (`hezuo export --year`): the model's declared year_path;
        "" when it has none, or is in force over years (a pairing), and is written whole."""
        path = getattr(self.model, "year_path", None)
        return path if isinstance(path, str) else ""

    def column(self, field_name):
        return next(c for c in self.columns if c.field == field_name)

    @property
    def required_headers(self):
        return [c.header for c in self.columns if c.required]

    @property
    def stored(self):
        """The model fields a row of this sheet sets: its plain columns, and the parents its
        part columns name."""
        fields = []
        for column in self.columns:
            if column.about or column.of:
                continue
            name = column.parent or column.field
            if name not in fields:
                fields.append(name)
        return tuple(fields) + tuple(name for name, _column in self.sets if name not in fields)

    @property
    def parents(self):
        """{parent field: its target kind} for the records named by part columns."""
        return {c.parent: self.model._meta.get_field(c.parent).related_model._meta.model_name
                for c in self.columns if c.parent}


@dataclass(frozen=True)
class MakesParent:
    """A child sheet creates the parent records its part columns name and the system does
    not hold yet, from those parts; the new record belongs to the unit of the record the
    row's `unit_from` column names (a new employer: its posting's event's unit)."""

    parent: str  # the child's foreign key
    unit_from: str  # a reference field of the row whose record's unit the new parent takes


def key_level_of(values):
    """是否重点项目 says whether a project is key, 重点级别 at which level. 是 alone names no
    level: it is refused with a question, never read as 省重点."""
    flag = values.pop("is_key", None)
    level = values.setdefault("key_level", "")  # every row of a sheet carries the same fields
    if isinstance(flag, str):  # a level written as the flag (older templates)
        if level and level != flag:
            return "key_level", "是否重点项目与重点级别不一致，请改正其中之一"
        values["key_level"] = flag
    elif flag is True and not level:
        return "key_level", "是否重点项目为“是”，请在“重点级别”列填写省重点或市重点"
    elif flag is False:
        if level:
            return "key_level", "是否重点项目为“否”，重点级别应为空"
        values["key_level"] = ""
    return None


def month_of_rate(values):
    """全省进度's 月份 names the year and the month its rate is of."""
    day = values.get("month")
    values["year"], values["month"] = (day.year, day.month) if day else (None, None)


def year_month(year, month):
    return f"{year}-{month:02d}"


def plans_of(rows):
    """The annual plans (年度计划投资) a 重点项目月报 sheet gives: one per project and year, of
    the row's month's year. A row without one keeps the stored plan; rows of one project and
    year giving different plans are refused, naming both rows."""
    plans, problems, first = [], [], {}
    for row in rows:
        amount = row.values.pop("plan", None)
        project, month = row.values.get("project"), row.values.get("month")
        if amount is None or project is None or month is None:
            continue
        key = (project, month.year)
        if key in first:
            number, given = first[key]
            if given != amount:
                problems.append((row.number, "amount",
                                 f"与第 {number} 行的年度计划投资不同（{numbers.format_amount(given)}）："
                                 f"项目 {project} {month.year} 年只能有一个年度计划投资，请改为一致"))
            continue
        first[key] = (row.number, amount)
        plans.append((row.number, {"project": project, "year": month.year, "amount": amount}))
    return plans, problems


def key_projects_only(rows, lookups):
    """A monthly report is of a key project (重点级别 set: stored, or on the workbook's 项目 sheet)."""
    ids = {row.values.get("project") for row in rows}
    stored = {}  # id → (code, key level)
    wanted = [pk for pk in ids if isinstance(pk, int)]
    for start in range(0, len(wanted), 900):
        found = Project.objects.filter(pk__in=wanted[start:start + 900]).values_list("pk", "code", "key_level")
        stored.update((pk, (code, level)) for pk, code, level in found)
    for row in rows:
        project = row.values.get("project")
        if isinstance(project, tuple):
            code, level = project[1][0], (lookups.new_values("project", project[1]) or {}).get("key_level")
        elif project is None:
            continue
        else:
            code, level = stored[project]
        if not level:
            yield (row.number, "project", code,
                   f"项目 {code} 不是重点项目（“项目”表中重点级别为空），不能填报重点项目月报")


def year_to_date(rows, lookups):
    """A year-to-date below the month before (stored, or an earlier row of this sheet) needs
    累计减少原因: the rule the report form applies (rules.ytd_decline). An empty 本月完成投资 is
    the year-to-date less the month before's, as the form works it out
    (MonthlyReport.completion_since)."""
    sheet = {}
    for row in rows:
        values = row.values
        if values.get("project") is not None and values.get("month") is not None:
            sheet[values["project"], values["month"]] = (values.get("completed_ytd"), row)
    if not sheet:
        return
    ids = sorted({p for p, _m in sheet if isinstance(p, int)})
    years = {m.year for _p, m in sheet}
    ytd = {}  # (project, month) → the year-to-date it will have
    for start in range(0, len(ids), 900):
        stored = MonthlyReport.objects.filter(project_id__in=ids[start:start + 900], year__in=years)
        ytd.update(((p, m), v) for p, m, v in stored.values_list("project_id", "month", "completed_ytd"))
    ytd.update((key, value) for key, (value, _row) in sheet.items())
    months = {}
    for project, month in ytd:
        months.setdefault((project, month.year), []).append(month)
    for (project, month), (value, row) in sheet.items():
        earlier = [m for m in months[project, month.year] if m < month]
        before = max(earlier) if earlier else None
        if row.values.get("completed_month") is None:  # empty, or no such column: every row gets it
            last = ytd[project, before] if before else None
            row.values["completed_month"] = MonthlyReport.completion_since(value, last)
        if before is None:
            continue
        message = rules.ytd_decline(value, row.values.get("decline_reason"), before, ytd[project, before])
        if message:
            yield row.number, "decline_reason", "", message


def plan_of_year():
    """The plan of a report's project and year, for the export."""
    plans = AnnualPlan.objects.filter(project=OuterRef("project"), year=OuterRef("year"))
    return {"plan": Subquery(plans.values("amount")[:1])}


ANNUAL_PLANS = SheetSpec("年度计划投资", AnnualPlan, (
    Column("项目编号", "project", "project"),
    Column("月份", "year", "year"),
    Column("年度计划投资", "amount", "amount", unit="万元"),
), key=("project", "year"), within="重点项目月报", derive=plans_of)


@functools.cache
def builtin_indicators():
    """{written name: key} of the built-in indicators: their labels (full- or half-width) and keys."""
    from hezuo.targets.indicators import BUILTIN  # the statistics behind them load on first use

    names = {}
    for key, indicator in BUILTIN.items():
        names[key] = names[indicator.label] = names[unicodedata.normalize("NFKC", indicator.label)] = key
    return names


def builtin_indicator(values):
    """指标 names a built-in indicator by its label, else an office-defined one (自定义指标) by
    its name, which the reference resolves."""
    written = values.get("custom")
    key = builtin_indicators().get(unicodedata.normalize("NFKC", written)) if written else None
    if key:
        values["indicator"], values["custom"] = key, None
    else:
        values["indicator"] = ""


def indicator_names():
    """What 指标 may say: the built-in indicators' labels, then the office's own indicators."""
    from hezuo.targets.indicators import BUILTIN

    return [i.label for i in BUILTIN.values()] + list(Indicator.objects.order_by("name").values_list("name", flat=True))


def indicator_unit(key, custom_unit):
    from hezuo.targets.indicators import BUILTIN

    return BUILTIN[key].unit if key else custom_unit


def in_indicator_unit(rows, lookups):
    """目标值 and 完成值 in the indicator's unit: an amount indicator (元) takes 元, 万元 or 亿元
    and stores 元; any other takes its own unit only. A built-in indicator's 完成值 is computed
    from records, never typed."""
    from hezuo.targets.indicators import BUILTIN

    customs = {row.values.get("custom") for row in rows} - {None}
    units = {pk: (unit, name) for pk, unit, name in Indicator.objects.filter(
        pk__in=[pk for pk in customs if isinstance(pk, int)]).values_list("pk", "unit", "name")}
    for row in rows:
        values = row.values
        written = values.pop("measure_unit", None)
        key, custom = values.get("indicator"), values.get("custom")
        if key:
            unit, label = BUILTIN[key].unit, BUILTIN[key].label
            if values.get("actual_value") is not None:
                yield (row.number, "actual_value", "",
                       f"“{label}”是内置指标，完成值按记录自动计算，不能填写；请删去完成值")
        elif custom in units:
            unit, label = units[custom]
        else:
            continue  # an indicator not found: reported already
        if unit == "元" and written in numbers.UNITS:
            for name in ("value", "actual_value"):
                if values.get(name) is not None:
                    values[name] = numbers.from_unit(values[name], written)
            continue
        if written != unit:
            uses = "元、万元或亿元" if unit == "元" else f"“{unit}”"
            yield (row.number, "measure_unit", written,
                   f"计量单位“{written}”与指标“{label}”的计量单位不符：该指标的计量单位为{uses}")
            continue
        for name in ("value", "actual_value"):
            if values.get(name) is not None and values[name] != values[name].quantize(Decimal("0.01")):
                yield row.number, name, "", "最多 2 位小数"


def shown_indicator(key, custom_name):
    from hezuo.targets.indicators import BUILTIN

    return BUILTIN[key].label if key else custom_name


def shown_measure_unit(key, custom_unit):
    unit = indicator_unit(key, custom_unit)
    return "万元" if unit == "元" else unit


def shown_in_unit(value, key, custom_unit):
    """A target's value as the workbook writes it: amounts in 万元."""
    if value is None:
        return None
    if indicator_unit(key, custom_unit) == "元":
        value = numbers.in_unit(value, "万元")
    return float(value)


SHEETS = (
    SheetSpec("单位", Unit, (
        Column("单位名称", "name", "text", width=24),
        Column("上级单位", "parent", "unit", required=False, width=20),
        Column("类型", "kind", "choice", required=False),
    ), key=("name",), order=("path",), shape="tree", note="本方单位。上级单位须是系统中已有的单位，或本表中出现在它之前的单位。"),
    SheetSpec("地区", Region, (
        Column("地区名称", "name", "text"),
        Column("上级地区", "parent", "region", width=24),
        Column("区划代码", "code", "text", note="乡镇9位、村12位，以上级地区代码开头"),
    ), key=("code",), order=("code",), shape="tree", note="只需填写系统中没有的乡镇、村；省市县三级来自国家区划数据。"),
    SheetSpec("结对关系", Pairing, (
        Column("本地单位", "unit", "unit", width=20),
        Column("结对地区", "region", "region", width=20),
        Column("工作类别", "program", "program"),
        Column("起始年份", "start_year", "year"),
    ), key=("unit", "region", "program"), order=("unit__path", "region__code")),
    SheetSpec("园区·飞地", Park, (
        Column("名称", "name", "text", width=30),
        Column("类型", "kind", "choice", width=12),
        Column("工作类别", "program", "program"),
        Column("建设单位", "unit", "unit", width=20),
        Column("合作地区", "partner_region", "region", width=20),
        Column("所在地", "location", "region", required=False, width=20),
        Column("设立年份", "established_year", "year", required=False, width=10),
        Column("规划面积", "area_mu", "decimal", required=False, unit="亩", width=12),
        Column("简介", "description", "text", required=False, width=40),
    ), key=("name",), order=("name",), note="园区、飞地、共富产业园等合作平台。名称在全系统唯一。"),
    SheetSpec("项目", Project, (
        Column("项目编号", "code", "text", width=18),
        Column("项目名称", "name", "text", width=36),
        Column("工作类别", "program", "program"),
        Column("实施单位", "unit", "unit", width=20),
        Column("结对地区", "partner_region", "region", width=20),
        Column("项目类别", "category", "choice"),
        Column("年度", "year", "year", width=8),
        Column("总投资", "total_investment", "amount", unit="万元"),
        Column("状态", "status", "choice", width=10),
        Column("是否重点项目", "is_key", "key_flag", required=False, about="key_level", note="是或否"),
        Column("重点级别", "key_level", "choice", required=False, note="省重点或市重点；是否重点项目为“是”时必填"),
        Column("开工日期", "start_date", "date", required=False, width=12),
        Column("完工日期", "end_date", "date", required=False, width=12),
        Column("建设内容", "description", "text", required=False, width=40),
        Column("所在园区", "park", "park", required=False, width=24, note="须是系统中已有的园区，或在本文件“园区·飞地”表中新增"),
    ), key=("code",), order=("year", "code"), combine=(key_level_of,)),
    SheetSpec("资金", FundRecord, (
        Column("项目编号", "project", "project", width=18),
        Column("日期", "date", "date", width=12),
        Column("环节", "stage", "choice", width=8),
        Column("金额", "amount", "amount", unit="万元"),
        Column("资金来源", "source", "choice", width=20),
        Column("备注", "note", "text", required=False, width=30, note="如拨付文件的文号"),
    ), key=("project", "date", "stage", "source"), order=("date", "project__code", "stage"),
        shape="child", copies=(("program", "project"),),  # FundRecord.program: see docs/architecture.md
        note="同一项目同一天同一环节同一来源只能有一行；再次导入同一行会更新金额。"),
    SheetSpec("人员派遣", Dispatch, (
        Column("批次名称", "batch_name", "text", width=30),
        Column("人员类型", "kind", "choice"),
        Column("工作类别", "program", "program"),
        Column("派出单位", "unit", "unit", width=20),
        Column("派往地区", "destination", "region", width=20),
        Column("开始日期", "start_date", "date", width=12),
        Column("结束日期", "end_date", "date", required=False, width=12),
        Column("人次", "person_times", "int", width=8),
    ), key=("batch_name", "unit", "start_date"), order=("start_date", "batch_name")),
    SheetSpec("援派干部人才", Cadre, (
        Column("姓名", "name", "text", width=10),
        Column("性别", "gender", "choice", required=False, width=6),
        Column("批次名称", "dispatch__batch_name", "text", width=30),
        Column("派出单位", "dispatch__unit", "unit", width=20),
        Column("开始日期", "dispatch__start_date", "date", width=12),
        Column("原工作单位", "employer", "text", required=False, width=24),
        Column("挂职岗位", "position", "text", required=False, width=24),
        Column("联系电话", "phone", "text", required=False, personal=True),
        Column("身份证号", "id_number", "text", required=False, width=20, personal=True),
    ), key=("dispatch", "name"),
        order=("dispatch__start_date", "dispatch__batch_name", "name"), shape="child",
        note="每人一行。批次名称、派出单位、开始日期三列合起来指明“人员派遣”中的一个批次。"
             "联系电话、身份证号是个人信息：无权查看的角色导出时为脱敏值，脱敏值导入时保持原值不变。"),
    SheetSpec("交流活动", Activity, (
        Column("活动名称", "name", "text", width=36),
        Column("活动类型", "kind", "choice"),
        Column("工作类别", "program", "program"),
        Column("主办单位", "unit", "unit", width=20),
        Column("日期", "date", "date", width=12),
        Column("地点", "location", "text", required=False),
        Column("批次", "batches", "int", required=False, width=8),
        Column("人次", "person_times", "int", required=False, width=8),
        Column("企业数", "enterprises", "int", required=False, width=8),
        Column("签约项目数", "signed_projects", "int", required=False, width=10),
        Column("签约金额", "signed_investment", "amount", required=False, unit="亿元"),
    ), key=("name", "unit", "date"), order=("date", "name")),
    SheetSpec("消费帮扶", ConsumptionRecord, (
        Column("日期", "date", "date", width=12),
        Column("工作类别", "program", "program"),
        Column("实施单位", "unit", "unit", width=20),
        Column("产地", "origin", "region", width=20),
        Column("产品名称", "product", "text", width=24),
        Column("销售渠道", "channel", "choice"),
        Column("金额", "amount", "amount", unit="万元"),
    ), key=("date", "unit", "origin", "product", "channel"),
        order=("date", "product")),
    SheetSpec("物资帮扶", InKindAid, (
        Column("物资名称", "item", "text", width=24),
        Column("工作类别", "program", "program"),
        Column("实施单位", "unit", "unit", width=20),
        Column("受援地区", "region", "region", width=20),
        Column("日期", "date", "date", width=12),
        Column("数量", "quantity", "decimal", width=10),
        Column("计量单位", "quantity_unit", "text", width=10, note="如：万株、公斤、台、套"),
        Column("折合金额", "value", "amount", required=False, unit="万元"),
        Column("受益人数", "beneficiaries", "int", required=False, width=10),
        Column("成效", "outcome", "text", required=False, width=40),
    ), key=("item", "unit", "region", "date"), order=("date", "item")),
    SheetSpec("入驻企业", Enterprise, (
        Column("企业名称", "name", "text", width=30),
        Column("所在园区", "park", "park", width=24),
        Column("统一社会信用代码", "credit_code", "text", required=False, width=22),
        Column("行业", "industry", "text", required=False),
        Column("本地企业投资", "from_our_side", "bool", required=False, width=12, note="是：我方企业投资；否：其他企业"),
        Column("入驻年份", "settled_year", "year", required=False, width=10),
    ), key=("park", "name"), order=("park__name", "name"), shape="child"),
    SheetSpec("园区年度数据", ParkFigure, (
        Column("园区", "park", "park", width=24),
        Column("企业名称", "enterprise__name", "text", required=False, width=30, note="为空表示园区整体"),
        Column("年度", "year", "year", width=8),
        Column("固定资产投资", "fixed_asset_investment", "amount", required=False, unit="万元"),
        Column("规上工业总产值", "industrial_output", "amount", required=False, unit="万元"),
        Column("产值", "output", "amount", required=False, unit="万元"),
        Column("带动就业", "employment", "int", required=False, unit="人", width=10),
        Column("引进项目数", "projects_introduced", "int", required=False, width=10),
        Column("引进项目总投资", "investment_introduced", "amount", required=False, unit="万元"),
        Column("统计归属", "credited_to", "choice", required=False, width=12),
        Column("累计数", "cumulative", "bool", required=False, width=8, note="是：截至该年末的累计数；否：当年数"),
    ), key=("park", "enterprise", "year"), order=("year", "park__name", "enterprise__name"),
        shape="child", note="企业名称为空的行是园区整体的数据；填写企业名称时，企业须在“入驻企业”中。"),
    SheetSpec("荣誉", Honor, (
        Column("荣誉名称", "name", "text", width=36),
        Column("级别", "level", "choice", width=10),
        Column("获得单位", "unit", "unit", width=20),
        Column("工作类别", "program", "program", required=False),
        Column("年度", "year", "year", width=8),
        Column("授予机关", "awarded_by", "text", required=False, width=24),
        Column("获得者", "recipient", "text", required=False, note="个人荣誉填姓名"),
        Column("说明", "description", "text", required=False, width=40),
    ), key=("name", "unit", "year"), order=("year", "name")),
    SheetSpec("典型案例", Case, (
        Column("案例名称", "title", "text", width=36),
        Column("入选级别", "level", "choice", width=10),
        Column("入选名单", "selection", "text", required=False, width=30),
        Column("报送单位", "unit", "unit", width=20),
        Column("工作类别", "program", "program"),
        Column("年度", "year", "year", width=8),
        Column("案例摘要", "summary", "text", required=False, width=40),
    ), key=("title", "unit", "year"), order=("year", "title")),
    SheetSpec("重点项目月报", MonthlyReport, (
        Column("项目编号", "project", "project", width=18, note="须是重点项目（“项目”表中重点级别为省重点或市重点）"),
        Column("月份", "month", "month", width=10),
        Column("年度计划投资", "plan", "amount", required=False, unit="万元", of=(AnnualPlan, "amount"),
               note="该项目该月所在年度的计划投资；同一项目同一年度各行应相同，留空则保持原值"),
        Column("本年累计完成投资", "completed_ytd", "amount", unit="万元"),
        Column("本月完成投资", "completed_month", "amount", required=False, unit="万元", computed=True,
               note="留空则为本年累计减去上月的本年累计（与填报页面相同）"),
        Column("开工以来累计完成投资", "completed_total", "amount", required=False, unit="万元"),
        Column("形象进度", "progress", "text", required=False, width=30),
        Column("存在问题", "problems", "text", required=False, width=30),
        Column("责任单位", "responsible", "text", required=False, width=20),
        Column("解决时限", "deadline", "date", required=False, width=12),
        Column("解决情况", "resolution", "text", required=False, width=30),
        Column("累计减少原因", "decline_reason", "text", required=False, width=24,
               note="本年累计完成投资低于上月时必填"),
    ), key=("project", "month"), order=("month", "project__code"), companions=(ANNUAL_PLANS,),
        checks=(key_projects_only, year_to_date), annotations=plan_of_year, model_clean=False,
        note="每个重点项目每月一行；再次导入同一项目同一月份会更新该月月报。"),
    SheetSpec("全省进度", ProvinceRate, (
        Column("月份", "month", "month", width=10, reads=("year", "month"), shows=year_month),
        Column("全省完成率", "rate", "decimal", unit="%", width=12),
    ), key=("year", "month"), order=("year", "month"), combine=(month_of_rate,), sets=(("year", "month"),),
        note="全省重点项目年度计划投资的完成率，每月一行；只有市级业务人员可以导入。"),
    SheetSpec("目标任务", TargetRecord, (
        Column("指标", "custom", "indicator", width=24, reads=("indicator", "custom__name"), shows=shown_indicator,
               listed=indicator_names, note="内置指标的完成值按记录自动计算；自定义指标须先在“目标任务”页面新增"),
        Column("工作类别", "program", "program"),
        Column("年度", "year", "year", width=8),
        Column("目标值", "value", "number", reads=("value", "indicator", "custom__unit"), shows=shown_in_unit),
        Column("计量单位", "measure_unit", "text", about="value", width=10, reads=("indicator", "custom__unit"),
               shows=shown_measure_unit, note="须是指标的计量单位；金额类指标可写元、万元或亿元"),
        Column("单位", "unit", "unit", required=False, width=20, note="为空表示全市目标"),
        Column("完成值", "actual_value", "number", required=False,
               reads=("actual_value", "indicator", "custom__unit"), shows=shown_in_unit,
               note="只有自定义指标填写；内置指标的完成值按记录自动计算"),
    ), key=("indicator", "custom", "program", "year", "unit"),
        order=("year", "program__sort_order", "indicator", "custom__name", "unit__path"),
        combine=(builtin_indicator,), sets=(("indicator", "custom"),), checks=(in_indicator_unit,),
        stamps=(("actual_value", "actual_by", "actual_at"),),
        note="每个指标、工作类别、年度、单位一行；只有市级业务人员可以导入。"),
)

# Labour cooperation (劳务协作): job postings, each row also naming its employer, which the
# import creates when new (MakesParent). The event must exist (its page creates it).
JOB_POSTINGS = SheetSpec("岗位", Posting, (
    Column("企业名称", "employer__name", "text", width=30, note="新企业按统一社会信用代码新增，归属招聘活动的组织单位"),
    Column("统一社会信用代码", "employer__credit_code", "credit_code", width=22),
    Column("岗位名称", "title", "text", width=20),
    Column("岗位类别", "category", "text", required=False),
    Column("招聘人数", "headcount", "int", width=10),
    Column("薪资下限", "salary_min", "monthly_pay", required=False, unit="元/月"),
    Column("薪资上限", "salary_max", "monthly_pay", required=False, unit="元/月"),
    Column("工作地点", "work_place", "text", width=20),
    Column("岗位要求", "requirements", "text", required=False, width=30),
    Column("福利待遇", "benefits", "text", required=False, width=30, note="如包住宿、交通补贴"),
    Column("联系人", "contact_person", "text", width=10),
    Column("联系电话", "contact_phone", "text"),
    Column("有效期至", "valid_until", "date", width=12),
    Column("招聘活动", "event", "recruitmentevent", width=24),
), key=("event", "employer", "title", "work_place"),
    order=("event__start_date", "event__name", "employer__name", "title", "work_place"), shape="child",
    makes=(MakesParent("employer", unit_from="event"),),
    note="每个岗位一行；同一招聘活动中同一企业的同名岗位按工作地点区分。企业按统一社会信用代码识别，"
         "系统中没有的企业随岗位一起新增。导入的岗位为“待审核”，发布后才出现在公开页面。")
SHEETS += (JOB_POSTINGS,)

BY_NAME = {spec.name: spec for spec in SHEETS}
# Sheets of the standard template that later capabilities will import; recognised, not yet read.
PLANNED_SHEETS = ()
# Sheets the exporter adds to the template for people (instructions, the lists behind the
# drop-downs); the importer skips them without a word.
INSTRUCTIONS_SHEET = "填写说明"
LISTS_SHEET = "下拉选项"
TEMPLATE_SHEETS = (INSTRUCTIONS_SHEET, LISTS_SHEET)
