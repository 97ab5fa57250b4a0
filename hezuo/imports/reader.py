"""Reading what offices send: .xlsx (Excel, WPS), .xls, and .csv in UTF-8, UTF-8 with BOM or
GBK/GB18030. Yields sheets of raw rows; knows nothing of what the columns mean.

Refuses, with a Chinese message, what cannot be a workbook: empty files, files too large,
zip bombs, files of another kind. Rows are streamed, so a sheet padded with a million blank
rows costs time but not memory.
"""

import csv
import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import python_calamine
from charset_normalizer import from_bytes
from django.conf import settings

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why, in Chinese."""


@dataclass
class RawSheet:
    name: str
    rows: object  # iterator of (row number from 1, [cell, ...])
    kind: str  # xlsx, xls or csv


def max_bytes():
    return getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024)


def check_size(size, name):
    if size == 0:
        raise UnreadableFile(f"文件“{name}”是空的（0 字节）")
    if size > max_bytes():
        raise UnreadableFile(
            f"文件“{name}”太大（{size / 1024 / 1024:.1f} MB），单个文件不能超过 {max_bytes() // 1024 // 1024} MB，请拆分后分批导入"
        )


def check_zip(path, name):
    """An .xlsx is a zip: refuse archives that would expand far beyond their size (zip bombs)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    # A damaged archive fails in many ways inside zipfile, not only as BadZipFile.
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OverflowError, struct.error):
        raise UnreadableFile(f"文件“{name}”已损坏，不是有效的 .xlsx 工作簿")
    total = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    limit = getattr(settings, "IMPORT_MAX_EXPANDED_BYTES", 512 * 1024 * 1024)
    if total > limit or total / packed > 200:
        raise UnreadableFile(f"文件“{name}”解压后异常巨大（{total / 1024 / 1024:.0f} MB），疑似压缩炸弹，已拒绝")
    if not any(info.filename.startswith("xl/") for info in infos):
        raise UnreadableFile(f"文件“{name}”是压缩包但不是 Excel 工作簿")


def read_file(path, name=None):
    """The sheets of a workbook or CSV file at `path`. Raises UnreadableFile."""
    path = Path(path)
    name = name or path.name
    check_size(path.stat().st_size, name)
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(XLSX_MAGIC):
        check_zip(path, name)
        return read_calamine(path, name, "xlsx")
    if head == XLS_MAGIC:
        return read_calamine(path, name, "xls")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls") or Path(name).suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise UnreadableFile(f"文件“{name}”的扩展名是 Excel，但内容不是 Excel 工作簿（可能已损坏或被改了扩展名）")
    return [read_csv(path.read_bytes(), name)]


def read_calamine(path, name, kind):
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise UnreadableFile(f"工作簿“{name}”设置了打开密码，请取消密码后再导入")
    except Exception as error:  # calamine raises several unrelated types for broken files
        raise UnreadableFile(f"无法读取工作簿“{name}”：文件已损坏或不是 Excel 格式（{type(error).__name__}）")
    sheets = []
    for sheet_name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(sheet_name)
        except Exception:
            raise UnreadableFile(f"无法读取工作表“{sheet_name}”：内容已损坏")
        sheets.append(RawSheet(sheet_name.strip(), sheet_rows(sheet), kind))
    return sheets


def sheet_rows(sheet):
    """Rows numbered as Excel numbers them, padded so column letters come out right."""
    first_row, first_col = sheet.start or (0, 0)
    numbered = enumerate(sheet.iter_rows(), start=first_row + 1)
    if first_col:
        pad = [""] * first_col
        return ((number, pad + row) for number, row in numbered)
    return numbered  # as it is: a generator of our own would cost a frame per row


def decode_text(data, name):
    """UTF-8 (with or without BOM) first, then GB18030 strictly (a superset of GBK), then a guess."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data[:1_000_000]).best()
    if best is None or "\x00" in str(best)[:1000]:
        raise UnreadableFile(f"文件“{name}”不是 Excel 工作簿，也不是可识别编码的 CSV 文本文件")
    return data.decode(best.encoding, errors="strict")


def read_csv(data, name):
    if b"\x00" in data[:4096]:
        raise UnreadableFile(f"文件“{name}”不是 Excel 工作簿，也不是 CSV 文本文件")
    text = decode_text(data, name)
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > len(sample) / 100:
        raise UnreadableFile(f"文件“{name}”不是 Excel 工作簿，也不是 CSV 文本文件")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = ((number, row) for number, row in enumerate(reader, start=1))
    return RawSheet(Path(name).stem, rows, "csv")
