"""The error report of a failed import (错误报告): the reporter's own workbook, with every
bad cell filled red and carrying the reason as a comment, and a first sheet “错误清单”
listing every problem, so they can fix the file where they typed it and import it again.

- .xlsx: the original workbook itself, loaded with openpyxl, so formats, widths and other
  sheets survive.
- .csv and .xls: openpyxl cannot write either format, so the report is a new .xlsx holding
  the original rows as read (one sheet per sheet of the file), marked the same way.
- Files over REPORT_MAX_ROWS rows get the 错误清单 sheet only: loading a huge workbook
  whole into openpyxl would take minutes and gigabytes for one download.

A problem about a whole row (duplicate key, unit outside the user's scope) fills that row;
a problem about a whole sheet or file appears in the list only. Values from the file are
written as text where a spreadsheet would take them for a formula (hezuo/workbooks.py):
the report goes to whoever follows the import, not only to who wrote the file.
"""

import io
import unicodedata
from collections import defaultdict
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter

from hezuo import workbooks
from hezuo.imports.reader import UnreadableFile, read_file

LIST_SHEET = "错误清单"
REPORT_MAX_ROWS = 50_000
ROW_FILL_MAX_COLUMNS = 60
BAD_FILL = PatternFill("solid", fgColor="FFFFC7CE")  # Excel's own “bad” red
BAD_FONT = Font(color="FF9C0006")
AUTHOR = "区域合作工作平台"
HEADERS = ("工作表", "行", "列", "表头", "值", "原因")
WIDTHS = (14, 8, 6, 20, 24, 70)


def ordered(problems):
    """Problems as a reader goes through the file: sheet by sheet, then row, then column."""
    sheets = list(dict.fromkeys(p["sheet"] for p in problems))
    return sorted(problems, key=lambda p: (sheets.index(p["sheet"]), p["row"] or 0, len(p["column"]), p["column"]))


def build_report(record):
    """The report for `record` (an ImportRecord) as .xlsx bytes."""
    problems = ordered(record.problems)
    workbook = None
    if record.rows_total <= REPORT_MAX_ROWS:
        if record.original_name.lower().endswith(".xlsx"):
            workbook = _load_original(record.file.path)
        if workbook is None:
            workbook = _copy_rows(record)
    if workbook is None:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
    else:
        _mark(workbook, problems)
    _add_list(workbook, problems)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def report_name(record):
    return f"错误报告-{Path(record.original_name).stem}.xlsx"


def _load_original(path):
    try:
        workbook = openpyxl.load_workbook(path, rich_text=True)
    except Exception:  # an .xlsx calamine reads but openpyxl does not: fall back to copying rows
        return None
    # Its strings stay text when edited in the report; its own formulas stay formulas (the
    # importer read their values, and the reporter re-imports the corrected report).
    for sheet in workbook.worksheets:
        for cell in sheet._cells.values():
            if cell.data_type == "s":
                workbooks.keep_text(cell)
    return workbook


def _copy_rows(record):
    try:
        sheets = read_file(record.file.path, record.original_name)
    except (UnreadableFile, OSError):
        return None
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for raw in sheets:
        name = raw.name
        if raw.kind == "csv":
            # The importer names a CSV's problems after the sheet it recognised (“项目”).
            name = next((p["sheet"] for p in record.problems if p["sheet"]), name)
        sheet = workbook.create_sheet(_sheet_title(name, workbook))
        for number, cells in raw.rows:
            for index, value in enumerate(cells, start=1):
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters a CSV may carry
                if value not in ("", None):
                    workbooks.put(sheet, number, index, value)
    return workbook


def _sheet_title(name, workbook):
    title = "".join(" " if c in "[]:*?/\\" else c for c in name).strip()[:31] or "Sheet"
    taken = set(workbook.sheetnames)
    base, n = title, 2
    while title in taken:
        title = f"{base[:28]}({n})"
        n += 1
    return title


def _normal(name):
    return unicodedata.normalize("NFKC", name or "").strip()


def _mark(workbook, problems):
    sheets = {_normal(title): workbook[title] for title in workbook.sheetnames}
    notes = defaultdict(list)  # (sheet title, row, column) → messages for that cell's comment
    whole_rows = set()
    for problem in problems:
        sheet = sheets.get(_normal(problem["sheet"]))
        if sheet is None or not problem["row"]:
            continue
        column = column_index_from_string(problem["column"]) if problem["column"] else 1
        notes[(sheet.title, problem["row"], column)].append(problem["message"])
        if not problem["column"]:
            whole_rows.add((sheet.title, problem["row"]))
    for title, row in whole_rows:
        sheet = workbook[title]
        for column in range(1, min(max(sheet.max_column, 1), ROW_FILL_MAX_COLUMNS) + 1):
            _paint(sheet.cell(row, column))
    for (title, row, column), messages in notes.items():
        cell = workbook[title].cell(row, column)
        _paint(cell)
        if not isinstance(cell, MergedCell):
            text = "\n".join(dict.fromkeys(messages))
            cell.comment = Comment(text, AUTHOR, width=320, height=max(80, 20 * (1 + len(text) // 18)))


def _paint(cell):
    if not isinstance(cell, MergedCell):  # inside a merged range only the top-left cell is styled
        cell.fill = BAD_FILL
        cell.font = BAD_FONT


def _add_list(workbook, problems):
    sheet = workbook.create_sheet(LIST_SHEET, 0)
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for problem in problems:
        workbooks.append(sheet, [problem["sheet"] or "（文件）", problem["row"] or "", problem["column"],
                                 problem["header"], problem["value"], problem["message"]])
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    workbook.active = 0
    for other in workbook.worksheets[1:]:
        other.sheet_view.tabSelected = False
