"""Turning one cell of the standard workbook into one field value.

Each converter takes the raw cell (str, int, float, bool, date or datetime, as calamine or
csv give it) and returns the value, or raises CellError with a Chinese message saying what
is wrong. References to units, regions, programs and projects are resolved by the importer,
which knows what the workbook itself defines.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

from hezuo import numbers
from hezuo.jobs import credit
from hezuo.rules import year_problem
from hezuo.text import TextError, clean as clean_text, strip_invisible
from hezuo.vocabulary import words as vocabulary

EXCEL_EPOCH = datetime.date(1899, 12, 30)
SPACES = re.compile(r"[\s\u3000]+")
TOTAL_LABELS = ("合计", "总计", "小计", "共计")


class CellError(Exception):
    pass


class UnknownChoice(CellError):
    """A word a choice column does not know; `word` (vocabulary.UnknownWord) carries the
    suggestions and the column's labels, so the import page can offer to map it."""

    def __init__(self, word):
        self.word = word
        super().__init__(str(word))


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def normalize_header(text):
    """(name, unit) of a header cell: full-width folded, spaces removed, unit out of parentheses.

    '金额（万元）' → ('金额', '万元'); ' 项目 编号 ' → ('项目编号', '').
    """
    text = SPACES.sub("", unicodedata.normalize("NFKC", strip_invisible(str(text or ""))))
    match = re.fullmatch(r"(.*?)\((.*?)\)", text)
    if match:
        return match.group(1), match.group(2)
    return text, ""


def text(value, field=None):
    limit = getattr(field, "max_length", None)
    if type(value) is str and value and (not limit or len(value) <= limit) and value.isprintable() and \
            value == value.strip() and "  " not in value and "\u3000" not in value:
        return value  # the common case, already clean
    if is_blank(value):
        raise CellError("不能为空")  # the importer deals with blanks before converting
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number: 2024001.0 → "2024001"
    if isinstance(value, (datetime.date, datetime.datetime)):
        value = value.strftime("%Y-%m-%d")
    try:
        value = SPACES.sub(" ", clean_text(str(value))).strip()
    except TextError as error:
        raise CellError(str(error))
    if not value:
        raise CellError("只有看不见的字符，没有内容")
    if limit and len(value) > limit:
        raise CellError(f"内容过长（{len(value)} 字），最多 {limit} 字")
    return value


def _number(value):
    """A definite number from a cell; qualifiers (超、近、余、多) are refused here."""
    if isinstance(value, bool):
        raise CellError("应为数字，不是逻辑值")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        parsed = numbers.parse_number(str(value))
    except numbers.ChineseNumberError as error:
        raise CellError(str(error))
    if parsed.qualifier:
        raise CellError(f"“{value}”带有“{parsed.qualifier}”，不是确定的数值，请填写准确数字")
    if parsed.unit not in ("", "个", "人", "人次", "批", "家", "次"):
        raise CellError(f"“{value}”带有单位“{parsed.unit}”，此列只填数字")
    return parsed.value


def integer(value, field=None):
    number = _number(value)
    if number != number.to_integral_value():
        raise CellError(f"应为整数，不能是 {value}")
    if number < 0:
        raise CellError("不能为负数")
    if number > 2_000_000_000:
        raise CellError("数值过大")
    return int(number)


def year(value, field=None):
    if isinstance(value, str):
        value = value.strip().removesuffix("年")
    number = integer(value)
    if problem := year_problem(number):  # the rule forms and the API apply too
        raise CellError(problem)
    return number


def date(value, field=None):
    if type(value) is datetime.date:
        return value
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(f"“{value}”不是有效的日期")
    cleaned = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"\d{1,7}(\.\d+)?", cleaned):
        return date(float(cleaned))  # an Excel serial number written as text
    try:
        return numbers.parse_date(cleaned)
    except numbers.ChineseNumberError as error:
        raise CellError(str(error))


# A month as clerks write it: 2024-03, 2024/3, 2024.3, 2024年3月, 202403, or a whole date of
# the month (2024-03-31: its report's month). Full-width forms are folded first (NFKC).
def month(value, field=None):
    """The first day of the month a cell names. A real Excel date (or a date written out)
    is its month. A number 2024.3 is March; 2024.1 is refused, for Excel shows 2024.10 so."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    if isinstance(value, bool):
        raise CellError("应为月份，如 2024-03")
    if isinstance(value, float) and not value.is_integer():
        whole, _dot, part = repr(value).partition(".")
        if part == "1":
            raise CellError(f"“{value}”可能是 {whole} 年 1 月，也可能是 10 月（Excel 把 {whole}.10 存为 {value}），"
                            f"请写成 {whole}-01 或 {whole}-10")
        value = f"{whole}.{part}"
    elif isinstance(value, (int, float)):
        value = str(int(value))
    cleaned = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        year, number = numbers.parse_month(cleaned)
    except numbers.ChineseNumberError as error:
        if error.code == "bad_month":
            raise CellError(str(error)) from None
        try:
            return date(value).replace(day=1)  # a whole date (2024年3月31日), or an Excel serial number
        except CellError:
            raise CellError(str(error)) from None
    if problem := year_problem(year):
        raise CellError(problem)
    return datetime.date(year, number, 1)


def number(value, field=None):
    """A definite, non-negative number with as many decimals as written: a value whose unit
    another cell of the row gives (a target's 目标值 in 万元 or 人次)."""
    result = _number(value)
    if result < 0:
        raise CellError("不能为负数")
    if abs(result) >= MAX_AMOUNT:
        raise CellError("数值过大")
    return result


FEN = Decimal("0.01")
# Rounds half up to the fen; a context's quantize is a third cheaper than passing the rounding.
TO_FEN = Context(rounding=ROUND_HALF_UP).quantize
MAX_AMOUNT = Decimal("1e16")


class MissingUnit(CellError):
    """A bare number in an amount column whose header names no unit: never guessed."""


def amount(value, unit):
    """Exact 元 from a cell in the column's unit; text with its own magnitude ('1.1亿') counts as written.
    `unit` None: the header has none, so the cell must carry its own (MissingUnit otherwise)."""
    if type(value) is float and value == value and abs(value) < 1e15 and unit is not None:
        # The common case, a number typed in the header's unit: skip the text parser.
        result = TO_FEN(Decimal(repr(value)) * numbers.UNITS[unit], FEN)
    else:
        try:
            parsed = numbers.read_amount(value, unit)
        except numbers.ChineseNumberError as error:
            raise (MissingUnit if error.code == "no_unit" else CellError)(str(error))
        if parsed.qualifier:
            raise CellError(f"“{value}”带有“{parsed.qualifier}”，不是确定的金额，请填写准确数字")
        result = parsed.value
    if result < 0:
        raise CellError("金额不能为负数")
    if result >= MAX_AMOUNT:
        raise CellError("金额过大，请检查单位")
    return result


def amount_converter(unit):
    """amount() for one column, with the common case — a number typed in the header's
    unit — done inline: it is the hottest cell of a large fund sheet."""
    if unit is None:
        return lambda value: amount(value, None)
    factor = numbers.UNITS[unit]
    limit = float(MAX_AMOUNT / factor) / 10

    def convert(value):
        if type(value) is float and 0 <= value < limit:  # NaN fails the comparison
            return TO_FEN(Decimal(repr(value)) * factor, FEN)
        return amount(value, unit)

    return convert


def choice_converter(field, mapped=None, aliases=None):
    """A converter taking a choice's label, its stored value, a built-in synonym
    (hezuo/vocabulary/synonyms.py), an alias the office saved (`aliases`: {word: stored}) or a
    word this import maps (`mapped`: {word: label}) to the stored value. The words as written
    are one dict look-up; anything else goes once per distinct cell to the vocabulary, which
    also folds widths and spaces and refuses with the closest values."""
    words = vocabulary.Words(vocabulary.field_key(field.model, field.name), vocabulary.choice_labels(field),
                             aliases=aliases, mapping=mapped)
    accepted = {}
    for label, stored in words.labels.items():
        accepted[label] = accepted[str(stored)] = stored
    for label, synonyms in vocabulary.synonyms_of(field).items():
        for word in synonyms:
            accepted.setdefault(word, words.labels[label])
    for word, stored in (aliases or {}).items():
        accepted.setdefault(word, stored)
    for word, label in (mapped or {}).items():
        accepted[word] = words.labels[label]  # checked by the importer: a mapping names a label
    answers = {}

    def choice(value):
        try:
            return accepted[value.strip() if type(value) is str else value]
        except (KeyError, TypeError):
            pass
        if value not in answers:
            wanted = text(value)  # without invisible characters, or refused for a control character
            try:
                answers[value] = words.resolve(wanted)
            except vocabulary.UnknownWord as error:
                answers[value] = UnknownChoice(error)
        answer = answers[value]
        if isinstance(answer, CellError):
            raise answer
        return answer

    return choice


KEY_LEVELS = {"省重点": "province", "省级重点": "province", "市重点": "city", "市级重点": "city"}


def key_flag(value, field=None):
    """是否重点项目: 是 or 否. A level written here instead (省重点, as the template had it
    before 重点级别 was a column of its own) says both whether and which."""
    wanted = text(value)
    if wanted in BOOLEANS:
        return BOOLEANS[wanted]
    if wanted == "非重点":
        return False
    if wanted in KEY_LEVELS:
        return KEY_LEVELS[wanted]
    raise CellError(f"“{wanted}”应为“是”或“否”（重点级别另填在“重点级别”列：省重点或市重点）")


TOTAL_INITIALS = {label[0] for label in TOTAL_LABELS} | {"", " ", "\u3000"}


def credit_code(value, field=None):
    """A 统一社会信用代码, upper-cased and checked with its check character (GB 32100-2015)."""
    code = credit.normalize(unicodedata.normalize("NFKC", str(value)))
    problem = credit.problem(code)
    if problem:
        raise CellError(problem)
    return code


def is_blank_row(row):
    return all(is_blank(c) for c in row)


def is_total_row(cells):
    first = next((str(c).strip() for c in cells if not is_blank(c)), "")
    return first.replace(" ", "").startswith(TOTAL_LABELS)


def boolean(value, field=None):
    wanted = text(value)
    if wanted not in BOOLEANS:
        raise CellError(f"“{wanted}”应为“是”或“否”")
    return BOOLEANS[wanted]


BOOLEANS = {"是": True, "否": False, "Y": True, "N": False, "y": True, "n": False, "TRUE": True, "FALSE": False,
            "True": True, "False": False, "1": True, "0": False}


def decimal(value, field=None):
    """A quantity or area: a definite number, at most the field's decimal places."""
    number = _number(value)
    if number < 0:
        raise CellError("不能为负数")
    places = getattr(field, "decimal_places", 2)
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise CellError(f"最多 {places} 位小数")
    if abs(number) >= Decimal(10) ** ((getattr(field, "max_digits", 18)) - places):
        raise CellError("数值过大")
    return number


@dataclass(frozen=True)
class Kind:
    """One kind of column: how its cells are read, and what the template says about them.

    `reader(model_field, unit)` makes, once per column, the function applied to each cell.
    A reference kind (`target` set) reads the cell as text; the importer then resolves each
    distinct text of the column once against what exists and what the workbook creates
    (hezuo/imports/services/lookups.py).
    """

    reader: object
    format: str
    target: str = ""


def _plain(convert):
    return lambda model_field, unit: (lambda value: convert(value, model_field))


def _text_reader(model_field, unit):
    return lambda value: text(value, model_field)


def _reference(target, format):
    return Kind(lambda model_field, unit: text, format, target=target)


KINDS = {
    "text": Kind(_text_reader, "文字"),
    "int": Kind(_plain(integer), "整数"),
    "decimal": Kind(_plain(decimal), "数字"),
    "bool": Kind(_plain(boolean), "是 或 否"),
    "year": Kind(_plain(year), "四位年份，如 2024"),
    "date": Kind(_plain(date), "日期，如 2024-05-06"),
    "month": Kind(_plain(month), "月份，如 2024-03；也可写 2024年3月、2024.3 或该月的日期"),
    "number": Kind(_plain(number), "数字，按本行“计量单位”"),
    "amount": Kind(lambda model_field, unit: amount_converter(unit),
                   "数字，按表头中的单位；也可写“1.1亿”“2,838万元”，按所写单位计"),
    "choice": Kind(lambda model_field, unit, mapped=None, aliases=None: choice_converter(model_field, mapped, aliases),
                   ""),
    "key_flag": Kind(_plain(key_flag), "是 或 否；填“是”时须在“重点级别”列填写省重点或市重点"),
    "unit": _reference("unit", "单位名称，须与系统中的单位完全一致，或在本文件“单位”表中新增"),
    "program": _reference("program", ""),
    "region": _reference("region", "地区名称；重名的地区写“区划代码 名称”，如“652929 柯坪县”"),
    "project": _reference("project", "项目编号，须是系统中已有的项目，或在本文件“项目”表中新增"),
    "indicator": _reference("indicator", "内置指标的名称（见下表说明），或系统中已有的自定义指标名称"),
    "park": _reference("park", "园区名称，须与系统中的园区完全一致，或在本文件“园区·飞地”表中新增"),
    "credit_code": Kind(_plain(credit_code), "18位统一社会信用代码，含校验位"),
    # A monthly pay in 元 (header 薪资下限（元/月）): read as an amount in 元.
    "monthly_pay": Kind(lambda model_field, unit: amount_converter("元"), "每月元数，如 5000；面议留空"),
    "recruitmentevent": _reference("recruitmentevent", "招聘活动名称，须与系统中的招聘活动完全一致"),
}


# Kinds whose cells repeat down a sheet (the same few dates, units, projects): their
# conversion is remembered per distinct cell. Amounts, numbers and free text rarely repeat.
REPEATING = {"date", "month", "year", "bool", "key_flag", "unit", "program", "region", "project", "park", "indicator",
             "credit_code", "recruitmentevent"}
REMEMBERED_TYPES = {str, datetime.date, datetime.datetime}  # True == 1 == 1.0: numbers are not keys


def quick(convert, kind, required, blank):
    """The converter of a column for the fast read of a whole row (the importer's hot loop):
    an optional column's empty cell is its `blank` value (a required one's raises, as
    convert does), and a repeating kind's conversions are remembered. What raises is never
    remembered: the row is then read cell by cell, which reports it."""
    if kind in REPEATING:
        known = {}

        def remembered(value):
            if type(value) not in REMEMBERED_TYPES:
                return convert(value)
            try:
                return known[value]
            except KeyError:
                result = known[value] = convert(value)
                return result

        read = remembered
    else:
        read = convert
    if required:
        return read

    def optional(value):
        if value is None or value == "":
            return blank
        return read(value)

    return optional


def converter(kind, model_field=None, unit="", mapped=None, aliases=None):
    """The function turning a cell of a column of `kind` into a value (raises CellError).
    For a choice column, `mapped`: words this import maps to labels; `aliases`: the office's
    saved words for its values ({word: stored})."""
    if kind == "choice":
        return KINDS[kind].reader(model_field, unit, mapped, aliases)
    return KINDS[kind].reader(model_field, unit)
