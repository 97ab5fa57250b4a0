"""Writing the standard workbook (标准填报模板): data exports, list-page exports, the blank template.

    result = export_workbook(out, user, year=2024)          # every sheet the user may see
    result = export_workbook(out, user, querysets={"项目": qs})  # one list page, its filters applied
    result = export_workbook(out, blank=True)                # headers, drop-downs, 填写说明

Sheets, headers and cell kinds come from hezuo/imports/specs.py, the specs the importer
reads, so whatever is exported imports back unchanged: choices as their Chinese labels,
references by name (unit, program), code (project) or a region text the importer resolves
to exactly one region, dates as Excel dates, amounts as numbers in the header's unit.

Rows are streamed (openpyxl write-only mode, querysets read in chunks), so memory stays
flat however many rows there are.
"""

import datetime
from decimal import Decimal

from django.db.models import Count
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from hezuo import access, numbers
from hezuo.amounts import AmountField
from hezuo.core.table import Table
from hezuo.imports.cells import KINDS
from hezuo.vocabulary.words import synonyms_of
from hezuo.imports.specs import BY_NAME, INSTRUCTIONS_SHEET, LISTS_SHEET, SHEETS, TARGETS
from hezuo.org.models import Program, Region
from hezuo.workbooks import AMOUNT_FORMAT, DATE_FORMAT, HEADER_FONT, WorkbookWriter, cell

CHUNK = 2000
LAST_ROW = 1048576  # drop-downs cover the whole column, so rows people add get them too
YES_NO = {True: "是", False: "否"}
GENERAL_NOTES = (
    "每个工作表第 1 行是表头，从第 2 行起每行一条记录；请不要修改表头文字，可以在右侧增加自己的列（导入时忽略）。",
    "各列是否必填见下表。金额按表头括号中的单位填写，如“金额（万元）”填 12.5 即 12.5 万元。",
    "单位、工作类别、地区按名称填写，须与系统中的名称完全一致；带下拉箭头的列请从下拉列表中选择，"
    "也可写下表“格式或可选值”中列出的常用说法（如状态写“在建”即“实施中”）。",
    "每类记录按关键列识别：再次导入同一行会更新原记录，不会重复新增。",
    "“填写说明”和“下拉选项”两个工作表导入时会被忽略。",
)


def export_workbook(out, user=None, *, year=None, querysets=None, blank=False, progress=None):
    """Write the standard workbook to `out` (a path or a binary file object).

    `user`: only what `access.visible` lets them see (access.CONSOLE: the operator, everything);
    needed unless `blank`.
    `year`: rows of that year on sheets that have a year; the others (单位, 地区, 结对关系)
    are written whole. `querysets`: {sheet name: queryset} to write only those sheets with
    exactly those rows, in their order (list-page exports). `blank`: no data, plus a first
    sheet 填写说明 and a comment on every header cell.
    """
    if not blank:
        access.reader(user)  # whose rows: never everything by default
    masked = not blank and not access.sees_personal_data(user)
    writer = StandardWriter(blank=blank, progress=progress, masked=masked)
    if blank:
        writer.instructions()
    specs = [BY_NAME[name] for name in querysets] if querysets is not None else list(SHEETS)
    for spec in specs:
        if blank:
            rows = None
        elif querysets is not None:
            rows = querysets[spec.name]
            rows = rows.annotate(**spec.annotations()) if spec.annotations else rows
        else:
            rows = default_rows(spec, year)
        if rows is not None:
            rows = access.visible(user, rows)
        writer.sheet(spec, rows)
    writer.save(out)
    return writer.result


def default_rows(spec, year):
    rows = spec.records()
    if spec.model is Region:
        rows = rows.filter(from_package=False)  # national division data comes from the package
    if year and spec.year_field:
        rows = rows.filter(**{spec.year_field: year})
    return rows.order_by(*spec.order)


def spec_for_model(model):
    return next((spec for spec in SHEETS if spec.model is model), None)


def export_list(out, kind, user, queryset, progress=None):
    """A list page's rows (filtered and sorted as shown, all pages) as a workbook.

    Kinds with a sheet in the standard workbook get that sheet, which imports back. Others
    get their list columns written for people. Regions too: the list holds the national tree,
    whose provinces have no 上级地区 and could not be imported anyway.
    """
    spec = spec_for_model(kind.model)
    if spec is not None and kind.model is not Region:
        return export_workbook(out, user, querysets={spec.name: queryset}, progress=progress)
    writer = PlainWriter(progress=progress)
    writer.sheet(kind, user, access.visible(user, queryset))
    writer.save(out)
    return writer.result


class StandardWriter(WorkbookWriter):
    """Sheets of the standard workbook, with drop-downs from a hidden sheet of lists."""

    def __init__(self, blank=False, progress=None, masked=False):
        super().__init__(progress)
        self.blank = blank
        self.masked = masked  # personal data (a cadre's phone, ID number) written masked
        self.lists = {}  # defined name → (title, [labels])
        self._ambiguous_regions = None

    # Drop-down lists. Inline lists stop at 255 characters, so they live on a hidden sheet
    # and validations point at them through defined names.
    def list_name(self, spec, column):
        if column.kind == "program":
            name, title, labels = "list_program", "工作类别", None
        elif column.kind in ("key_flag", "bool"):
            name, title, labels = "list_yes_no", "是/否", list(YES_NO.values())
        elif column.kind == "choice":
            model_field = column.model_field(spec.model)
            name = f"list_{spec.model._meta.model_name}_{column.field}"
            title = f"{column.header}（{spec.name}）"
            labels = [label for value, label in model_field.choices if value != ""]
        elif column.listed:
            name, title, labels = f"list_{spec.model._meta.model_name}_{column.field}", column.header, None
        else:
            return None
        if name not in self.lists:
            if labels is None:
                labels = column.listed() if column.listed else \
                    list(Program.objects.order_by("sort_order", "id").values_list("name", flat=True))
            self.lists[name] = (title, labels)
        return name if self.lists[name][1] else None

    def validation(self, ws, spec, column, letter):
        name = self.list_name(spec, column)
        if name is None:
            return
        dv = DataValidation(type="list", formula1=name, allow_blank=True, showErrorMessage=True,
                            errorStyle="stop", errorTitle="不是可选值", error=f"“{column.header}”请从下拉列表中选择")
        dv.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.data_validations.append(dv)

    def comment(self, spec, column):
        lines = [f"{column.title}：{'必填' if column.required else '选填'}", self.format_of(spec, column)]
        if column.note:
            lines.append(column.note)
        return "\n".join(lines)

    def format_of(self, spec, column):
        if column.kind == "key_flag":
            return KINDS[column.kind].format
        if column.kind in ("choice", "bool", "program") or column.listed:
            name = self.list_name(spec, column)
            labels = self.lists[name][1] if name else []
            text = "可选：" + "、".join(labels)
            if column.kind == "choice":
                words = synonyms_of(column.model_field(spec.model))
                if words:
                    text += "；也可写：" + "；".join(f"{'、'.join(w)}（即{label}）" for label, w in words.items())
            return text
        text = KINDS[column.kind].format
        limit = getattr(column.model_field(spec.model), "max_length", None)
        if column.kind == "text" and limit:
            text += f"，最多 {limit} 字"
        return text

    def sheet(self, spec, rows):
        titles = [column.title for column in spec.columns]
        comments = [self.comment(spec, column) for column in spec.columns] if self.blank else None
        ws = self.new_sheet(spec.name, titles, [c.width for c in spec.columns], comments)
        for index, column in enumerate(spec.columns, start=1):
            self.validation(ws, spec, column, get_column_letter(index))
        count = 0
        if rows is not None:
            lookups, converters = self.reading(spec, ws)
            for values in rows.values_list(*lookups).iterator(chunk_size=CHUNK):
                self.append(ws, [convert(values) for convert in converters])
                count += 1
                self.tick()
        self.result.sheets.append((spec.name, count))

    def reading(self, spec, ws):
        """The values_list lookups for a sheet, and per column a function from a row of them to a cell."""
        lookups, converters = [], []
        for column in spec.columns:
            start = len(lookups)
            target = TARGETS.get(KINDS[column.kind].target)
            if column.reads:  # a column that is no plain field: the spec says what it reads
                lookups += column.reads
            elif target is not None:  # a reference is written as what names it: a name, a code
                lookups.append(f"{column.field}__{target.key[0]}")
            elif column.kind == "region":
                lookups += [f"{column.field}__name", f"{column.field}__code"]
            else:
                lookups.append(column.about or column.field)
            converters.append(self.converter(spec, column, start, ws))
        return lookups, converters

    def converter(self, spec, column, i, ws):
        if column.shows:
            shows, n = column.shows, len(column.reads)
            return lambda v: shows(*v[i:i + n]) if v[i] is not None else None
        if column.kind == "month":
            return lambda v: f"{v[i]:%Y-%m}" if v[i] is not None else None
        if column.kind == "region":
            return lambda v: self.region_text(v[i], v[i + 1]) if v[i] is not None else None
        if column.kind == "amount":
            scale = numbers.UNITS[column.unit or "元"]
            # A float written with 16 significant digits reads back to the same fen for any
            # amount below the importer's limit of 10^16 元.
            return lambda v: self.styled(ws, float(v[i] / scale), AMOUNT_FORMAT) if v[i] is not None else None
        if column.kind == "date":
            return lambda v: self.styled(ws, v[i], DATE_FORMAT) if v[i] is not None else None
        if column.kind == "choice":
            labels = dict(column.model_field(spec.model).choices)
            return lambda v: labels.get(v[i], v[i]) if v[i] not in ("", None) else None
        if column.personal and self.masked:
            return lambda v: access.mask_personal(v[i]) or None
        if column.kind == "key_flag":
            return lambda v: YES_NO[bool(v[i])]
        if column.kind == "bool":
            return lambda v: None if v[i] is None else YES_NO[v[i]]
        return lambda v: None if v[i] == "" else v[i]

    def region_text(self, name, code):
        """The plain name where it names one region, else “code name” (a leading code wins on import)."""
        if name in self.ambiguous_regions() or name[:1].isdigit():
            return f"{code} {name}"
        return name

    def ambiguous_regions(self):
        """Region names held by more than one region: those are written as “code name”."""
        if self._ambiguous_regions is None:
            self._ambiguous_regions = set(
                Region.objects.values("name").annotate(n=Count("pk")).filter(n__gt=1).values_list("name", flat=True))
        return self._ambiguous_regions

    # -- the blank template's extras ---------------------------------------------------------

    def instructions(self):
        ws = self.new_sheet(INSTRUCTIONS_SHEET, ["工作表", "列名", "是否必填", "格式或可选值", "单位", "说明"],
                            [12, 18, 10, 60, 8, 50])
        for note in GENERAL_NOTES:
            self.append(ws, [note])  # one long line: it runs on over the empty cells to its right
        for spec in SHEETS:
            self.append(ws, [])
            self.append(ws, [cell(ws, spec.name, font=HEADER_FONT), "", "", "", "", spec.note or None])
            for column in spec.columns:
                self.append(ws, [spec.name, column.header, "必填" if column.required else "选填",
                                 self.format_of(spec, column), column.unit or None, column.note or None])

    def save(self, out):
        self.write_lists()
        super().save(out)

    def write_lists(self):
        if not self.lists:
            return
        ws = self.workbook.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
        names = list(self.lists)
        self.append(ws, [self.lists[name][0] for name in names])
        longest = max(len(labels) for _title, labels in self.lists.values())
        for row in range(longest):
            self.append(ws, [labels[row] if row < len(labels) else None for _title, labels in self.lists.values()])
        for index, name in enumerate(names, start=1):
            letter, count = get_column_letter(index), len(self.lists[name][1])
            if count:
                ref = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${count + 1}"
                self.workbook.defined_names.add(DefinedName(name, attr_text=ref))


class PlainWriter(WorkbookWriter):
    """A list page for people: its columns as shown, amounts in 万元 as numbers. Not importable."""

    def sheet(self, kind, user, rows):
        table = Table(kind, user, kind.columns, [])
        fields = table.fields
        headers = [f"{f.verbose_name}（万元）" if isinstance(f, AmountField) else f.verbose_name
                   for f in fields.values()]
        widths = [30 if index == 0 else 14 for index in range(len(headers))]  # the first column names the record
        ws = self.new_sheet(str(kind.title)[:31], headers, widths)
        count = 0
        for obj in rows.iterator(chunk_size=CHUNK):
            self.append(ws, [self.value(ws, table, obj, name, model_field) for name, model_field in fields.items()])
            count += 1
            self.tick()
        self.result.sheets.append((str(kind.title), count))

    def value(self, ws, table, obj, name, model_field):
        raw = getattr(obj, name)
        if raw is None or raw == "":
            return None
        if isinstance(model_field, AmountField):
            return self.styled(ws, float(numbers.in_unit(raw, "万元")), AMOUNT_FORMAT)
        if isinstance(raw, datetime.datetime):
            return self.styled(ws, raw.astimezone().replace(tzinfo=None), "yyyy-mm-dd hh:mm")
        if isinstance(raw, datetime.date):
            return self.styled(ws, raw, DATE_FORMAT)
        plain_number = not (model_field.choices or model_field.is_relation or isinstance(raw, bool))
        if plain_number and isinstance(raw, int):
            return raw  # counts and years, for Excel to sum and sort
        if plain_number and isinstance(raw, Decimal) and not hasattr(obj, f"{name}_unit"):
            return float(raw)
        text = table.cell(obj, name, model_field).text  # labels, 是/否, masking, quantities with their unit
        return None if text == "—" else text
