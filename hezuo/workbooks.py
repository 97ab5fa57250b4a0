"""Writing .xlsx workbooks: the one writer behind every Excel file Hezuo hands out — list
exports, the standard workbook and its blank template, the statistics page, the report's
statistical tables and the import error report.

    writer = WorkbookWriter()                       # write-only: rows are streamed
    ws = writer.new_sheet("项目", headers, widths)   # bold filled header, frozen below it
    writer.append(ws, [name, writer.styled(ws, 12.5, AMOUNT_FORMAT), ...])
    writer.save(out)

    append(sheet, values) / put(sheet, row, column, value)   # any openpyxl sheet

Text stays text. Left alone, openpyxl writes a string starting with "=" as a formula and
"#N/A" as an error value, and Excel or WPS evaluates a cell starting with "+", "-", "@"
(or their full-width forms, which a Chinese input method types), a tab or a CR once somebody
edits it. A name typed by one user would then run as a formula in another user's
spreadsheet (HYPERLINK to anywhere, DDE), and the importer, reading a formula's cached
value, which openpyxl never writes, would read nothing back. Such strings are written as
string cells with Excel's quote prefix (the ' shown in the formula bar), which keeps them
text even when edited; calamine and openpyxl read them back exactly as written.
"""

import tempfile
import unicodedata
from dataclasses import dataclass, field

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)

# What Excel, WPS and LibreOffice take as the start of a formula (OWASP's list for CSV
# injection) and the full-width forms that Excel with a CJK input method converts.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")


def needs_text(value):
    """Is `value` a string that a spreadsheet would not keep as the text it is?"""
    return type(value) is str and value != "" and (value[0] in FORMULA_STARTS or value in ERROR_CODES)


def keep_text(cell):
    """Make a cell holding such a string a string cell with the quote prefix; returns it."""
    if needs_text(cell.value):
        cell.data_type = "s"  # openpyxl made it "f" (formula) or "e" (error)
        cell.quotePrefix = True
    return cell


def cell(ws, value, *, number_format=None, font=None, fill=None, alignment=None, comment=None):
    """A styled cell for `ws` (write-only or not), text kept as text."""
    c = keep_text(WriteOnlyCell(ws, value))
    if number_format:
        c.number_format = number_format
    if font:
        c.font = font
    if fill:
        c.fill = fill
    if alignment:
        c.alignment = alignment
    if comment:
        c.comment = comment
    return c


def row(ws, values):
    """`values` ready for `ws.append`: strings a spreadsheet would evaluate become text cells."""
    return [keep_text(WriteOnlyCell(ws, v)) if needs_text(v) else v for v in values]


def append(ws, values):
    ws.append(row(ws, values))


def put(ws, row_number, column, value):
    """ws.cell(row, column, value) of a normal (not write-only) sheet, text kept as text."""
    return keep_text(ws.cell(row_number, column, value))


def display_width(text):
    """Excel column width that shows `text`: CJK characters take two character widths."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text)) + 2


@dataclass
class WriteResult:
    sheets: list = field(default_factory=list)  # [(sheet name, data rows)]

    @property
    def rows(self):
        return sum(count for _name, count in self.sheets)


class WorkbookWriter:
    """A write-only workbook whose sheets look alike: header style, frozen header, widths."""

    def __init__(self, progress=None, every=2000):
        self.workbook = Workbook(write_only=True)
        self.result = WriteResult()
        self.progress = progress  # progress(rows written), every `every` rows (background exports)
        self.every = every
        self.written = 0

    def tick(self):
        """One more data row written."""
        self.written += 1
        if self.progress is not None and self.written % self.every == 0:
            self.progress(self.written)

    def new_sheet(self, title, headers, widths, comments=None):
        """A sheet with a bold, filled header row, frozen below it, columns as wide as asked."""
        ws = self.workbook.create_sheet(title)
        for index, (header, width) in enumerate(zip(headers, widths), start=1):
            ws.column_dimensions[get_column_letter(index)].width = max(width, display_width(header))
        ws.freeze_panes = "A2"
        notes = [Comment(text, "Hezuo", width=260, height=140) if text else None for text in comments or ()]
        ws.append([cell(ws, header, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT,
                        comment=notes[index] if notes else None)
                   for index, header in enumerate(headers)])
        return ws

    def append(self, ws, values):
        append(ws, values)

    def styled(self, ws, value, number_format):
        return cell(ws, value, number_format=number_format)

    def save(self, out):
        if not self.workbook.worksheets:
            self.workbook.create_sheet("Sheet")
        self.workbook.save(out)


def download(filename, write, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
    """A file response for a workbook (or, with its `content_type`, another file) that
    `write(handle)` produces (spooled to disk: exports can be big)."""
    handle = tempfile.TemporaryFile()
    write(handle)
    handle.seek(0)
    # FileResponse writes a non-ASCII name as RFC 5987 filename*=utf-8''….
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
