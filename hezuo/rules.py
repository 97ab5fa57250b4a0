"""Validation rules: one module for forms, import and (later) the API.

Two kinds of rule, each declared once below with a code, a severity and the record kinds
it applies to:

- **Row rules** look at one record's own values (a year, a date, an amount, a start and an
  end). They are errors: a form shows them on the field (status 422), the importer refuses
  the row naming its sheet, row and column, and nothing is written.
  `check_values(model, values)` runs them on a dict of field values.
- **Project rules** look at what a project has accumulated (its fund records by stage,
  its total investment, the pairings of its unit). They are 提醒 (warnings): they never
  block, because a figure can be right and still look wrong, but they are shown after an
  import (with the row and the project's code), on the project's page and on the 数据质量
  page. `project_warnings(projects)` computes them in the database for any set of projects
  in four queries, never record by record.
"""

import datetime
import operator
from functools import cached_property
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.db.models import ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from hezuo import numbers

ERROR = "error"
WARNING = "warning"  # 提醒

YEAR_MIN, YEAR_MAX = 2000, 2100


def year_problem(year):
    """The message for a year outside the range every record's year must be in, or ""."""
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        return f"年份 {year} 不在 {YEAR_MIN}—{YEAR_MAX} 之间"
    return ""


def latest_allowed_date():
    """Nothing has happened after the end of next year: a later date is a typing slip (2042 for 2024)."""
    return datetime.date(timezone.localdate().year + 1, 12, 31)


# -----------------------------------------------------------------------------------------
# Row rules
# -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    rule: "Rule"
    field: str  # the field to show it on ("" for the record as a whole)
    message: str  # said next to the field (a form) or the column (an import)
    label: str = ""  # the field's name, for where the message stands alone

    @property
    def severity(self):
        return self.rule.severity

    def __str__(self):
        return f"{self.label}：{self.message}" if self.label else self.message


@dataclass(frozen=True)
class Rule:
    code: str
    title: str  # what the rule says, for lists of rules (数据质量 page, docs)
    severity: str
    applies_to: tuple = ()  # "app.Model" labels; empty: decided by the fields each model has
    advice: str = ""  # what to do about it, shown with the violations on the 数据质量 page


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def _year_fields(model):
    return [f.name for f in model._meta.concrete_fields
            if isinstance(f, models.PositiveIntegerField) and (f.name == "year" or f.name.endswith("_year"))
            and f.editable]


def _date_fields(model):
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateField)
            and not isinstance(f, models.DateTimeField)]


def _amount_fields(model):
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.DecimalField)]


# A dated record's 年度 is its date's (Record.year_from: the models derive it; an input
# carrying its own 年度 must agree). Declared here: the dates of things that have happened
# (a project's planned 完工 or a cadre's three-year term may well lie further ahead), and the
# (start, end) pairs.
EVENT_DATES = {"projects.FundRecord": ("date",), "projects.Project": ("start_date",),
               "exchanges.Dispatch": ("start_date",), "exchanges.Activity": ("date",),
               "assistance.ConsumptionRecord": ("date",), "assistance.InKindAid": ("date",)}
SPANS = {"projects.Project": ("start_date", "end_date", "完工日期不能早于开工日期"),
         "exchanges.Dispatch": ("start_date", "end_date", "结束日期不能早于开始日期"),
         "org.Pairing": ("start_year", "end_year", "结束年份不能早于起始年份")}

YEAR_RANGE = Rule("year_range", f"年份须在 {YEAR_MIN}—{YEAR_MAX} 之间（年度、起止年份和各日期的年份）", ERROR)
YEAR_OF_DATE = Rule("year_of_date", "填写的年度须是记录日期所在的年份", ERROR)  # models with a year_from
NEGATIVE = Rule("negative", "金额和数量不能为负数", ERROR)
FUTURE_DATE = Rule("future_date", "已发生事项的日期不能晚于明年年底", ERROR, tuple(EVENT_DATES))
END_BEFORE_START = Rule("end_before_start", "结束不能早于开始（完工日期与开工日期、结束日期与开始日期、起止年份）", ERROR,
                        tuple(SPANS))
NO_PERSONS = Rule("no_persons", "人员派遣的人次须大于 0", ERROR, ("exchanges.Dispatch",))

ROW_RULES = (YEAR_RANGE, YEAR_OF_DATE, NEGATIVE, FUTURE_DATE, END_BEFORE_START, NO_PERSONS)


def _checks(model, latest):
    """[(fields, check(values) -> Violation or None)] for one model: its rules bound to its
    fields, with the fields each reads. `latest` is the last day a date of something that
    happened may be."""
    label = model._meta.label
    checks = []
    first, last = datetime.date(YEAR_MIN, 1, 1), datetime.date(YEAR_MAX, 12, 31)

    for name in _year_fields(model):
        def year_range(values, name=name):
            year = values.get(name)
            if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
                return Violation(YEAR_RANGE, name, year_problem(year), _label(model, name))
        checks.append(((name,), year_range))
    events = EVENT_DATES.get(label, ())
    for name in _date_fields(model):
        # One comparison per date in the common case: this runs on every row of an import.
        def date_range(values, name=name, until=min(latest, last) if name in events else last):
            day = values.get(name)
            if day is None or first <= day <= until:
                return None
            if not YEAR_MIN <= day.year <= YEAR_MAX:
                return Violation(YEAR_RANGE, name, f"{day:%Y-%m-%d} 的年份不在 {YEAR_MIN}—{YEAR_MAX} 之间",
                                 _label(model, name))
            return Violation(FUTURE_DATE, name, f"{day:%Y-%m-%d} 晚于明年年底（{latest:%Y-%m-%d}），请检查年份",
                             _label(model, name))
        checks.append(((name,), date_range))
    if getattr(model, "year_from", None):
        def year_of_date(values, name=model.year_from):
            day, year = values.get(name), values.get("year")
            if day is not None and year is not None and year != day.year:
                return Violation(YEAR_OF_DATE, "year", f"年度 {year} 与{_label(model, name)} {day:%Y-%m-%d} "
                                                       f"不在同一年，应为 {day.year}")
        checks.append(((model.year_from, "year"), year_of_date))
    for name in _amount_fields(model):
        def negative(values, name=name):
            value = values.get(name)
            if value is not None and value < 0:
                return Violation(NEGATIVE, name, "不能为负数", _label(model, name))
        checks.append(((name,), negative))
    if label in SPANS:
        start, end, message = SPANS[label]

        def span(values):
            begun, ended = values.get(start), values.get(end)
            if begun is not None and ended is not None and ended < begun:
                return Violation(END_BEFORE_START, end, message)
        checks.append(((start, end), span))
    if label in NO_PERSONS.applies_to:
        def persons(values):
            if values.get("person_times") == 0:
                return Violation(NO_PERSONS, "person_times", "人次必须大于 0")
        checks.append((("person_times",), persons))
    return checks


_CHECKERS = {}


def row_checker(model, fields=None):
    """A function values -> [Violation] for `model`. The importer takes one per sheet and
    calls it on every row, so the rules are bound to the model's fields once, not per row;
    given the `fields` a sheet has, it leaves out the checks of fields it never sees (a fund
    sheet has no 年度 to compare with the date)."""
    latest = latest_allowed_date()
    key = (model, latest, None if fields is None else frozenset(fields))
    if key not in _CHECKERS:
        checks = tuple(check for read, check in _checks(model, latest)
                       if fields is None or all(name in fields for name in read))

        def check(values):
            found = []
            for one in checks:
                violation = one(values)
                if violation is not None:
                    found.append(violation)
            return found

        _CHECKERS[key] = check
    return _CHECKERS[key]


def check_values(model, values):
    """The row rules `values` ({field name: value}) of a `model` record break."""
    return row_checker(model)(values)


def breaking_q(model):
    """A filter for the stored `model` records that may break a row rule: what the rules
    refuse today may have been saved before they existed (or by SQL). It mirrors the checks
    above, which decide: a record it lets through is listed only if a check agrees."""
    label = model._meta.label
    latest = latest_allowed_date()
    first, last = datetime.date(YEAR_MIN, 1, 1), datetime.date(YEAR_MAX, 12, 31)
    q = Q(pk__in=[])
    for name in _year_fields(model):
        q |= Q(**{f"{name}__lt": YEAR_MIN}) | Q(**{f"{name}__gt": YEAR_MAX})
    events = EVENT_DATES.get(label, ())
    for name in _date_fields(model):
        q |= Q(**{f"{name}__lt": first}) | Q(**{f"{name}__gt": min(latest, last) if name in events else last})
    if getattr(model, "year_from", None):
        q |= ~Q(year=ExtractYear(model.year_from))
    for name in _amount_fields(model):
        q |= Q(**{f"{name}__lt": 0})
    if label in SPANS:
        start, end, _message = SPANS[label]
        q |= Q(**{f"{end}__lt": F(start)})
    if label in NO_PERSONS.applies_to:
        q |= Q(person_times=0)
    return q


def has_row_rules(model):
    return bool(_checks(model, latest_allowed_date()))


def stored_errors(queryset, limit=1000):
    """[(record, [Violation])] for the records of `queryset` that break a row rule, at most
    `limit`: one query, filtered in the database (breaking_q), checked by the rules."""
    model = queryset.model
    check = row_checker(model)
    found = []
    for obj in queryset.filter(breaking_q(model))[:limit]:
        violations = check({f.name: getattr(obj, f.attname) for f in model._meta.concrete_fields})
        if violations:
            found.append((obj, violations))
    return found


def check_form(form):
    """Add the row rules' errors to a ModelForm being cleaned: each on its field when the form
    has it, else on the form. The values are the record's as it would be saved: what the form
    cleaned over what the instance holds, with derived fields (a fund's year) derived."""
    model = type(form.instance)
    values = {f.name: getattr(form.instance, f.attname) for f in model._meta.concrete_fields}
    values.update(form.cleaned_data)
    derivable = {f.attname: values.get(f.name) for f in model._meta.concrete_fields}
    try:
        derived = model.derived_values(derivable)
    except (AttributeError, KeyError, TypeError):  # a date the form could not read: nothing to derive
        derived = {}
    values.update({name: value for name, value in derived.items() if name not in form.fields})
    for violation in check_values(model, values):
        if violation.field in form.fields:
            if violation.field not in form.errors:  # what the field itself refused comes first
                form.add_error(violation.field, violation.message)
        else:
            form.add_error(None, str(violation))


# A key project's year-to-date is read against its month before (another record, so no row
# rule): the report form (MonthlyReport.clean) and the import's 重点项目月报 check it here.
YTD_DECLINE = Rule("ytd_decline", "重点项目本年累计完成投资低于上月时，须说明累计减少原因", ERROR,
                   ("keyprojects.MonthlyReport",))


def ytd_decline(ytd, reason, before_month, before_ytd):
    """The message when a year-to-date is below last month's (`before_month`, a date, and its
    `before_ytd`) and no 累计减少原因 is given; "" when it is not."""
    if before_ytd is None or ytd is None or ytd >= before_ytd or (reason or "").strip():
        return ""
    return f"本年累计完成投资低于上月（{before_month.month}月）的数值，请在“累计减少原因”中说明原因"


# -----------------------------------------------------------------------------------------
# Project rules (提醒): cumulative funds, total investment, pairing
# -----------------------------------------------------------------------------------------

STAGE_LABELS = {"arranged": "安排", "allocated": "下达", "disbursed": "拨付", "spent": "支出"}
OPS = {">": operator.gt, "=": operator.eq}


@dataclass(frozen=True)
class Than:
    """`left op right` on a project's facts, where right is another fact's name or a constant."""

    left: str
    op: str
    right: object

    @cached_property
    def test(self):
        """facts -> bool, bound once: it runs for every rule on every project of an import."""
        compare, left, right = OPS[self.op], self.left, self.right
        if isinstance(right, str):
            return lambda facts: compare(facts[left], facts[right])
        return lambda facts: compare(facts[left], right)


@dataclass(frozen=True)
class ProjectRule(Rule):
    when: tuple = ()  # Than conditions, all of which make the warning
    message: str = ""  # str.format over the project's facts (amounts already written for people)
    message_if_none: str = ""  # the message when the figure compared with is zero: "没有下达记录"

    def holds(self, facts):
        for condition in self.when:
            if not condition.test(facts):
                return False
        return True

    def describe(self, facts):
        right = self.when[0].right
        if self.message_if_none and isinstance(right, str) and not facts[right]:
            return self.message_if_none.format(**facts)
        return self.message.format(**facts)


# Only projects that carry aid money are expected to have fund records: key projects are
# followed by their monthly investment reports (月报), and 产业合作 projects are mostly an
# enterprise's own investment, which Hezuo does not count as funds.
FUNDED = (Than("is_key", "=", False), Than("aid_category", "=", True), Than("in_progress", "=", True))

PROJECT_RULES = (
    ProjectRule("disbursed_over_allocated", "拨付累计超过下达累计", WARNING, ("projects.Project",),
                "核对是否漏填了下达记录，或拨付金额的单位（万元/元）是否写错。",
                (Than("disbursed", ">", "allocated"),), "拨付累计 {disbursed_text}，超过下达累计 {allocated_text}",
                "拨付累计 {disbursed_text}，但没有下达记录"),
    ProjectRule("disbursed_over_arranged", "拨付累计超过安排累计", WARNING, ("projects.Project",),
                "核对是否漏填了安排记录，或拨付金额是否重复录入。",
                (Than("disbursed", ">", "arranged"),), "拨付累计 {disbursed_text}，超过安排累计 {arranged_text}",
                "拨付累计 {disbursed_text}，但没有安排记录"),
    ProjectRule("spent_over_disbursed", "支出累计超过拨付累计", WARNING, ("projects.Project",),
                "核对是否漏填了拨付记录。",
                (Than("spent", ">", "disbursed"),), "支出累计 {spent_text}，超过拨付累计 {disbursed_text}",
                "支出累计 {spent_text}，但没有拨付记录"),
    ProjectRule("funds_over_investment", "资金超过项目总投资", WARNING, ("projects.Project",),
                "核对项目总投资是否填写（或单位是否写错），以及资金是否记到了别的项目上。",
                (Than("funds_top", ">", "total_investment"),),
                "{top_stage}累计 {funds_top_text}，超过项目总投资 {total_investment_text}",
                "{top_stage}累计 {funds_top_text}，但项目总投资为 0（未填写？）"),
    ProjectRule("no_funds", "项目没有任何资金记录", WARNING, ("projects.Project",),
                "补录项目的安排、下达、拨付记录；重点项目和产业合作项目不在此列。",
                (Than("has_funds", "=", False), *FUNDED), "实施中或已完工，但没有任何资金记录"),
    ProjectRule("not_paired", "实施单位与结对地区没有结对关系", WARNING, ("projects.Project",),
                "核对结对地区、实施单位或工作类别是否填错；确属新结对的，请市区域合作办在“结对关系”中登记。",
                (Than("paired", "=", False),),
                "{unit_name}在“{program_name}”下与{region_name}没有 {year} 年有效的结对关系"),
)
RULES = {rule.code: rule for rule in ROW_RULES + PROJECT_RULES}

class Pairings:
    """Who is paired with what, read once (the table is small: a pairing per partner county
    and program at most) and looked up per project in Python: comparing every project with
    every pairing in SQL (unit paths and code prefixes) cost 3.6 s for 10,000 projects."""

    def __init__(self):
        Pairing, Program = apps.get_model("org", "Pairing"), apps.get_model("org", "Program")
        self.parents = dict(Program.objects.values_list("id", "parent_id"))
        self.spans = {}
        self.answers = {}  # projects repeat their unit, region, program and year
        rows = Pairing.objects.values_list("program_id", "region__prefix", "unit__path", "start_year", "end_year")
        for program, prefix, path, start, end in rows:
            self.spans.setdefault((program, prefix, path), []).append((start, end))

    def paired(self, program, unit_path, region_code, year):
        """Is there a pairing, in force in `year`, between the unit or a unit above it and the
        region or a region above it, under the program or a program above it?"""
        asked = (program, unit_path, region_code, year)
        if asked not in self.answers:
            self.answers[asked] = self._paired(*asked)
        return self.answers[asked]

    def _paired(self, program, unit_path, region_code, year):
        programs = []
        while program is not None and program not in programs:
            programs.append(program)
            program = self.parents.get(program)
        steps = unit_path.strip("/").split("/")
        paths = ["/" + "/".join(steps[:i]) + "/" for i in range(1, len(steps) + 1)]
        prefixes = [region_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(region_code)]
        for key in ((p, r, u) for p in programs for r in prefixes for u in paths):
            for start, end in self.spans.get(key, ()):
                if start <= year and (end is None or year <= end):
                    return True
        return False


def _flag(q):
    return ExpressionWrapper(q, output_field=models.BooleanField())


FACT_FIELDS = ("pk", "code", "name", "year", "total_investment", "unit__name", "program__name",
               "partner_region__name", "program_id", "unit__path", "partner_region__code", "is_key",
               "aid_category", "in_progress")


def _facts(projects, pairings=None):
    """{project id: facts} for the projects of the queryset `projects`, in four queries: the
    fund records of those projects summed per project and stage (one GROUP BY), the projects
    themselves, and the pairings and programs (Pairings; none when `pairings` is given: a
    caller asking chunk by chunk reads them once)."""
    from hezuo.projects.models import FundRecord, Project

    sums = {stage: Sum("amount", filter=Q(stage=stage)) for stage in STAGE_LABELS}
    funds = FundRecord.objects.filter(project__in=projects.order_by().values("pk")).order_by()
    totals = {row.pop("project"): row for row in funds.values("project").annotate(**sums)}
    Status = Project.Status
    rows = projects.order_by("code").annotate(
        is_key=_flag(~Q(key_level="")),
        aid_category=_flag(~Q(category=Project.Category.INDUSTRY)),
        in_progress=_flag(Q(status__in=[Status.ACTIVE, Status.COMPLETED])),
    ).values(*FACT_FIELDS)
    facts = {}
    for row in rows:
        pairings = pairings or Pairings()  # none to read when there is no project
        row["paired"] = pairings.paired(row["program_id"], row["unit__path"], row["partner_region__code"],
                                        row["year"])
        stages = totals.get(row["pk"])
        row["has_funds"] = stages is not None
        row.update({stage: (stages or {}).get(stage) or Decimal(0) for stage in STAGE_LABELS})
        row["funds_top"] = max(row[stage] for stage in STAGE_LABELS)
        facts[row["pk"]] = row
    return facts


class ProjectWarning:
    """A project breaking a project rule. Its message is written when first asked for: the
    数据质量 page counts thousands and shows a few."""

    def __init__(self, rule, facts):
        self.rule, self.facts = rule, facts
        self.project_id, self.code, self.name, self.unit = facts["pk"], facts["code"], facts["name"], facts["unit__name"]

    @property
    def severity(self):
        return self.rule.severity

    @cached_property
    def message(self):
        return self.rule.describe(_readable(self.facts))

    def __str__(self):
        return f"{self.code}：{self.message}"


def project_warnings(projects, rules=PROJECT_RULES, pairings=None):
    """[ProjectWarning] for the projects of the queryset `projects` that break a project rule,
    ordered by project code and rule. Four queries, whatever the number of projects (_facts)."""
    return [ProjectWarning(rule, facts) for facts in _facts(projects, pairings).values()
            for rule in rules if rule.holds(facts)]


def _readable(facts):
    """The facts with each amount also written for people (万元/亿元), and the names."""
    if "top_stage" in facts:
        return facts
    for name in ("total_investment", "funds_top", *STAGE_LABELS):
        facts[name] = numbers.to_decimal(facts[name] or 0)
        facts[f"{name}_text"] = numbers.format_amount(facts[name])
    top = max(STAGE_LABELS, key=lambda stage: facts[stage])
    facts["top_stage"] = STAGE_LABELS[top]
    facts["unit_name"] = facts["unit__name"]
    facts["program_name"] = facts["program__name"]
    facts["region_name"] = facts["partner_region__name"]
    # SQLite answers booleans as 0/1.
    for name in ("has_funds", "paired", "is_key", "aid_category", "in_progress"):
        facts[name] = bool(facts[name])
    return facts


def warnings_for(obj):
    """The 提醒 about a record, for its page: a project's own; a fund record's project's."""
    from hezuo.projects.models import Project

    project_id = obj.pk if isinstance(obj, Project) else getattr(obj, "project_id", None)
    if project_id is None:
        return []
    return project_warnings(Project.objects.filter(pk=project_id))


def warnings_by_rule(projects):
    """[(rule, [ProjectWarning])] for the 数据质量 page: every project rule, in order, with
    the projects breaking it (an empty list for a rule nothing breaks)."""
    found = {rule.code: [] for rule in PROJECT_RULES}
    for warning in project_warnings(projects):
        found[warning.rule.code].append(warning)
    return [(rule, found[rule.code]) for rule in PROJECT_RULES]
