"""What an office's own words mean, said once for an import: `--map "SHEET.COLUMN:VALUE=LABEL"`.

    mappings = parse_mappings(['单位.类型:市级=区域合作办'], files=['words.txt'])

A mapping names a sheet of the standard workbook (for a CSV, the sheet it is recognised as),
one of its choice or name columns, the word the file writes and the label it means. It
never guesses: the label must be one the column takes (a choice's label, or a name the
importer resolves), and a value that is no label, synonym or mapping is still an error.
A mapping the file does not use is reported, not an error. The importer checks sheet,
column and label (Importer.bind_mappings); this module only reads what was written.
"""

import unicodedata
from dataclasses import dataclass
from pathlib import Path


class MappingError(ValueError):
    """A mapping that cannot be read; the message says which and why, in Chinese."""


@dataclass(frozen=True)
class Mapping:
    sheet: str
    column: str
    value: str
    label: str

    def __str__(self):
        return f"{self.sheet}.{self.column}:{self.value}={self.label}"


def parse_mapping(text, where="--map"):
    # Full-width punctuation (：＝．) as a Chinese input method types it reads as half-width.
    body = unicodedata.normalize("NFKC", text).strip()
    sheet, dot, rest = body.partition(".")
    column, colon, rest = rest.partition(":")
    value, equals, label = rest.partition("=")
    parts = [part.strip() for part in (sheet, column, value, label)]
    if not (dot and colon and equals) or not all(parts):
        raise MappingError(f"{where}“{text}”的格式应为“工作表.列名:文件中的值=系统中的值”，"
                           "如“单位.类型:市级=区域合作办”")
    return Mapping(*parts)


def parse_mappings(texts=(), files=()):
    """Mappings given on the command line and in files (one a line; # starts a comment)."""
    mappings = [parse_mapping(text) for text in texts]
    for name in files:
        try:
            raw = Path(name).read_bytes()
        except OSError as error:
            raise MappingError(f"无法读取映射文件 {name}：{error.strerror}") from None
        for encoding in ("utf-8-sig", "gb18030"):  # GB18030: as Windows Notepad saves it in China
            try:
                lines = raw.decode(encoding).splitlines()
                break
            except UnicodeDecodeError:
                continue
        else:
            raise MappingError(f"映射文件 {name} 不是 UTF-8 或 GB18030 编码的文本")
        for number, line in enumerate(lines, start=1):
            line = line.split("#", 1)[0].strip()
            if line:
                mappings.append(parse_mapping(line, where=f"映射文件 {name} 第 {number} 行"))
    return mappings
