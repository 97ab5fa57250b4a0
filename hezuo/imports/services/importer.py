"""Importing the standard workbook: every row of every sheet is validated before anything
is written, and then everything is written in one transaction, or nothing is.

    result = import_workbook(path, user, dry_run=False)

Rows are matched to existing records by their natural key (SheetSpec.key: 项目编号 for
projects, project+date+stage+source for funds …), so importing the same file twice changes
nothing and a changed row updates its record. Records are written in bulk; the audit trail
gets one entry per created record (its values), one per updated record (field before/after)
and one per import (what it did), each naming the import as the cause.
"""

import datetime
import gc
import threading
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from hezuo import access, gate, numbers, rules
from hezuo.amounts import AmountField
from hezuo.audit.imports import ImportAudit
from hezuo.imports import cells
from hezuo.imports.reader import UnreadableFile, read_file
from hezuo.imports.services.bulk import fast_insert
from hezuo.imports.services.lookups import Lookups
from hezuo.imports.services.writers import WRITERS
from hezuo.imports.specs import BY_NAME, PLANNED_SHEETS, SHEETS, TEMPLATE_SHEETS, TARGETS
from hezuo.projects.models import Project
from hezuo.changes import changed as stats_changed
from hezuo.vocabulary import words as vocabulary
from hezuo.vocabulary.services import REFERENCES as ALIASABLE_NAMES
from hezuo.vocabulary.synonyms import SYNONYMS

HEADER_SEARCH_ROWS = 20
PROGRESS_EVERY = 2000
PREVIEW_ROWS = 50  # updated rows a dry run lists field by field, per sheet; the rest are counted
MAPPABLE_NAMES = ("unit", "program")  # name columns whose unknown words the page offers to map
AMOUNT_UNITS = ("元", "万元", "亿元")

WARNINGS_LISTED = 200  # 提醒 written out in an import's result; the rest are counted


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
class UnknownValue:
    """A word a choice or name column does not know, once per (sheet, column, word): what the
    import page offers to map (ImportRecord.unknown). `choices` are what it may mean — the
    column's labels, or the names the user may pick — and `suggestions` the closest of them."""

    sheet: str
    column: str  # the header, as in --map "SHEET.COLUMN:VALUE=LABEL"
    field: str
    key: str  # the column as aliases name it (vocabulary.field_key): "projects.Project.status", "org.Unit"
    value: str
    rows: int = 0
    suggestions: list = field(default_factory=list)
    choices: list = field(default_factory=list)

    @property
    def aliasable(self):
        """Can the office keep the word as an alias (字典别名 has this column)?"""
        return self.key in ALIASABLE_NAMES or self.key in SYNONYMS

    def as_dict(self):
        return {"sheet": self.sheet, "column": self.column, "field": self.field, "key": self.key,
                "value": self.value, "rows": self.rows, "suggestions": self.suggestions, "choices": self.choices,
                "aliasable": self.aliasable}


@dataclass
class ImportResult:
    sheets: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    dry_run: bool = False
    unknown: list = field(default_factory=list)  # UnknownValue, in the order first met
    # A dry run's updates, field by field: sheet → {"rows": [{"row", "key", "fields": [[header, before, after]]}],
    # "more": how many updated rows are not listed}. Bounded: PREVIEW_ROWS a sheet.
    changes: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.problems

    @property
    def rows(self):
        """The workbook's rows: a companion's rows (年度计划投资) are its sheet's, not counted again."""
        return sum(sheet.rows for sheet in self.sheets if sheet.name not in COMPANION_SHEETS)

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


@dataclass(slots=True)
class Row:
    number: int
    values: dict  # field name → converted value (references still as text)
    action: str = ""  # create, update, unchanged
    existing: dict | None = None


class Importer:
    def __init__(self, user, *, dry_run=False, progress=None, cause="", record=None, mappings=()):
        self.user = user  # who imports: a User, or access.CONSOLE for the command line; None is refused
        self.mappings = list(mappings)  # mapping.Mapping: what an office's own words mean, for this import
        self.mapped = {}  # (sheet, field) → {word: label} of the mappings that are right
        self.used = set()  # the mappings some cell used
        self.dry_run = dry_run
        self.progress = progress or (lambda done, total, phase: None)
        self.cause = cause
        self.record = record  # the ImportRecord the audit trail names as the cause
        self.allowed_units = None  # for a district reporter: the ids of the units they may write
        self.result = ImportResult(dry_run=dry_run)
        self.rows_seen = 0
        self.columns = {}  # sheet name → {field: BoundColumn}, where each column really is
        self.unitless = {}  # (sheet, column index) → (column, row numbers) of bare numbers under a unit-less header
        self.aliases = {}  # the office's saved words (字典别名): column key → {word: value}
        self.unknown = {}  # (sheet, field, word) → UnknownValue: each distinct word is described once
        self.name_choices = {}  # reference kind → names the user may pick
        self.locks = None  # the active period locks (gate.active_locks), read once at the check
        self.made = {}  # parent field → {key: (first row number, its parts, unit id)} of parents a sheet makes

    # -- reading -------------------------------------------------------------------------

    def problem(self, sheet, row, column, value, message):
        sheet = COMPANION_SHEETS.get(sheet, sheet)  # a companion's rows are its sheet's
        self.result.problems.append(Problem(
            sheet, row, column.letter if column else "", column.spec.title if column else "", shown(value), message,
        ))

    def run(self, path, name=None):
        self.aliases = vocabulary.all_aliases()
        self.check_mappings()
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
            for companion in spec.companions:
                made = self.derive(spec, companion, parsed[spec.name][1])
                if made:  # a sheet without a companion's cells (no plan given) writes none, and says nothing of it
                    parsed[companion.name] = (companion, made)
        if not parsed and not self.result.problems:
            names = "、".join(spec.name for spec in SHEETS)
            self.result.problems.append(Problem(
                "", None, "", "", "", f"没有找到可导入的工作表。工作表名称应为：{names}（CSV 文件按表头识别）"))
        if not parsed:
            self.report_unused_mappings()
            return self.result
        # Names are checked even when some cells are wrong, so one report lists every problem.
        self.progress(self.rows_seen, self.rows_seen, "校验引用和权限")
        self.check(parsed)
        self.report_unused_mappings()
        if self.result.problems:
            return self.result
        if self.dry_run:
            self.rehearse(parsed)
            return self.result
        self.progress(self.rows_seen, self.rows_seen, "写入数据库")
        try:
            self.write(parsed)
        except DatabaseError as error:
            # Validation should have caught it; the transaction rolled back, so nothing is written.
            self.result.problems.append(Problem("", None, "", "", "", f"写入数据库时出错，未写入任何数据：{error}"))
        except gate.WriteRefused as error:  # a period closed while the import ran: rolled back
            self.result.problems.append(Problem("", None, "", "", "", f"{error}未写入任何数据。"))
        else:
            if not self.result.problems:
                self.check_projects(parsed)
        return self.result

    def rehearse(self, parsed):
        """A dry run writes everything and rolls it back, so its preview says what the import
        would really do: the problems only writing finds (a tree's parents, the database's
        own checks) and the project 提醒 (funds beyond what was arranged …), which are read
        from the written records. Nothing of it is kept; no change is counted (stats.freshness),
        for the commit that would count it never comes."""
        self.progress(self.rows_seen, self.rows_seen, "预览（试写入后撤销）")
        try:
            with transaction.atomic():
                self.write(parsed)
                if not self.result.problems:
                    self.check_projects(parsed)
                transaction.set_rollback(True)
        except DatabaseError as error:
            self.result.problems.append(Problem("", None, "", "", "", f"校验时数据库出错，未写入任何数据：{error}"))
        except gate.WriteRefused as error:
            self.result.problems.append(Problem("", None, "", "", "", f"{error}未写入任何数据。"))

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
        bound, seen, ignored = {}, {}, []
        for index, cell in enumerate(header):
            name, unit = cells.normalize_header(cell)
            column = next((c for c in spec.columns if c.header == name), None)
            if column is None:
                if name:
                    ignored.append(str(cell).strip())  # extra columns are allowed, and said to be unread
                continue
            if name in seen:
                self.result.problems.append(Problem(spec.name, header_number, column_letter(index), name, "",
                                                    f"与 {column_letter(seen[name])} 列重复"))
                continue
            seen[name] = index
            model_field = column.model_field(spec.model)
            if column.kind == "amount":
                if unit and unit not in AMOUNT_UNITS:
                    self.result.problems.append(Problem(spec.name, header_number, column_letter(index), cell, "",
                                                        f"金额单位“{unit}”无法识别，应为元、万元或亿元"))
                    continue
                unit = unit or None  # then every cell must carry its own unit (read_sheet)
            bound[column.field] = BoundColumn(column, index, unit, model_field)
        if ignored:
            self.result.notes.append(f"工作表“{spec.name}”已忽略的列：{'、'.join(ignored)}（不是标准模板中的列，未导入）")
        return bound

    def read_sheet(self, raw, spec):
        header_number, header = self.find_header(raw, spec)
        if header is None:
            return []
        columns = self.bind_columns(spec, header_number, header)
        self.columns[spec.name] = columns
        # The hot loop of a large import: per column, a prepared converter; per cell, a call.
        plan = [(name, column.index, self.converter(spec, column),
                 column.spec.required, blank_value(column.model_field, column.spec), column)
                for name, column in columns.items()]
        hint = "（如果这里是公式，请在 Excel 中重新计算并保存后再导入）" if raw.kind == "xlsx" else ""
        fast = [(name, index, cells.quick(convert, column.spec.kind, required, blank))
                for name, index, convert, required, blank, column in plan]
        least_width = max(index for _name, index, *_rest in plan) + 1 if plan else 0
        rows = []
        totals = cells.TOTAL_INITIALS

        lines = iter(raw.rows)
        while chunk := list(islice(lines, PROGRESS_EVERY)):
            # Blank rows and totals are left out. A row starting with text that is no total's
            # and no space (the empty text is among `totals`) is neither: one look at it.
            kept = [(number, row) for number, row in chunk
                    if row and type(row[0]) is str and row[0][:1] not in totals and not row[0][0].isspace()
                    or not (cells.is_blank_row(row) or cells.is_total_row(row))]
            self.read_rows(spec, kept, plan, fast, least_width, hint, rows)
            self.progress(self.rows_seen + len(rows), 0, f"读取“{spec.name}”")
        self.rows_seen += len(rows)
        self.refuse_unitless(spec, header_number)
        self.result.sheets.append(SheetResult(spec.name, rows=len(rows)))
        return rows

    def read_rows(self, spec, chunk, plan, fast, least_width, hint, rows):
        """Append a Row for each (number, cells) of `chunk` to `rows`.

        Most rows are right, so the chunk is converted a column at a time (one map of the
        column's converter: an optional column's empty cell is its blank value, cells.quick).
        A column that raises is converted again cell by cell to find its bad rows, and those,
        with rows too short to hold every column, are read cell by cell (read_cells), which
        reports each problem."""
        wide = [row for _number, row in chunk if len(row) >= least_width]
        bad = set()
        columns = []
        for _name, index, convert in fast:
            column = list(map(itemgetter(index), wide))
            try:
                columns.append(list(map(convert, column)))
            except cells.CellError:
                converted = []
                for i, value in enumerate(column):
                    try:
                        converted.append(convert(value))
                    except cells.CellError:
                        bad.add(i)
                        converted.append(None)
                columns.append(converted)
        names = [name for name, _index, _convert in fast]
        if not columns:
            found = [{} for _row in wide]
        elif bad:
            found = [None if i in bad else dict(zip(names, values)) for i, values in enumerate(zip(*columns))]
        else:
            found = [dict(zip(names, values)) for values in zip(*columns)]
        if len(wide) == len(chunk) and not bad:  # the common case: every row read at once
            rows.extend(map(Row, map(itemgetter(0), chunk), found))
            return
        found = iter(found)
        for number, row in chunk:
            values = next(found) if len(row) >= least_width else None
            rows.append(Row(number, values if values is not None else self.read_cells(spec, number, row, plan, hint)))

    def derive(self, spec, companion, rows):
        """The rows of a companion (specs: a 重点项目月报 row's annual plan), made from its
        sheet's rows; its columns are the sheet's columns of the same headers."""
        bound = {c.spec.header: c for c in self.columns.get(spec.name, {}).values()}
        self.columns[companion.name] = {c.field: bound[c.header] for c in companion.columns if c.header in bound}
        made, problems = companion.derive(rows)
        for number, field_name, message in problems:
            self.problem(companion.name, number, self.blamed(companion, field_name), "", message)
        if made:
            self.result.sheets.append(SheetResult(companion.name, rows=len(made)))
        return [Row(number, values) for number, values in made]

    def converter(self, spec, column):
        words = self.mapped.get((spec.name, column.spec.field))
        choice = column.spec.kind == "choice"
        aliases = None
        if choice:
            model_field = column.model_field
            aliases = self.aliases.get(vocabulary.field_key(model_field.model, model_field.name))
        convert = cells.converter(column.spec.kind, column.model_field, column.unit, words if choice else None, aliases)
        if not words or not choice:
            return convert  # references are mapped when they are resolved (check_sheet)
        used = self.used

        def read(value):
            if type(value) is str and value.strip() in words:
                used.add((spec.name, column.spec.field, value.strip()))
            return convert(value)

        return read

    def check_mappings(self):
        """Each mapping names a sheet, a column of it that takes words, and (for a choice) a
        label the column takes; any other is a problem of the command, never skipped."""
        right = []
        for mapping in self.mappings:
            spec = BY_NAME.get(mapping.sheet)
            column = next((c for c in spec.columns if c.header == mapping.column), None) if spec else None
            problem = ""
            if spec is None:
                problem = f"没有名为“{mapping.sheet}”的工作表，应为：{'、'.join(BY_NAME)}"
            elif column is None:
                problem = f"工作表“{spec.name}”没有“{mapping.column}”列"
            elif column.kind != "choice" and not cells.KINDS[column.kind].target:
                problem = f"“{mapping.column}”列不是可选值或名称列，不能映射"
            elif column.kind == "choice":
                labels = [label for stored, label in column.model_field(spec.model).choices if stored != ""]
                if mapping.label not in labels:
                    problem = f"“{mapping.label}”不是“{mapping.column}”的可选值，应为：{'、'.join(labels)}"
            if problem:
                self.result.problems.append(Problem("", None, "", "", "", f"映射“{mapping}”有误：{problem}"))
            else:
                right.append(mapping)
                self.mapped.setdefault((spec.name, column.field), {})[mapping.value] = mapping.label
        self.mappings = right

    def report_unused_mappings(self):
        for mapping in self.mappings:
            field = next(c.field for c in BY_NAME[mapping.sheet].columns if c.header == mapping.column)
            if (mapping.sheet, field, mapping.value) not in self.used:
                self.result.notes.append(f"映射“{mapping}”未用到：文件中没有这个值")

    def read_cells(self, spec, number, row, plan, hint):
        """A row with a blank or bad cell, cell by cell, reporting each problem."""
        width = len(row)
        values = {}
        for name, index, convert, required, blank, column in plan:
            value = row[index] if index < width else None
            if value is None or value == "" or (type(value) is str and not value.strip()):
                if required:
                    self.problem(spec.name, number, column, "", f"必填，不能为空{hint}")
                values[name] = None if required else blank
                continue
            try:
                values[name] = convert(value)
            except cells.MissingUnit:
                self.unitless.setdefault((spec.name, column.index), (column, []))[1].append(number)
                values[name] = None
            except cells.UnknownChoice as error:
                self.unknown_word(spec, column.spec, error.word.text, error.word.suggestions, error.word.allowed)
                self.problem(spec.name, number, column, value, str(error))
                values[name] = None
            except cells.CellError as error:
                self.problem(spec.name, number, column, value, str(error))
                values[name] = None
        return values

    def unknown_word(self, spec, column, text, suggestions, choices):
        """Count a row using a word the column does not know. The suggestions and choices are
        worked out by the caller once per distinct word (the converter's and the reference
        cache), so a word on 3,000 rows costs a dict look-up on each."""
        entry = self.unknown.get((spec.name, column.field, text))
        if entry is None:
            model_field = column.model_field(spec.model)
            target = cells.KINDS[column.kind].target
            key = vocabulary.field_key(TARGETS[target].model if target else model_field.model,
                                       None if target else model_field.name)
            entry = self.unknown[(spec.name, column.field, text)] = UnknownValue(
                spec.name, column.header, column.field, key, text, 0, list(suggestions), list(choices))
            self.result.unknown.append(entry)
        entry.rows += 1

    def offer(self, column, text, written):
        """(suggestions, choices) for a unit or program name the file uses and nobody mapped
        (`text` is `written`); None for other references, or a mapped word that is still wrong."""
        kind = cells.KINDS[column.kind].target
        if kind not in MAPPABLE_NAMES or text != written:
            return None
        choices = self.names_for(kind)
        return vocabulary.closest(text, choices), choices

    def names_for(self, kind):
        """The names of units or programs the user may pick: a district reporter's own units."""
        if kind not in self.name_choices:
            model = TARGETS[kind].model
            records = access.writable_units(self.user) if kind == "unit" and self.user is not None else model.objects.none() \
                if kind == "unit" else model.objects
            self.name_choices[kind] = list(records.order_by("pk").values_list(TARGETS[kind].key[0], flat=True))
        return self.name_choices[kind]

    def refuse_unitless(self, spec, header_number):
        """One problem per amount column without a unit in its header and in some cells:
        the clerk meant 万元 or 元, and only the clerk can say which."""
        for (sheet, _index), (column, numbers) in list(self.unitless.items()):
            if sheet != spec.name:
                continue
            header = column.spec.header
            rows = "、".join(str(n) for n in numbers[:5]) + (" 等" if len(numbers) > 5 else "")
            self.result.problems.append(Problem(
                spec.name, header_number, column.letter, header, "",
                f"表头“{header}”没有注明金额单位，请改为“{header}（元）”“{header}（万元）”或“{header}（亿元）”；"
                f"或在每个单元格中写明单位（如 350万元、1.2亿）。第 {rows} 行（共 {len(numbers)} 行）没有单位"))

    # -- checking references, scope and keys ----------------------------------------------

    def check(self, parsed):
        if self.user is not None and access.role_of(self.user) == access.Role.DISTRICT:
            self.allowed_units = set(access.writable_units(self.user).values_list("id", flat=True))
        self.lookups = Lookups(parsed, self.allowed_units)
        # In the order of SHEETS: a child's parent names the keys its own sheet resolved.
        for spec in with_companions():
            if spec.name in parsed:
                self.check_sheet(spec, parsed[spec.name][1])

    def reference_words(self, spec, column):
        """{word: name} a reference column takes besides the names themselves: the office's
        aliases of units and programs (南浔 → 南浔区), then this import's mappings."""
        target = TARGETS.get(cells.KINDS[column.kind].target)  # regions have their own resolver
        saved = self.aliases.get(vocabulary.field_key(target.model), {}) if target else {}
        words = {}
        if saved:
            ids = [int(v) for v in saved.values() if v.isdigit()]
            names = dict(target.model.objects.filter(pk__in=ids).values_list("pk", target.key[0]))
            words = {text: names[int(v)] for text, v in saved.items() if v.isdigit() and int(v) in names}
        words.update(self.mapped.get((spec.name, column.field)) or {})
        return words or None

    def check_sheet(self, spec, rows):
        references = [(c, self.reference_words(spec, c), {}) for c in spec.columns if cells.KINDS[c.kind].target]
        parents = spec.parents
        written = {}  # row number → the cells naming a parent as written, for messages about it
        naming = {c.field for c in spec.columns if c.parent}
        naming |= {f for kind in parents.values() for f in TARGETS[kind].key if any(c.field == f for c in spec.columns)}
        resolve = self.lookups.resolve
        combine = spec.combine
        offered = {}  # (field, unknown name) → (suggestions, choices) to map it to, or None: not offered
        for row in rows:
            values = row.values
            for make in combine:
                refused = make(values)
                if refused:
                    field_name, message = refused
                    self.problem(spec.name, row.number, self.blamed(spec, field_name), "", message)
            if parents:
                written[row.number] = {f: values.get(f) for f in naming}
            for column, words, known in references:
                text = values.get(column.field)
                if text is None:
                    continue
                if words and text in words:
                    self.used.add((spec.name, column.field, text))
                    text = words[text]
                # Each distinct name of a column is resolved once: a sheet names the same
                # few units and projects on thousands of rows.
                found = known.get(text)
                if found is None:
                    found = known[text] = resolve(cells.KINDS[column.kind].target, text)
                    if found[1]:
                        offered[column.field, text] = self.offer(column, text, values.get(column.field))
                if found[1]:
                    offer = offered[column.field, text]
                    if offer is not None:
                        self.unknown_word(spec, column, text, *offer)
                    self.problem(spec.name, row.number, self.bound(spec, column), text, found[1])
                    values[column.field] = None
                else:
                    values[column.field] = found[0]
        for parent, kind in parents.items():
            self.resolve_parent(spec, rows, parent, kind, written)
        if any(p.sheet == spec.sheet for p in self.result.problems):
            return
        for check in spec.checks:
            for number, field_name, value, message in check(rows, self.lookups):
                self.problem(spec.name, number, self.blamed(spec, field_name), value, message)
        if any(p.sheet == spec.sheet for p in self.result.problems):
            return
        self.check_scope(spec, rows)
        self.match_existing(spec, rows)
        self.check_gate(spec, rows)
        self.check_rules(spec, rows)

    def resolve_parent(self, spec, rows, parent, kind, written):
        """The record each row hangs under, named by its part columns (parent__part) and,
        for a key field the row has itself (an enterprise's park), by that column."""
        target = TARGETS[kind]
        parts = [f"{parent}__{f}" if f"{parent}__{f}" in written.get(rows[0].number, {}) else f
                 for f in target.key] if rows else []
        part_columns = [c for c in spec.columns if c.parent == parent]
        naming_columns = [self.column_of(spec, f) for f in parts]
        first = part_columns[0]
        known = {}
        self.lookups.records(kind)  # read while the rows still hold every part
        new_keys = self.lookups.created_by_workbook(kind)
        made = next((m for m in spec.makes if m.parent == parent), None)
        for row in rows:
            values = row.values
            key = tuple(values.get(f) for f in parts)
            if made is not None and key in new_keys and None not in key:
                self.made_parent(spec, row, made, key, part_columns)
            for column in part_columns:
                values.pop(column.field, None)
            if all(v is None for v in key):
                values[parent] = None  # an optional parent left blank; a required part was reported
                continue
            if any(v is None for v in key):
                values[parent] = None  # a part left blank or wrong: reported already, if required
                if first.required or any(written[row.number].get(c.field) is not None for c in part_columns):
                    missing = [c for c in part_columns if written[row.number].get(c.field) is None]
                    if missing and not first.required:
                        self.problem(spec.name, row.number, self.bound(spec, missing[0]), "",
                                     f"与“{first.header}”一起填写，不能为空")
                continue
            found = known.get(key)
            if found is None:
                described = "、".join(f"{c.header}为“{shown(written[row.number][c.field])}”" for c in naming_columns)
                found = known[key] = self.lookups.resolve_key(kind, key, described)
            if found[1]:
                self.problem(spec.name, row.number, self.bound(spec, first), "", found[1])
                values[parent] = None
            else:
                values[parent] = found[0]

    def made_parent(self, spec, row, made, key, part_columns):
        """Keep what a row says of a parent it makes (an employer's name), the first row
        naming it; a later row saying otherwise is a problem on that row."""
        parts = {c.part: row.values.get(c.field) for c in part_columns}
        unit_id = self.lookups.owners(cells.KINDS[self.column_of(spec, made.unit_from).kind].target).get(
            row.values.get(made.unit_from))
        first = self.made.setdefault(made.parent, {}).setdefault(key, (row.number, parts, unit_id))
        for column in part_columns:
            if first[0] != row.number and first[1].get(column.part) != parts.get(column.part):
                self.problem(spec.name, row.number, self.bound(spec, column), parts.get(column.part),
                             f"与第 {first[0]} 行的{column.header}“{shown(first[1].get(column.part))}”不一致"
                             f"（统一社会信用代码相同）")

    def write_made(self, spec, now, audit):
        """Insert the parents `spec` makes (MakesParent), through the write gate as `create`
        in their units, before the sheet's own rows, which name them."""
        for made in spec.makes:
            found = self.made.get(made.parent)
            if not found:
                continue
            model = spec.model._meta.get_field(made.parent).related_model
            gate.check(self.user, gate.CREATE, model,
                       [gate.Target(unit_id, None, None, number) for number, _parts, unit_id in found.values()])
            rows = [{**parts, "unit": unit_id} for _number, parts, unit_id in found.values()]
            audit.number(model, rows)
            user = access.user_of(self.user)
            stamp = user.pk if user else None
            fast_insert(model, rows, same={"created_by": stamp, "updated_by": stamp, "created_at": now, "updated_at": now})
            self.lookups.written(model)
            self.result.notes.append(f"工作表“{spec.name}”新增{model._meta.verbose_name} {len(rows)} 家")

    def check_rules(self, spec, rows):
        """The row rules (hezuo/rules.py: years, dates, amounts, an end before its start) and
        the model's own checks across fields, per row, so a dry run catches them too and each
        problem names its row and column. The one place where a sheet's parsed rows meet the
        rules."""
        if spec.shape == "tree":
            return  # tree records are checked as they are saved, parents first (writers.TreeWriter)
        check = rules.row_checker(spec.model, fields=rows[0].values.keys() if rows else ())
        own_clean = spec.model_clean and has_own_clean(spec.model)
        meta = spec.model._meta
        names = {f: meta.get_field(f).attname for f in spec.stored}
        for row in rows:
            if row.action == "unchanged":
                continue
            for violation in check(row.values):  # their messages carry the values they are about
                column = self.blamed(spec, violation.field)
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
        first_row = {}  # what a row names its project by (a code, an id, a pending key) → (sheet, row)
        for sheet, field in (("项目", "code"), ("资金", "project")):
            for row in parsed.get(sheet, (None, []))[1]:
                named = row.values.get(field)
                if named not in first_row:  # a fund sheet names each project on many rows
                    first_row[named] = (sheet, row.number)
        projects = self.lookups.records("project")  # {(code,): (id, unit id)}, the new ones included
        by_id = {}
        for named, place in first_row.items():
            if isinstance(named, str):
                named = projects.get((named,), (None,))[0]
            elif isinstance(named, tuple):
                named = self.lookups.final(named)
            if named is not None:
                by_id.setdefault(named, place)
        code_of = {pk: key[0] for key, (pk, _unit) in projects.items()}
        ids = sorted(by_id, key=lambda pk: code_of.get(pk, ""))  # listed in the order of their codes
        unlisted = 0
        pairings = rules.Pairings() if ids else None
        for start in range(0, len(ids), 900):
            chunk = Project.objects.filter(pk__in=ids[start:start + 900])
            for warning in rules.project_warnings(chunk, pairings=pairings):
                if len(self.result.warnings) >= WARNINGS_LISTED:
                    unlisted += 1  # counted, not written out: a first import of years of data
                    continue       # can raise thousands, which the 数据质量 page lists better
                sheet, number = by_id[warning.project_id]
                self.result.warnings.append(RuleWarning(sheet, number, warning.code, warning.rule.title,
                                                        warning.message))
        if unlisted:
            self.result.notes.append(f"另有 {unlisted} 条提醒未逐条列出，请在“数据质量”页查看全部")

    def bound(self, spec, column):
        """The column as found in the sheet, so problems name its real letter."""
        if column is None:
            return None
        return self.columns.get(spec.name, {}).get(column.field)

    def blamed(self, spec, field_name):
        """The column a problem with a field is shown in: its own, else one speaking about it."""
        own = [c for c in spec.columns if c.field == field_name or c.parent == field_name]
        about = [c for c in spec.columns if c.about == field_name]
        return next((self.bound(spec, c) for c in own + about if self.bound(spec, c) is not None), None)

    def column_of(self, spec, field_name):
        """The column that writes a stored field: itself, the first part naming a parent, or
        the column a combine sets it from (SheetSpec.sets)."""
        field_name = dict(spec.sets).get(field_name, field_name)
        return next((c for c in spec.columns if c.field == field_name or c.parent == field_name), None)

    def check_scope(self, spec, rows):
        """A district reporter imports rows of their own unit subtree only.

        The message says what the reporter wrote is not theirs, never whose it is: a unit
        is named only as the reporter typed it, a record outside the scope (a project, a
        park …) has already been refused as unknown (Lookups.resolve), whether it exists
        elsewhere or not."""
        allowed = self.allowed_units
        if allowed is None or getattr(spec.model, "scope_path", None) is None:
            return  # city officers write everywhere; others cannot write at all (match_existing)
        owner = self.column_of(spec, spec.model.scope_path.split("__")[0])
        for row in rows:
            unit_id = self.lookups.unit_of(spec, row.values)
            if unit_id not in allowed:  # None, a unit that cannot be determined, too: failing closed
                if owner is not None and owner.kind == "unit" and unit_id is not None:
                    typed = self.lookups.unit_name(unit_id)
                    message = f"单位“{typed}”不在您的数据范围内，您只能导入本单位及下属单位的数据"
                else:
                    typed, message = "", "这条记录不在您的数据范围内，您只能导入本单位及下属单位的数据"
                self.problem(spec.name, row.number, self.bound(spec, owner), typed, message)

    def check_gate(self, spec, rows):
        """The write gate (hezuo/gate.py) for the rows this import would create or change:
        role, scope and closed periods, where each row is now and where it would be. An
        unchanged row of a closed month is fine; any other row of one refuses the whole
        import, each named with its sheet, row and the month. A few queries a sheet: the
        locks, the units' paths, the stored places of the updated rows and of the records
        that follow them (a project's funds)."""
        if any(p.sheet == spec.sheet for p in self.result.problems):
            return  # role and scope were refused row by row already, in their own words
        if all(row.action == "unchanged" for row in rows):
            return  # nothing of the sheet is written: a reporter's export of the dictionaries comes back as it went
        if self.locks is None:
            self.locks = gate.active_locks()  # one query for the whole import
        if not gate.places_matter(self.user, spec.model, self.locks) and not (self.locks and self.follower_fields(spec)):
            for refusal in gate.refusals(self.user, gate.CREATE, spec.model, []):
                self.problem(spec.name, None, None, "", refusal.message)
            return
        unit_of, period = self.lookups.unit_of, self.period_reader(spec)
        created, changed, updated = [], [], {}
        for row in rows:
            if row.action == "create":
                created.append(gate.Target(unit_of(spec, row.values), *period(row.values), row.number))
            elif row.action == "update":
                changed.append(gate.Target(unit_of(spec, row.values), *period(row.values), row.number))
                updated[row.existing["id"]] = row.number
        ids = list(updated)
        for start in range(0, len(ids), 900):  # where the updated records are now
            for pk, before in gate.stored_targets(spec.model, pk__in=ids[start:start + 900]).items():
                changed.append(gate.Target(before.unit_id, before.day, before.year, updated[pk]))
        found = gate.refusals(self.user, gate.CREATE, spec.model, created, locks=self.locks) if created else []
        found += gate.refusals(self.user, gate.CHANGE, spec.model, changed, locks=self.locks) if changed else []
        found += self.followers_refused(spec, rows)
        seen = set()
        for refusal in sorted(found, key=lambda r: r.target.where if r.target else 0):
            number = refusal.target.where if refusal.target else None
            if (number, refusal.message) in seen:
                continue
            seen.add((number, refusal.message))
            self.problem(spec.name, number, None, "", refusal.message)

    def period_reader(self, spec):
        """values → (date, year) a row's record is put in a period by (gate.period_fields)."""
        day_field, year_field = gate.period_fields(spec.model)

        def read(values):
            day = values.get(day_field) if day_field else None
            year = values.get(year_field) if year_field else None
            return (day if isinstance(day, datetime.date) else None), (year if isinstance(year, int) else None)
        return read

    def followers_refused(self, spec, rows):
        """Records of other kinds that change with an updated row: a project's funds carry its
        program and belong to its unit, so changing either changes them, in their periods."""
        found = []
        for child, parent, field in self.follower_fields(spec):
            follows_unit = child.scope_path.startswith(parent + "__")  # a fund's unit is its project's
            attname = spec.model._meta.get_field(field).attname
            changing = {}  # parent id → (row number, its new unit or None)
            for row in rows:
                if row.action != "update":
                    continue
                new_unit = row.values.get("unit") if follows_unit else None
                if new_unit is not None and same(row.existing.get("unit_id"), new_unit):
                    new_unit = None
                moved = field in row.values and not same(row.existing.get(attname), row.values[field])
                if moved or new_unit is not None:
                    # A unit the workbook itself creates has no locks of its own yet.
                    changing[row.existing["id"]] = (row.number, None if isinstance(new_unit, tuple) else new_unit)
            ids = list(changing)
            for start in range(0, len(ids), 900):
                stored = gate.stored_targets(child, where=parent, **{f"{parent}__in": ids[start:start + 900]})
                targets = []
                for target in stored.values():
                    number, new_unit = changing[target.where]
                    targets.append(gate.Target(target.unit_id, target.day, target.year, number))
                    if new_unit is not None:
                        targets.append(gate.Target(new_unit, target.day, target.year, number))
                found += [r for r in gate.refusals(self.user, gate.CHANGE, child, targets, locks=self.locks)
                          if r.reason == "lock"]
        return found

    @staticmethod
    def follower_fields(spec):
        """(child model, parent field, field) for each field another sheet copies from this sheet's records."""
        return [(other.model, parent, field) for other in SHEETS for field, parent in other.copies
                if other.model._meta.get_field(parent).related_model is spec.model]

    def match_existing(self, spec, rows):
        sheet = next(s for s in self.result.sheets if s.name == spec.name)
        key_of = itemgetter(*spec.key)
        keys = [key_of(row.values) for row in rows]
        key_headers = "、".join(dict.fromkeys(self.column_of(spec, f).header for f in spec.key))
        if len(set(keys)) < len(keys):
            seen = {}
            for row, key in zip(rows, keys):
                first = seen.setdefault(key, row.number)
                if first != row.number:
                    self.problem(spec.name, row.number, None, "",
                                 f"与第 {first} 行重复（{key_headers}相同），请合并为一行")
        existing = self.lookups.existing(spec, rows)
        refused = gate.role_refusal(self.user, gate.CREATE, spec.model)
        may_write = refused is None
        personal = [c for c in spec.columns if c.personal]
        if not existing and may_write and not personal:  # a first import: every row is new
            for row in rows:
                row.action = "create"
            sheet.created += len(rows)
            return
        meta = spec.model._meta
        names = {f: meta.get_field(f).attname for f in spec.stored}
        for row, key in zip(rows, keys):
            current = existing.get(key)
            if personal:
                self.unmask(spec, row, current, personal)
            if current is None:
                row.action = "create"
                sheet.created += 1
            # Only the columns the sheet has: a column left out of it keeps what is stored.
            elif all(same(current.get(names[f]), value) for f, value in row.values.items() if f in names):
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
                    first = self.column_of(spec, spec.key[0])
                    typed = row.values.get(first.field) if first.kind == "text" else ""
                    self.problem(spec.name, row.number, self.bound(spec, first), typed,
                                 f"{key_headers}已被使用，该记录不在您的数据范围内，不能通过导入修改")
            if not may_write:
                self.problem(spec.name, row.number, None, "", refused.message)
            elif row.existing and current.get("from_package"):
                self.problem(spec.name, row.number, None, "", "国家区划数据中的地区不能通过导入修改")
            if row.action == "update" and self.dry_run:
                self.preview_update(spec, row, names)

    def preview_update(self, spec, row, names):
        """Keep, for the preview, what an updated row changes field by field; PREVIEW_ROWS a
        sheet, the others only counted, so memory stays bounded on a large file."""
        shown_rows = self.result.changes.setdefault(spec.name, {"rows": [], "more": 0})
        if len(shown_rows["rows"]) >= PREVIEW_ROWS:
            shown_rows["more"] += 1
            return
        meta = spec.model._meta
        fields = []
        for name, attname in names.items():
            if name not in row.values:
                continue  # a column the sheet does not have is not written
            old, new = row.existing.get(attname), row.values.get(name)
            if same(old, new):
                continue
            column = self.column_of(spec, name)
            fields.append([column.header if column else str(meta.get_field(name).verbose_name),
                           preview_value(meta.get_field(name), old), preview_value(meta.get_field(name), new)])
        key = "、".join(shown(v) if not isinstance(v, tuple) else shown(v[1][0]) for v in
                       (row.values.get(f) for f in spec.key))
        shown_rows["rows"].append({"row": row.number, "key": key, "fields": fields})

    def unmask(self, spec, row, current, columns):
        """A masked value (138****5678: an export for a role that may not read it) means
        "keep what is stored"; it can never become the stored value itself."""
        for column in columns:
            value = row.values.get(column.field)
            if not value or "*" not in value:
                continue
            stored = current.get(column.field) if current else None
            if stored and access.mask_personal(stored) == value:
                row.values[column.field] = stored
            else:
                self.problem(spec.name, row.number, self.bound(spec, column), value,
                             f"{column.header}是脱敏后的值，不能导入；请填写完整的{column.header}，或留空")

    # -- writing ---------------------------------------------------------------------------

    def write(self, parsed):
        """Every sheet, in the order of SHEETS, by the writer of its shape, in one transaction."""
        total = sum(len(rows) for _spec, rows in parsed.values())
        done = 0
        now = timezone.now()
        with transaction.atomic():
            audit = ImportAudit(self.user, self.record, self.cause)
            self.lookups.load_package_regions()
            for spec in with_companions():
                if spec.name not in parsed:
                    continue
                rows = parsed[spec.name][1]
                self.write_made(spec, now, audit)
                WRITERS[spec.shape](self, spec, now, audit).write(rows)
                if self.result.problems:
                    transaction.set_rollback(True)
                    return
                self.lookups.written(spec.model)
                done += len(rows)
                self.progress(done, total, f"写入“{spec.name}”")
            audit.write(self.result.sheets)
            stats_changed()  # fast inserts and bulk updates send no signals

    def diff(self, existing, values):
        return {
            name: [shown(existing.get(name)), shown(value)]
            for name, value in values.items()
            if not same(existing.get(name), value)
        }

    def validate(self, spec, obj, number):
        """Rules of the model that span fields (end date after start date …)."""
        try:
            obj.clean()
        except ValidationError as error:
            messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for field_name, texts in messages.items():
                self.problem(spec.name, number, self.bound(spec, self.column_of(spec, field_name)), "",
                             "；".join(texts))


def with_companions():
    """Every spec, each sheet's companions after it: the order of checking and writing."""
    for spec in SHEETS:
        yield spec
        yield from spec.companions


COMPANION_SHEETS = {companion.name: spec.name for spec in SHEETS for companion in spec.companions}


def preview_value(model_field, value):
    """A stored value as the preview shows it: a choice by its label, a reference by its name."""
    if value is None or value == "":
        return ""
    if isinstance(value, tuple):  # a record the workbook itself creates: its key as written
        return shown(value[1][0])
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, AmountField):
        return numbers.format_amount(numbers.to_decimal(value))  # 390.58万元, as pages show it
    if model_field.is_relation:
        found = model_field.related_model._default_manager.filter(pk=value).first()
        return str(found) if found is not None else shown(value)
    return shown(value)


def has_own_clean(model):
    """Does the model check rules across fields? Calling Model.clean on 100,000 rows that
    have none is time spent on nothing."""
    return model.clean is not models.Model.clean


def blank_value(model_field, column):
    """What an empty optional cell stores: the field's default, else NULL or an empty string.
    A part naming a parent (see specs) stays None: no parent; so does a column about a field,
    one a companion writes (an empty 年度计划投资 keeps the stored plan), and one the sheet's
    checks work out (Column.computed)."""
    if column.parent or column.about or column.of or column.computed:
        return None
    if model_field.has_default():
        return model_field.get_default()
    return None if model_field.null else ""


def _chain(head, rest):
    yield from head
    yield from rest


def same(old, new):
    if old is None or new is None:
        return old in (None, "") and new in (None, "")
    return old == new


_paused = 0
_pause_lock = threading.Lock()


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused while an import holds its rows. Each of its
    full collections walks every live object, and the rows of a large sheet are millions of
    them: a fifth of a 100,000-row import went to walking them again and again. Reference
    counting still frees what is dropped; cycles wait for the end. Imports overlapping in
    one process share the pause, and the last one to end resumes the collector."""
    global _paused
    with _pause_lock:
        ours = _paused > 0 or gc.isenabled()  # else paused by someone else: theirs to resume
        if ours:
            _paused += 1
            gc.disable()
    try:
        yield
    finally:
        if ours:
            with _pause_lock:
                _paused -= 1
                if _paused == 0:
                    gc.enable()


def import_workbook(path, user, *, dry_run=False, name=None, progress=None, cause="", record=None, mappings=()):
    """Validate and (unless dry_run) import the workbook at `path` for `user`; `mappings`
    (hezuo/imports/mapping.py) say what an office's own words mean."""
    with collector_paused():
        return Importer(user, dry_run=dry_run, progress=progress, cause=cause, record=record,
                        mappings=mappings).run(path, name)
