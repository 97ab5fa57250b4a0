"""Importing the standard workbook: every row of every sheet is validated before anything
is written, and then everything is written in one transaction, or nothing is.

    result = import_workbook(path, user, dry_run=False)

Rows are matched to existing records by their natural key (SheetSpec.key: 项目编号 for
projects, project+date+stage+source for funds …), so importing the same file twice changes
nothing and a changed row updates its record. Records are written in bulk; the audit trail
gets one entry per import and model for the records it created (which ids), one per updated
record (field before/after) and one per import (what it did), each naming the import as the
cause (hezuo/audit/imports.py).
"""

import datetime
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from hezuo import access, rules
from hezuo.audit.imports import ImportAudit
from hezuo.imports import cells
from hezuo.imports.reader import UnreadableFile, read_file
from hezuo.imports.services.bulk import fast_insert
from hezuo.imports.specs import BY_NAME, PLANNED_SHEETS, SHEETS, TEMPLATE_SHEETS
from hezuo.org.models import Program, Region, Unit
from hezuo.org import names as region_names
from hezuo.org.regions import RegionError, RegionResolver
from hezuo.org.services import load_codes, load_paired
from hezuo.projects.models import FundRecord, Project
from hezuo.stats.freshness import changed as stats_changed

HEADER_SEARCH_ROWS = 20
PROGRESS_EVERY = 2000
AMOUNT_UNITS = ("元", "万元", "亿元")
PENDING = "pending"  # a reference to something the workbook itself creates


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    header: str
    value: str
    message: str

    def __str__(self):
        where = f"工作表“{self.sheet}”" if self.sheet else "文件"
        if self.row:
            where += f" 第{self.row}行"
        if self.column:
            where += f" {self.column}列"
        if self.header:
            where += f"（{self.header}）"
        value = f"，值为“{self.value}”" if self.value not in ("", None) and self.value not in self.message else ""
        return f"{where}：{self.message}{value}"

    def as_dict(self):
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "header": self.header,
                "value": self.value, "message": self.message}


@dataclass
class SheetResult:
    name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self):
        return {"name": self.name, "rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged}


@dataclass
class RuleWarning:
    """A 提醒 about a project the import touched (hezuo/rules.py); it does not block."""

    sheet: str
    row: int
    code: str
    rule: str
    message: str

    def __str__(self):
        return f"工作表“{self.sheet}”第{self.row}行 项目 {self.code}：{self.message}"

    def as_dict(self):
        return {"sheet": self.sheet, "row": self.row, "code": self.code, "rule": self.rule,
                "message": self.message}


@dataclass
class ImportResult:
    sheets: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self):
        return not self.problems

    def summary_lines(self):
        verb = "校验通过（未写入）" if self.dry_run else "导入完成"
        lines = [f"{verb}："]
        for sheet in self.sheets:
            lines.append(f"  {sheet.name}：{sheet.rows} 行，新增 {sheet.created}，更新 {sheet.updated}，"
                         f"未变 {sheet.unchanged}")
        lines += [f"  提示：{note}" for note in self.notes]
        if self.warnings:
            lines.append(f"提醒（{len(self.warnings)} 条，不影响导入，请核对）：")
            lines += [f"  {warning}" for warning in self.warnings]
        return lines


def column_letter(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def shown(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return str(value)[:100]


@dataclass
class BoundColumn:
    """A spec column found in a sheet: where it is and in which unit its amounts are."""

    spec: object
    index: int
    unit: str
    model_field: object

    @property
    def letter(self):
        return column_letter(self.index)


@dataclass
class Row:
    number: int
    values: dict  # field name → converted value (references still as text)
    action: str = ""  # create, update, unchanged
    existing: dict | None = None


class Importer:
    def __init__(self, user, *, dry_run=False, progress=None, cause="", record=None):
        self.user = user  # None: the operator at the command line, who may write everything
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total, phase: None)
        self.cause = cause
        self.record = record  # the ImportRecord the audit trail names as the cause
        self.allowed_units = None  # for a district reporter: the ids of the units they may write
        self.result = ImportResult(dry_run=dry_run)
        self.rows_seen = 0
        self.columns = {}  # sheet name → {field: BoundColumn}, where each column really is

    # -- reading -------------------------------------------------------------------------

    def problem(self, sheet, row, column, value, message):
        self.result.problems.append(Problem(
            sheet, row, column.letter if column else "", column.spec.title if column else "", shown(value), message,
        ))

    def run(self, path, name=None):
        try:
            raw_sheets = read_file(path, name)
        except UnreadableFile as error:
            self.result.problems.append(Problem("", None, "", "", "", str(error)))
            return self.result
        parsed = {}
        for raw in raw_sheets:
            spec = self.recognise(raw)
            if spec is None:
                continue
            if spec.name in parsed:
                self.result.problems.append(Problem(raw.name, None, "", "", "", f"与另一工作表重复，都是“{spec.name}”"))
                continue
            parsed[spec.name] = (spec, self.read_sheet(raw, spec))
        if not parsed and not self.result.problems:
            names = "、".join(spec.name for spec in SHEETS)
            self.result.problems.append(Problem(
                "", None, "", "", "", f"没有找到可导入的工作表。工作表名称应为：{names}（CSV 文件按表头识别）"))
        if not parsed:
            return self.result
        # Names are checked even when some cells are wrong, so one report lists every problem.
        self.progress(self.rows_seen, self.rows_seen, "校验引用和权限")
        self.check(parsed)
        if self.result.problems:
            return self.result
        if self.dry_run:
            if {"项目", "资金"} & set(parsed):
                self.result.notes.append("资金累计、总投资、结对关系等提醒在正式导入后列出")
            return self.result
        self.progress(self.rows_seen, self.rows_seen, "写入数据库")
        try:
            self.write(parsed)
        except DatabaseError as error:
            # Validation should have caught it; the transaction rolled back, so nothing is written.
            self.result.problems.append(Problem("", None, "", "", "", f"写入数据库时出错，未写入任何数据：{error}"))
        else:
            if not self.result.problems:
                self.check_projects(parsed)
        return self.result

    def recognise(self, raw):
        """The spec for a sheet: by its name, or (CSV, or a misnamed sheet) by its header."""
        name = unicodedata.normalize("NFKC", raw.name).strip()
        if name in BY_NAME and raw.kind != "csv":
            return BY_NAME[name]
        if name in TEMPLATE_SHEETS and raw.kind != "csv":
            return None  # the template's own 填写说明 and 下拉选项
        if name in PLANNED_SHEETS:
            self.result.notes.append(f"工作表“{raw.name}”将在后续版本支持，本次未导入")
            return None
        head = []
        for number, cells_ in raw.rows:
            head.append((number, cells_))
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        raw.rows = _chain(head, raw.rows)
        best, best_hits = None, 0
        for spec in SHEETS:
            wanted = set(spec.required_headers)
            for _number, row in head:
                hits = len(wanted & {cells.normalize_header(c)[0] for c in row if not cells.is_blank(c)})
                if hits == len(wanted) and hits > best_hits:
                    best, best_hits = spec, hits
        if raw.kind == "csv":
            if best is None:
                self.result.problems.append(Problem(raw.name, None, "", "", "", "无法识别这个 CSV 文件是哪一类数据："
                                                    "表头应与标准模板中某个工作表的表头一致"))
            return best
        if best is not None:
            self.result.problems.append(Problem(
                raw.name, None, "", "", "", f"工作表名称不是标准名称；它的表头与“{best.name}”一致，请把工作表改名为“{best.name}”"))
        elif any(not cells.is_blank(c) for _n, row in head for c in row):
            self.result.notes.append(f"工作表“{raw.name}”不是标准模板中的工作表，已忽略")
        return None

    def find_header(self, raw, spec):
        """The header row: the first of the top rows that holds every required header.
        Title rows above it (often merged cells) are skipped."""
        wanted = set(spec.required_headers)
        known = {c.header for c in spec.columns}
        for number, row in raw.rows:
            found = {cells.normalize_header(c)[0] for c in row if not cells.is_blank(c)}
            if wanted <= found:
                return number, row
            if number >= HEADER_SEARCH_ROWS:
                break
            if found & known and len(found & known) >= max(2, len(wanted) // 2):
                missing = "、".join(h for h in spec.required_headers if h not in found)
                self.result.problems.append(Problem(spec.name, number, "", "", "", f"表头缺少必填列：{missing}"))
                return None, None
        self.result.problems.append(Problem(
            spec.name, None, "", "", "", f"前 {HEADER_SEARCH_ROWS} 行中没有找到表头，表头应包含："
                                         f"{'、'.join(spec.required_headers)}"))
        return None, None

    def bind_columns(self, spec, header_number, header):
        bound, seen = {}, {}
        for index, cell in enumerate(header):
            name, unit = cells.normalize_header(cell)
            column = next((c for c in spec.columns if c.header == name), None)
            if column is None:
                continue  # extra columns are allowed
            if name in seen:
                self.result.problems.append(Problem(spec.name, header_number, column_letter(index), name, "",
                                                    f"与 {column_letter(seen[name])} 列重复"))
                continue
            seen[name] = index
            model_field = spec.model._meta.get_field(column.field)
            if column.kind == "amount":
                if unit and unit not in AMOUNT_UNITS:
                    self.result.problems.append(Problem(spec.name, header_number, column_letter(index), cell, "",
                                                        f"金额单位“{unit}”无法识别，应为元、万元或亿元"))
                    continue
                if not unit:
                    self.result.notes.append(f"工作表“{spec.name}”的“{name}”列未注明单位，按元计算")
                unit = unit or "元"
            bound[column.field] = BoundColumn(column, index, unit, model_field)
        return bound

    def read_sheet(self, raw, spec):
        header_number, header = self.find_header(raw, spec)
        if header is None:
            return []
        columns = self.bind_columns(spec, header_number, header)
        self.columns[spec.name] = columns
        # The hot loop of a large import: per column, a prepared converter; per cell, a call.
        plan = [(name, column.index, cells.converter(column.spec.kind, column.model_field, column.unit),
                 column.spec.required, blank_value(column.model_field), column)
                for name, column in columns.items()]
        required_hint = "（如果这里是公式，请在 Excel 中重新计算并保存后再导入）" if raw.kind == "xlsx" else ""
        fast = [(name, index, convert) for name, index, convert, _required, _blank, _column in plan]
        least_width = max(index for _name, index, _convert in fast) + 1 if fast else 0
        rows = []
        for number, row in raw.rows:
            first = row[0] if row else None
            if first is None or first == "" or type(first) is str and not first.strip():
                if cells.is_blank_row(row):
                    continue
            if (type(first) is not str or first[:1] in cells.TOTAL_INITIALS) and cells.is_total_row(row):
                continue
            # Most rows are complete and right: convert them in one go. A blank or bad cell
            # makes a converter raise, and the row is read again cell by cell below.
            if len(row) >= least_width:
                try:
                    rows.append(Row(number, {name: convert(row[index]) for name, index, convert in fast}))
                    self.rows_seen += 1
                    if self.rows_seen % PROGRESS_EVERY == 0:
                        self.progress(self.rows_seen, 0, f"读取“{spec.name}”")
                    continue
                except cells.CellError:
                    pass
            width = len(row)
            values = {}
            for name, index, convert, required, blank, column in plan:
                value = row[index] if index < width else None
                if value is None or value == "" or (type(value) is str and not value.strip()):
                    if required:
                        self.problem(spec.name, number, column, "", f"必填，不能为空{required_hint}")
                    values[name] = None if required else blank
                    continue
                try:
                    values[name] = convert(value)
                except cells.CellError as error:
                    self.problem(spec.name, number, column, value, str(error))
                    values[name] = None
            rows.append(Row(number, values))
            self.rows_seen += 1
            if self.rows_seen % PROGRESS_EVERY == 0:
                self.progress(self.rows_seen, 0, f"读取“{spec.name}”")
        self.result.sheets.append(SheetResult(spec.name, rows=len(rows)))
        return rows

    # -- checking references, scope and keys ----------------------------------------------

    def check(self, parsed):
        if self.user is not None and access.role_of(self.user) == access.Role.DISTRICT:
            self.allowed_units = set(access.writable_units(self.user).values_list("id", flat=True))
        self.lookups = Lookups(parsed, self.allowed_units)
        for name, (spec, rows) in parsed.items():
            self.check_sheet(spec, rows)

    def check_sheet(self, spec, rows):
        columns = {c.field: c for c in spec.columns}
        ref_fields = [c for c in spec.columns if c.kind in REFERENCE_KINDS]
        for row in rows:
            for column in ref_fields:
                text = row.values.get(column.field)
                if text is None:
                    continue
                found, message = self.lookups.resolve(column.kind, text)
                if message:
                    self.problem(spec.name, row.number, self.bound(spec, column), text, message)
                    row.values[column.field] = None
                else:
                    row.values[column.field] = found
        if any(p.sheet == spec.name for p in self.result.problems):
            return
        self.check_scope(spec, rows)
        self.match_existing(spec, rows, columns)
        self.check_rules(spec, rows)

    def check_rules(self, spec, rows):
        """The row rules (hezuo/rules.py: years, dates, amounts, an end before its start) and
        the model's own checks across fields, per row, so a dry run catches them too and each
        problem names its row and column."""
        if spec.model in (Unit, Region):
            return  # units and regions are checked as they are saved, parents first (write)
        check = rules.row_checker(spec.model)
        own_clean = has_own_clean(spec.model)
        names = {c.field: attname(spec, c.field) for c in spec.columns}
        columns = {c.field: c for c in spec.columns}
        for row in rows:
            if row.action == "unchanged":
                continue
            for violation in check(row.values):  # their messages carry the values they are about
                column = self.bound(spec, columns.get(violation.field))
                self.problem(spec.name, row.number, column, "", violation.message if column else str(violation))
            if own_clean:
                # References the workbook itself creates have no id yet; rules do not look at them.
                values = {names[f]: (None if isinstance(v, tuple) else v) for f, v in row.values.items()}
                obj = spec.model(**values)
                obj.derive_fields()
                self.validate(spec, obj, row.number)

    def check_projects(self, parsed):
        """The project rules (提醒: funds beyond what was arranged, above the total investment,
        no pairing …) for every project the workbook names, once its rows are written. They
        never block; each is listed with the first row naming the project."""
        first_row = {}
        code_of = {pk: code for code, (pk, _unit) in self.lookups.projects.items()}
        for sheet in ("项目", "资金"):
            for row in parsed.get(sheet, (None, []))[1]:
                value = row.values.get("code" if sheet == "项目" else "project")
                code = value[1] if isinstance(value, tuple) else code_of.get(value, value)
                first_row.setdefault(code, (sheet, row.number))
        codes = sorted(c for c in first_row if isinstance(c, str))
        for start in range(0, len(codes), 900):
            for warning in rules.project_warnings(Project.objects.filter(code__in=codes[start:start + 900])):
                sheet, number = first_row[warning.code]
                self.result.warnings.append(RuleWarning(sheet, number, warning.code, warning.rule.title,
                                                        warning.message))

    def bound(self, spec, column):
        """The column as found in the sheet, so problems name its real letter."""
        if column is None:
            return None
        return self.columns.get(spec.name, {}).get(column.field)

    def check_scope(self, spec, rows):
        """A district reporter imports rows of their own unit subtree only.

        The message says what the reporter wrote is not theirs, never whose it is: a unit
        is named only as the reporter typed it, a project outside the scope has already been
        refused as unknown (Lookups.resolve), whether it exists elsewhere or not."""
        allowed = self.allowed_units
        if allowed is None or spec.model.scope_path is None:
            return  # city officers write everywhere; others cannot write at all (match_existing)
        owner = next((c for c in spec.columns if c.field in ("unit", "project")), None)
        for row in rows:
            unit_id = self.lookups.unit_of(spec, row.values)
            if unit_id is not PENDING and unit_id not in allowed:
                if owner is not None and owner.kind == "unit":
                    typed = self.lookups.unit_names.get(unit_id, "")
                    message = f"单位“{typed}”不在您的数据范围内，您只能导入本单位及下属单位的数据"
                else:
                    typed, message = "", "这条记录不在您的数据范围内，您只能导入本单位及下属单位的数据"
                self.problem(spec.name, row.number, self.bound(spec, owner), typed, message)

    def match_existing(self, spec, rows, columns):
        sheet = next(s for s in self.result.sheets if s.name == spec.name)
        key_of = itemgetter(*spec.key)
        keys = [key_of(row.values) for row in rows]
        seen = {}
        for row, key in zip(rows, keys):
            first = seen.setdefault(key, row.number)
            if first != row.number:
                fields = "、".join(columns[f].header for f in spec.key)
                self.problem(spec.name, row.number, None, "", f"与第 {first} 行重复（{fields}相同），请合并为一行")
        existing = self.lookups.existing(spec, rows)
        may_write = self.user is None or access.can_create(self.user, spec.model)
        names = {f: attname(spec, f) for f in columns}
        for row, key in zip(rows, keys):
            current = existing.get(key)
            if current is None:
                row.action = "create"
                sheet.created += 1
            elif all(same(current.get(names[f]), row.values.get(f)) for f in columns):
                row.action = "unchanged"
                sheet.unchanged += 1
                continue
            else:
                row.action = "update"
                row.existing = current
                sheet.updated += 1
                owner = current.get("unit_id")
                if self.allowed_units is not None and owner is not None and owner not in self.allowed_units:
                    # A key (项目编号 …) of another unit's record: updating it would take it over.
                    # Unique keys force saying the key is taken; nothing more of the record is said.
                    first = spec.column(spec.key[0])
                    typed = row.values.get(first.field) if first.kind == "text" else ""
                    self.problem(spec.name, row.number, self.bound(spec, first), typed,
                                 f"{'、'.join(columns[f].header for f in spec.key)}已被使用，"
                                 "该记录不在您的数据范围内，不能通过导入修改")
            if not may_write:
                self.problem(spec.name, row.number, None, "", f"您没有新增或修改“{spec.name}”的权限")
            elif row.existing and current.get("from_package"):
                self.problem(spec.name, row.number, None, "", "国家区划数据中的地区不能通过导入修改")

    # -- writing ---------------------------------------------------------------------------

    def write(self, parsed):
        total = sum(len(rows) for _spec, rows in parsed.values())
        done = 0
        now = timezone.now()
        with transaction.atomic():
            audit = ImportAudit(self.user, self.record, self.cause)
            for spec in SHEETS:
                if spec.name not in parsed:
                    continue
                spec_, rows = parsed[spec.name]
                self.lookups.refresh_pending(spec)
                creates, updates, changes = [], [], []
                tree = spec.model in (Unit, Region)
                attnames = {c.field: attname(spec, c.field) for c in spec.columns}
                derived = spec.model.derived_values
                user_id = self.user.pk if self.user else None
                stamps = {"created_by_id": user_id, "updated_by_id": user_id}
                created = []  # tree records saved one by one
                final = self.lookups.final
                pending = self.lookups.has_pending()
                # A fund record carries its project's program, as the projects sheet just left it.
                programs = self.lookups.project_programs() if spec.model is FundRecord else None
                moved = []  # projects given another program: their funds follow
                for row in rows:
                    if row.action == "unchanged":
                        continue
                    if row.action == "create" and not tree:
                        # The hot path of a large import: the row's own dict goes to the insert.
                        values = row.values
                        if pending:
                            for f, v in values.items():
                                if type(v) is tuple:
                                    values[f] = final(spec, f, v)
                        values.update(derived(values))
                        if programs is not None:
                            values["program"] = programs[values["project"]]
                        creates.append(values)
                        continue
                    try:
                        values = {attnames[f]: (v if type(v) is not tuple else final(spec, f, v))
                                  for f, v in row.values.items()}
                    except KeyError as error:  # a parent written further down its own sheet
                        self.problem(spec.name, row.number, None, error.args[0], "上级须写在本行之前的行中")
                        break
                    if row.action == "create":
                        values.update(derived(values))
                        obj = spec.model(**values, **stamps)  # a unit or region, saved below
                    else:
                        obj = spec.model(pk=row.existing["id"], **values)
                        if programs is not None:
                            obj.program_id = programs[obj.project_id]
                        elif spec.model is Project and obj.program_id != row.existing["program_id"]:
                            moved.append(obj.pk)
                        obj.version = row.existing["version"] + 1
                        obj.updated_by = self.user
                        obj.updated_at = now
                        updates.append(obj)
                        changes.append((obj, diff(spec, row.existing, values)))
                    if tree:  # few rows, saved one by one: save() keeps tree paths and names right,
                        obj.derive_fields()  # and the rows below may hang under this one
                        self.validate(spec, obj, row.number)
                        if self.result.problems:
                            break
                        creating = not obj.pk
                        with disable_auditlog():  # its entry is written below, naming the import
                            obj.save(force_update=not creating)
                        if creating:
                            created.append(obj)
                        self.lookups.created(obj)
                for obj in [] if tree else updates:
                    obj.derive_fields()
                if self.result.problems:
                    transaction.set_rollback(True)
                    return
                if not tree:
                    audit.number(spec.model, creates)
                    fast_insert(spec.model, creates, same={"created_by": stamps["created_by_id"],
                                                           "updated_by": stamps["updated_by_id"],
                                                           "created_at": now, "updated_at": now})
                    fields = [attname(spec, c.field) for c in spec.columns] + ["version", "updated_by", "updated_at"]
                    fields += [f for f in spec.model.derived_fields if f not in fields]
                    if programs is not None:
                        fields.append("program")
                    spec.model.objects.bulk_update(updates, fields, batch_size=1000)
                    for start in range(0, len(moved), 900):
                        FundRecord.objects.filter(project__in=moved[start:start + 900]).follow_projects()
                audit.saved(spec.model, [obj.pk for obj in created])
                audit.updated(spec.model, changes)
                done += len(rows)
                self.progress(done, total, f"写入“{spec.name}”")
            audit.write(self.result.sheets)
            stats_changed()  # fast inserts and bulk updates send no signals

    def validate(self, spec, obj, number):
        """Rules of the model that span fields (end date after start date …)."""
        try:
            obj.clean()
        except ValidationError as error:
            messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for field_name, texts in messages.items():
                column = next((c for c in spec.columns if c.field == field_name), None)
                self.problem(spec.name, number, self.bound(spec, column), "", "；".join(texts))


def has_own_clean(model):
    """Does the model check rules across fields? Calling Model.clean on 100,000 rows that
    have none is time spent on nothing."""
    return model.clean is not models.Model.clean


def blank_value(model_field):
    """What an empty optional cell stores: the field's default, else NULL or an empty string."""
    if model_field.has_default():
        return model_field.get_default()
    return None if model_field.null else ""


def _chain(head, rest):
    yield from head
    yield from rest


def attname(spec, field_name):
    return spec.model._meta.get_field(field_name).attname


def same(old, new):
    if old is None or new is None:
        return old in (None, "") and new in (None, "")
    return old == new


def diff(spec, existing, values):
    return {
        name: [shown(existing.get(name)), shown(value)]
        for name, value in values.items()
        if not same(existing.get(name), value)
    }


class Lookups:
    """Names in the workbook → ids: what the database holds plus what the workbook creates."""

    def __init__(self, parsed, allowed_units=None):
        self.parsed = parsed
        self.allowed_units = allowed_units  # a district reporter's units: projects elsewhere are unknown to them
        self.units = dict(Unit.objects.values_list("name", "id"))
        self.unit_names = {pk: name for name, pk in self.units.items()}
        self.programs = dict(Program.objects.values_list("name", "id"))
        self.region_codes = dict(Region.objects.values_list("code", "id"))
        self.region_names = defaultdict(list)
        for name, pk in Region.objects.values_list("name", "id"):
            self.region_names[name].append(pk)
        self.new_units = {r.values.get("name") for r in self.rows("单位")} - set(self.units)
        self.new_regions = {r.values.get("code"): r.values.get("name") for r in self.rows("地区")
                            if r.values.get("code") not in self.region_codes}
        codes = {r.values.get("project") for r in self.rows("资金")} | {r.values.get("code") for r in self.rows("项目")}
        codes.discard(None)
        self.projects = {}
        self._project_units = {}
        codes = list(codes)
        for start in range(0, len(codes), 900):
            for code, pk, unit_id in Project.objects.filter(code__in=codes[start:start + 900]).values_list(
                    "code", "id", "unit_id"):
                self.projects[code] = (pk, unit_id)
        self.new_projects = {r.values.get("code"): r.values.get("unit") for r in self.rows("项目")
                             if r.values.get("code") not in self.projects}

    @property
    def project_units(self):
        """Project id → its unit id, for the projects the workbook refers to."""
        if len(self._project_units) != len(self.projects):
            self._project_units = {pk: unit for pk, unit in self.projects.values()}
        return self._project_units

    def project_programs(self):
        """Project id → its program id now, for the projects the workbook refers to."""
        ids = [pk for pk, _unit in self.projects.values()]
        programs = {}
        for start in range(0, len(ids), 900):
            programs.update(Project.objects.filter(pk__in=ids[start:start + 900]).values_list("id", "program_id"))
        return programs

    def rows(self, sheet):
        return self.parsed.get(sheet, (None, []))[1]

    def resolve(self, kind, text):
        """(value, error message): an id, or PENDING for what the workbook itself creates."""
        if kind == "unit":
            if text in self.units:
                return self.units[text], ""
            if text in self.new_units:
                return ("unit", text), ""
            return None, f"没有名为“{text}”的单位（可在“单位”工作表中新增）"
        if kind == "program":
            if text in self.programs:
                return self.programs[text], ""
            return None, f"没有名为“{text}”的工作类别"
        if kind == "region":
            return self.resolve_region(text)
        if kind == "project":
            if text in self.projects:
                pk, unit_id = self.projects[text]
                if self.allowed_units is None or unit_id in self.allowed_units:
                    return pk, ""
            elif text in self.new_projects:
                return ("project", text), ""
            if self.allowed_units is not None:
                # The same words whether the project is another unit's or does not exist.
                return None, f"您的数据范围内没有编号为“{text}”的项目（可在“项目”工作表中新增）"
            return None, f"没有编号为“{text}”的项目（可在“项目”工作表中新增）"
        raise ValueError(kind)

    def resolve_region(self, text):
        """Regions as clerks write them (hezuo.org.regions), or one the workbook's 地区 sheet adds.
        A town or village of the package that is not loaded yet is loaded at the write."""
        resolver = self.__dict__.get("regions")
        if resolver is None:
            resolver = self.regions = RegionResolver(ids=self.region_codes)
            self.package_regions = set()
        code, _rest = region_names.split_code(region_names.normalise(text))
        if code in self.new_regions:
            return ("region", code), ""
        own = [c for c, name in self.new_regions.items() if name == text and c not in self.package_regions]
        try:
            node = resolver.resolve(text)
        except RegionError as error:
            if len(own) == 1:
                return ("region", own[0]), ""
            return None, str(error)
        if node.code in own:  # the workbook adds a town of the package as its own
            return ("region", node.code), ""
        if own:
            return None, f"有 {len(own) + 1} 个地区名为“{text}”，请写区划代码，如“{node.code} {node.name}”"
        if node.pk is not None:
            return node.pk, ""
        self.new_regions[node.code] = node.name
        self.package_regions.add(node.code)
        return ("region", node.code), ""

    def load_package_regions(self):
        """In the import's transaction, before the rows that refer to them: the package's towns
        and villages the workbook names, and those of the counties its pairings point at."""
        if self.__dict__.get("package_loaded"):
            return
        self.package_loaded = True
        if self.__dict__.get("package_regions"):
            self.region_codes.update(load_codes(self.package_regions))
        paired = {r.values.get("region") for r in self.rows("结对关系")}
        load_paired([pk for pk in paired if isinstance(pk, int)])

    def unit_of(self, spec, values):
        """The id of the unit that owns a row, or PENDING when the workbook creates it."""
        path = spec.model.scope_path
        if path == "unit":
            value = values.get("unit")
        elif path == "project__unit":
            project = values.get("project")
            if isinstance(project, tuple):
                return PENDING  # a project of this workbook: its own row is checked
            # By id, not by scanning every project for every fund row.
            value = self.project_units.get(project)
        else:
            return PENDING
        return PENDING if isinstance(value, tuple) else value

    def existing(self, spec, rows):
        """Existing records of the rows' keys, as {key: values dict}."""
        first = spec.key[0]
        wanted = list({r.values.get(first) for r in rows if not isinstance(r.values.get(first), tuple)} - {None})
        fields = ["id", "version"] + [attname(spec, c.field) for c in spec.columns]
        if spec.model is Region:
            fields.append("from_package")
        found = {}
        first_attname = attname(spec, first)
        key_of = itemgetter(*[attname(spec, f) for f in spec.key])
        if not spec.model.objects.exists():
            return found  # an empty table (a first import) needs no look-ups
        for start in range(0, len(wanted), 900):
            query = spec.model.objects.filter(**{f"{first_attname}__in": wanted[start:start + 900]}).values(*fields)
            for values in query:
                found[key_of(values)] = values
        return found

    def has_pending(self):
        """Does the workbook create units, regions or projects that other rows refer to?"""
        return bool(self.new_units or self.new_regions or self.new_projects)

    def refresh_pending(self, spec):
        """After the sheets before `spec` are written, what they created has ids."""
        self.load_package_regions()
        if spec.name in ("结对关系", "项目", "人员派遣", "交流活动", "消费帮扶") and (self.new_units or self.new_regions):
            self.units = dict(Unit.objects.values_list("name", "id"))
            self.region_codes = dict(Region.objects.values_list("code", "id"))
        if spec.name == "资金" and self.new_projects:
            codes = list(self.new_projects)
            for start in range(0, len(codes), 900):
                for code, pk, unit_id in Project.objects.filter(code__in=codes[start:start + 900]).values_list(
                        "code", "id", "unit_id"):
                    self.projects[code] = (pk, unit_id)

    def created(self, obj):
        """A unit or region just saved: later rows of its sheet may name it as their parent."""
        if isinstance(obj, Unit):
            self.units[obj.name] = obj.pk
        else:
            self.region_codes[obj.code] = obj.pk

    def final(self, spec, field_name, value):
        """A value ready to store: pending references become the ids just created."""
        if not isinstance(value, tuple):
            return value
        kind, text = value
        if kind == "unit":
            return self.units[text]
        if kind == "region":
            return self.region_codes[text]
        return self.projects[text][0]


REFERENCE_KINDS = ("unit", "region", "program", "project")


def import_workbook(path, user, *, dry_run=False, name=None, progress=None, cause="", record=None):
    """Validate and (unless dry_run) import the workbook at `path` for `user`."""
    return Importer(user, dry_run=dry_run, progress=progress, cause=cause, record=record).run(path, name)
