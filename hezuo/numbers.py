"""The Chinese number module: how Hezuo reads and writes amounts and counts for people.

Amounts are stored exactly in 元 (Decimal). People read them in 万元 or 亿元, with the
exact value at hand (pages put it in a tooltip). Every page, export, report and import
formats or reads numbers through here; no ad-hoc string code elsewhere.

Reading (`parse_number`, `read_amount`, `parse_amount`) takes what people write in official
documents and spreadsheets — 1.1亿, 2,838万元, ３０００, 超1.5万公斤, 3000多万元, 一百二十,
壹仟贰佰, 43.1个百分点, 百分之十五 — and gives an exact Decimal. It refuses, with a Chinese
message saying why, anything that is not one definite number: 一百二十几, 若干, 数十, 三五个,
3-5, 1.2.3, 1e3, 3万5.

Writing has two registers: precise (`format_amount`: 2838万元, 1.74亿元) and headline
(`format_headline`: 超1.1亿元, 2.4亿余元, 近3000万元, 3000多个), plus rates
(`format_percent`, `format_points`, `format_change`).

Precision: a written number is as precise as its last significant digit. Decimals written
count (1.10亿 → step 100万); trailing zeros of a whole number do not, as Chinese numerals
never write them (3000 is read like 三千: step 1000, so 3000多 means 3000–4000, as people
read it).
"""

import datetime
import math
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext

WAN = Decimal("10000")
YI = Decimal("100000000")
UNITS = {"元": Decimal(1), "万元": WAN, "亿元": YI}

# ---------------------------------------------------------------------------------------
# Character tables
# ---------------------------------------------------------------------------------------

# Full-width ASCII (０-９, ，．％＋－ …) to half-width; other look-alikes people paste.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH.update({ord("\u3000"): " ", ord("−"): "-", ord("﹣"): "-", ord("﹪"): "%", ord("￥"): "¥",
               ord("\u200b"): None, ord("\ufeff"): None})

# Chinese numerals as the parser reads them.
CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}  # places inside a group of four digits
BIG_UNITS = {"万": 10**4, "亿": 10**8}  # each starts a new group of four; 万亿 is 10^12
PLACES = {**SMALL_UNITS, **BIG_UNITS}
# Financial (大写), traditional and look-alike forms, read as the characters above.
CN_VARIANTS = {"〇": "零", "○": "零", "壹": "一", "贰": "二", "貳": "二", "兩": "两", "叁": "三", "參": "三",
               "肆": "四", "伍": "五", "陆": "六", "陸": "六", "柒": "七", "捌": "八", "玖": "九",
               "拾": "十", "佰": "百", "仟": "千", "萬": "万", "億": "亿"}
_CANONICAL = str.maketrans(CN_VARIANTS)

# What may make up the number itself (before qualifiers and the unit).
_BODY_CHARS = set("0123456789,.点") | set(CN_DIGITS) | set(PLACES) | set(CN_VARIANTS)
# Units that begin with a numeral character; the number stops where they start.
NUMERAL_UNIT_WORDS = ("百分点", "千克", "千米", "千瓦")
# Symbols allowed in a unit besides letters (公斤, kg, 人次 …).
_UNIT_SYMBOLS = set("%‰/²³·℃°")

# Qualifiers, each written as its canonical form. ABOVE: the true value is greater than the
# number written; BELOW: smaller; ABOUT: either side.
QUALIFIER_PREFIXES = {"超过": "超", "超": "超", "逾": "逾", "将近": "近", "接近": "近", "近": "近",
                      "大约": "约", "约": "约"}
QUALIFIER_SUFFIXES = {"余": "余", "多": "多"}
QUALIFIER_TRAILERS = {"左右": "约"}  # after the unit: 3000万元左右
ABOVE, BELOW, ABOUT = "above", "below", "about"
QUALIFIERS = {"": None, "超": ABOVE, "逾": ABOVE, "余": ABOVE, "多": ABOVE, "近": BELOW, "约": ABOUT}

SIGNS = {"-": -1, "负": -1, "+": 1}
CURRENCY_PREFIXES = {"¥": "元", "人民币": "元"}
WHOLE_SUFFIX = "整"
PERCENT_PREFIX = "百分之"

# Words that make a number indefinite. Besides these: 数十/数百…, 十来个, and two digits
# side by side (三五个, 二三十).
VAGUE_WORDS = ("几", "若干", "许多", "上百", "上千", "上万", "成百", "成千", "亿万", "以上", "以下", "以内",
               "不足", "不到", "不等", "上下")
_NUMERALS = "".join(sorted(_BODY_CHARS - set(",.点")))
_PLACE_CHARS = "".join(ch for ch in _NUMERALS if ch.translate(_CANONICAL) in PLACES)
_VAGUE = re.compile("|".join([*VAGUE_WORDS, f"数(?=[{_PLACE_CHARS}])", f"(?<=[{_PLACE_CHARS}])来"]))
_RANGE = re.compile(f"[{_NUMERALS}][-~至到—–][{_NUMERALS}]")  # 3-5, 3至5万
_SCIENTIFIC = re.compile(r"[0-9.][eE][+-]?[0-9]")

_ARABIC = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
_MULTIPLIER_RUN = "(?P<run>[十百千]?万?亿?)"
# 2,838万 / 1.1亿 / 3千万 / 152
_ARABIC_FORM = re.compile(rf"(?P<int>{_ARABIC})(?:\.(?P<frac>[0-9]+))?{_MULTIPLIER_RUN}")
# 三点五亿 / 一百二十点五
_CHINESE_DECIMAL_FORM = re.compile(f"(?P<int>[零一二两三四五六七八九十百千]+)点(?P<frac>[零一二三四五六七八九]+){_MULTIPLIER_RUN}")

MAX_DIGITS = 30  # Arabic digits in one number; longer text is a pasting accident
MAX_BODY = 40  # characters in one number
MAX_VALUE = Decimal(10) ** 24
_CONTEXT_PREC = 80  # exact arithmetic for anything under the limits above

MESSAGES = {
    "empty": "没有填写数值",
    "vague": "“{text}”不是确定的数值",
    "range": "“{text}”是一个范围，不是确定的数值",
    "scientific": "“{text}”是科学记数法，请写出完整的数字",
    "not_number": "“{text}”不是数值",
    "no_digits": "“{text}”缺少数字",
    "points": "“{text}”的小数点不止一个",
    "comma": "“{text}”的千分位逗号位置不对",
    "order": "“{text}”的数位顺序不对",
    "ambiguous": "“{text}”有歧义：末尾的数字省略了数位，请把数字写完整",
    "malformed": "“{text}”的数字写法有误",
    "unit": "“{text}”的单位“{unit}”写法有误",
    "qualifiers": "“{text}”有不止一个限定词",
    "qualifier_place": "“{text}”中“{word}”的位置不对",
    "too_long": "“{text}”的数字位数过多",
    "too_large": "“{text}”的数值过大",
    "not_amount": "“{text}”的单位是“{unit}”，不是金额",
    "no_unit": "“{text}”没有写单位（元、万元或亿元）",
    "not_date": "“{text}”不是日期，请写成 2024-05-06 的格式",
    "bad_date": "“{text}”不是有效的日期",
    "not_month": "“{text}”不是月份，应写成 2024-03、2024年3月 或 2024.3",
    "bad_month": "“{text}”的月份应为 1 到 12",
}


class ChineseNumberError(ValueError):
    """Text that is not one definite number. `code` names the reason; the message is for users."""

    def __init__(self, text, code, **details):
        self.text, self.code = text, code
        shown = text if len(text) <= 20 else text[:20] + "…"
        super().__init__(MESSAGES[code].format(text=shown, **details))


class _Refused(Exception):
    """Raised deep in the parser; parse_number turns it into ChineseNumberError with the text."""

    def __init__(self, code, **details):
        self.code, self.details = code, details


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from text.

    `value`: exact, in base units (元, 公斤, 个 …; % and 个百分点 stay as written: 152% → 152).
    `unit`: the text after the magnitude: "元", "公斤", "个", "%", "个百分点", or "".
    `qualifier`: "" for a definite value, else one of 超 逾 余 多 (true value greater),
    近 (smaller), 约 (either side).
    `precision`: the step of the last significant digit in base units: 1.1亿 → 10000000.
    """

    value: Decimal
    unit: str = ""
    qualifier: str = ""
    precision: Decimal = Decimal(1)


# ---------------------------------------------------------------------------------------
# Formatting (precise)
# ---------------------------------------------------------------------------------------


def to_decimal(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _trim(number, places):
    """Round to `places` decimals and drop trailing zeros: 1.7400 → '1.74', 2838.00 → '2838'."""
    quantum = Decimal(1).scaleb(-places)
    text = format(number.quantize(quantum, rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def amount_unit(value):
    """The unit official writing would choose for this amount: 元, 万元 or 亿元."""
    value = abs(to_decimal(value))
    if value >= YI:
        return "亿元"
    if value >= WAN:
        return "万元"
    return "元"


def format_amount(value, unit=None, places=2):
    """An amount in 元 written for people: 28380000 → '2838万元', 174000000 → '1.74亿元'.

    `unit` forces 元/万元/亿元; by default the largest unit the amount reaches is used.
    At most `places` decimals are kept, trailing zeros dropped.
    """
    if value is None:
        return "—"
    value = to_decimal(value)
    unit = unit or amount_unit(value)
    return f"{_trim(value / UNITS[unit], places)}{unit}"


def format_exact(value):
    """The exact amount in 元 with thousands separators: '110,860,000.00元'."""
    if value is None:
        return "—"
    return f"{to_decimal(value):,.2f}元"


def in_unit(value, unit):
    """The amount expressed in 元/万元/亿元 as an exact Decimal (for forms and tables)."""
    if value is None:
        return None
    return to_decimal(value) / UNITS[unit]


def from_unit(number, unit):
    """A number entered in 元/万元/亿元, as exact 元 (rounded to the fen)."""
    return (to_decimal(number) * UNITS[unit]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_count(value, unit=""):
    """A count with its unit: 97 → '97人次'; large counts keep separators: '12,345个'."""
    if value is None:
        return "—"
    value = to_decimal(value)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,}"
    return f"{text}{unit}"


def format_quantity(value, unit):
    """A quantity that keeps its own unit: Decimal('345.0000'), '万株' → '345万株'."""
    if value is None:
        return "—"
    return f"{_trim(to_decimal(value), 4)}{unit}"


def format_percent(value, places=1):
    """A rate in percent: Decimal('152.0') → '152%', 108.94 → '108.9%'."""
    if value is None:
        return "—"
    return f"{_trim(to_decimal(value), places)}%"


def format_points(value, places=1):
    """A difference of two rates: 43.1 → '43.1个百分点'."""
    if value is None:
        return "—"
    return f"{_trim(to_decimal(value), places)}个百分点"


# The period each comparison is made against.
CHANGE_BASES = {"同比": "上年", "环比": "上月"}


def format_change(current, previous, basis="同比"):
    """The change from `previous` to `current`: '同比增长12.3%', '同比下降5%', '与上年持平'.

    One decimal, trailing .0 dropped; a change that rounds to 0.0% is 持平. The rate is taken
    over |previous|, so a smaller loss reads as growth. With nothing the year before there is
    no rate: '上年为零'. `basis` is 同比 (against last year) or 环比 (against last month).
    """
    if current is None or previous is None:
        return "—"
    period = CHANGE_BASES[basis]
    current, previous = to_decimal(current), to_decimal(previous)
    if previous == 0:
        return f"与{period}持平" if current == 0 else f"{period}为零"
    rate = ((current - previous) / abs(previous) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rate == 0:
        return f"与{period}持平"
    direction = "增长" if rate > 0 else "下降"
    return f"{basis}{direction}{_trim(abs(rate), 1)}%"


# ---------------------------------------------------------------------------------------
# Formatting (headline)
# ---------------------------------------------------------------------------------------

# Magnitudes a headline may use, largest first.
HEADLINE_MAGNITUDES = (("万亿", Decimal(10) ** 12), ("亿", YI), ("万", WAN))
# How each headline qualifier rounds the magnitude of the value.
HEADLINE_ROUNDING = {"auto": ROUND_HALF_UP, "约": ROUND_HALF_UP, "超": ROUND_DOWN, "逾": ROUND_DOWN,
                     "余": ROUND_DOWN, "多": ROUND_DOWN, "近": ROUND_UP}
FEN = Decimal("0.01")


def format_headline(value, unit="元", qualifier="auto", digits=2):
    """A value rounded for a headline, with the qualifier that keeps it true.

    110860000 → '超1.1亿元'; 241300000, '元', '余' → '2.4亿余元'; 29700000 → '近3000万元';
    3012, '个', '多' → '3000多个'; 15012, '公斤' → '超1.5万公斤'; 30000000 → '3000万元'.

    `value` is in base units and `unit` names that unit (元 for money, 个, 公斤 …, or "").
    The number keeps `digits` significant digits (never finer than the fen for 元), then is
    written in 万亿/亿/万 when it reaches them. Qualifiers:

    - 超/逾/余/多: rounded down; the true value is strictly greater.
    - 近: rounded up; the true value is strictly smaller.
    - 约: rounded to nearest; either side.
    - auto (default): rounded to nearest, then 超 or 近 as it fell.

    A value that is exact at that precision gets no qualifier. 余/多 follow a round number
    (3000多个, 3000余万元) or the magnitude (2.4亿余元); where neither reads right (25多个),
    超 is written instead. Qualifiers speak of the magnitude: a negative value reads 超-1.1亿元.
    """
    if value is None:
        return "—"
    if qualifier not in HEADLINE_ROUNDING:
        raise ValueError(f"unknown headline qualifier {qualifier!r}")
    if digits < 1:
        raise ValueError("a headline keeps at least one digit")
    if unit[:1] in BIG_UNITS:
        raise ValueError(f"unit is the base unit (元, 个 …), not {unit!r}")
    value = to_decimal(value)
    with localcontext() as context:
        context.prec = _CONTEXT_PREC
        size = abs(value)
        step = _headline_step(size, digits, unit)
        shown = (size / step).to_integral_value(rounding=HEADLINE_ROUNDING[qualifier]) * step
        if shown == size:
            qualifier = ""
        elif qualifier == "auto":
            qualifier = "超" if shown < size else "近"
        name, magnitude = next(((name, m) for name, m in HEADLINE_MAGNITUDES if shown >= m), ("", 1))
        number = f"{'-' if value < 0 else ''}{_plain(shown / magnitude)}"
    if qualifier in QUALIFIER_SUFFIXES:
        if shown % (10 * magnitude) == 0 and shown:  # a round number: 3000多个, 3000余万元
            return f"{number}{qualifier}{name}{unit}"
        if name:
            return f"{number}{name}{qualifier}{unit}"
        qualifier = "超"
    return f"{qualifier}{number}{name}{unit}"


def _headline_step(size, digits, unit):
    if size == 0:
        return Decimal(1)
    step = Decimal(1).scaleb(size.adjusted() - digits + 1)
    return max(step, FEN) if unit == "元" else step


def _plain(number):
    """A Decimal without exponent or trailing zeros: 3E+3 → '3000', 1.10 → '1.1'."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------


def parse_number(text):
    """Read one definite number from text as written in documents and spreadsheets.

    Accepted: Arabic digits with thousands commas (2,838) and a decimal point; full-width
    forms (３０００, ，．％); spaces anywhere (a space between digits counts as a thousands
    separator); Chinese numerals (一百二十, 两万三, 一亿零五百万, 二〇二四, 壹仟贰佰, 三点五);
    colloquial abbreviation of the next place (一百五 = 150, 一万五 = 15000); Arabic with
    place words (1.1亿, 3千万, 1亿2000万, 6.8万亿); a sign (-, +, 负); 百分之 (→ unit %);
    ¥ / 人民币 (→ unit 元). Before the number a qualifier 超/超过/逾/近/将近/接近/约/大约;
    after it 余/多 (2.4亿余, 3000多万元, 70多个) or 左右 after the unit (= 约); one at most.

    Refused with ChineseNumberError: blank text; indefinite numbers (一百二十几, 若干, 数十,
    十来个, 三五个, 二三十, 以上 …); ranges (3-5, 3至5万); scientific notation (1e3: Excel
    shows it for long numbers and drops digits, so it is never taken as exact); misplaced
    commas (3,5 — Chinese also uses ， between numbers); more than one decimal point; places
    out of order (一百一千); an Arabic remainder that could be an abbreviation (3万5, 1亿2000);
    a unit holding numerals (5个亿); values of 10^24 or more.
    """
    return _read(text)[0]


def read_amount(cell, unit="元"):
    """An amount from an import cell, as exact 元 rounded to the fen, with how it was written.

    `unit` is the header's unit (元/万元/亿元). A plain number — int, float, Decimal, or text
    such as "2838.5" — is in that unit. Text that carries its own magnitude or 元
    ("1.1亿", "2,838万元", "15000元") is taken as written; the header unit is not applied again.
    Floats are read through repr (0.1 → 0.1, not the binary expansion).

    The result's `qualifier` is kept (超1.1亿 imports as 1.1亿 with qualifier 超) so the
    importer can report it; `precision` is in 元, at least the fen.

    `unit=None`: the header has no unit, so the cell must carry its own (350万元, 1.2亿,
    15000元); a bare number is refused ("no_unit") rather than guessed.
    """
    if unit is not None and unit not in UNITS:
        raise ValueError(f"amount unit must be one of {', '.join(UNITS)}, not {unit!r}")
    shown = str(cell)
    with localcontext() as context:
        context.prec = _CONTEXT_PREC
        if isinstance(cell, str):
            parsed, own_scale = _read(cell)
            if parsed.unit not in ("", "元"):
                raise ChineseNumberError(cell.strip(), "not_amount", unit=parsed.unit)
            number, qualifier, precision = parsed.value, parsed.qualifier, parsed.precision
        elif isinstance(cell, (int, float, Decimal)) and not isinstance(cell, bool):
            number = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
            if not number.is_finite():
                raise ChineseNumberError(shown, "not_number")
            own_scale, qualifier, precision = False, "", _last_digit_step(number)
        else:
            raise ChineseNumberError(shown, "not_number")
        if not own_scale:
            if unit is None:
                raise ChineseNumberError(shown.strip(), "no_unit")
            number, precision = number * UNITS[unit], precision * UNITS[unit]
        if abs(number) >= MAX_VALUE:
            raise ChineseNumberError(shown, "too_large")
        value = number.quantize(FEN, rounding=ROUND_HALF_UP)
        return ParsedNumber(value + 0, "元", qualifier, _tidy(max(precision, FEN)))


def parse_amount(cell, unit="元"):
    """An amount from an import cell as exact 元 at the fen; see `read_amount` for the rules.

    The qualifier (超, 近 …) is accepted and dropped; call `read_amount` to report it.
    """
    return read_amount(cell, unit).value


# Dates as clerks type them: 2024-05-06, 2024/5/6, 2024.03.05. (a closing dot), 2024—3—5
# (a dash from the Chinese input method), 2024年5月6日, 2024年5月6号, 20240506, with a time
# after the date (2024-05-06 00:00:00) when a spreadsheet wrote one.
_DATE_SEPARATORS = "-/.—–―‐－、"
_DATE_FORMS = (
    re.compile(rf"(\d{{4}})\s*[{_DATE_SEPARATORS}]\s*(\d{{1,2}})\s*[{_DATE_SEPARATORS}]\s*(\d{{1,2}})"
               rf"\s*[{_DATE_SEPARATORS}]?(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?)?"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def parse_date(text):
    """The date `text` writes, as datetime.date; ChineseNumberError saying why otherwise.

    Full-width digits and punctuation are folded first. Only whole dates: a month alone
    (2024年5月) or a two-digit year is not a date of a record.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_date reads text, not {type(text).__name__}")
    shown = text.strip()
    folded = text.translate(_WIDTH).strip()
    for form in _DATE_FORMS:
        match = form.fullmatch(folded)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                raise ChineseNumberError(shown, "bad_date") from None
    raise ChineseNumberError(shown, "not_date")


# A month as people write it: 2024-03, 2024/3, 2024.3, 2024—3 (a date's separators), 2024年3月(份), 202403.
_MONTH_FORMS = (re.compile(rf"(\d{{4}})\s*[{_DATE_SEPARATORS}]\s*(\d{{1,2}})\s*[.]?"),
                re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?"),
                re.compile(r"(\d{4})(\d{2})"))


def parse_month(text):
    """(year, month) of a month `text` writes, in any of _MONTH_FORMS (full-width digits and
    punctuation folded first); ChineseNumberError (not_month, bad_month) otherwise. Forms,
    commands and the importer's month cells read months with it."""
    if not isinstance(text, str):
        raise TypeError(f"parse_month reads text, not {type(text).__name__}")
    shown = text.strip()
    folded = text.translate(_WIDTH).strip()
    for form in _MONTH_FORMS:
        match = form.fullmatch(folded)
        if match:
            year, month = int(match[1]), int(match[2])
            if not 1 <= month <= 12:
                raise ChineseNumberError(shown, "bad_month")
            return year, month
    raise ChineseNumberError(shown, "not_month")


def _read(text):
    """ParsedNumber for `text`, and whether the text carries its own scale (万/亿 or 元)."""
    if not isinstance(text, str):
        raise TypeError(f"parse_number reads text, not {type(text).__name__}")
    shown = text.strip()
    try:
        with localcontext() as context:
            context.prec = _CONTEXT_PREC
            return _parse(_normalize(text))
    except _Refused as refusal:
        raise ChineseNumberError(shown, refusal.code, **refusal.details) from None


def _normalize(text):
    text = text.translate(_WIDTH)
    text = re.sub(r"(?<=[0-9])\s+(?=[0-9])", ",", text)  # 1 000 → 1,000 (grouping is checked later)
    return "".join(text.split())


def _parse(text):
    if not text:
        raise _Refused("empty")
    if _VAGUE.search(text):
        raise _Refused("vague")
    if _RANGE.search(text):
        raise _Refused("range")
    if _SCIENTIFIC.search(text):
        raise _Refused("scientific")

    rest = text
    qualifier, rest = _take_prefix(rest, QUALIFIER_PREFIXES)
    sign, rest = _take_prefix(rest, SIGNS)
    unit, rest = _take_prefix(rest, CURRENCY_PREFIXES)
    if not unit and rest.startswith(PERCENT_PREFIX):
        unit, rest = "%", rest[len(PERCENT_PREFIX):]

    end = _body_end(rest)
    body, rest = rest[:end], rest[end:]
    if not body:
        if not rest or qualifier or sign or unit:
            raise _Refused("no_digits")
        raise _Refused("not_number")

    suffix, rest = _take_prefix(rest, QUALIFIER_SUFFIXES)
    if suffix:
        # 3000多万元: the qualifier sits before the magnitude it belongs with.
        run = len(rest) - len(rest.lstrip("万亿萬億"))
        body, rest = body + rest[:run], rest[run:]
    if rest.endswith(WHOLE_SUFFIX) and rest[:-len(WHOLE_SUFFIX)].endswith("元"):
        rest = rest[:-len(WHOLE_SUFFIX)]  # 100万元整, 叁佰元整: cheques and vouchers close with 整
    trailer = ""
    for word, meaning in QUALIFIER_TRAILERS.items():
        if rest.endswith(word):
            trailer, rest = meaning, rest[:-len(word)]
    found = [q for q in (qualifier, suffix, trailer) if q]
    if len(found) > 1:
        raise _Refused("qualifiers")

    if rest:
        _check_unit(rest)
        if unit and rest != unit:
            raise _Refused("unit", unit=rest)
        unit = rest

    canonical = body.translate(_CANONICAL)
    number, precision = _parse_body(canonical)
    own_scale = any(ch in BIG_UNITS for ch in canonical) or unit == "元"
    number = number * (sign or 1)
    if abs(number) >= MAX_VALUE:
        raise _Refused("too_large")
    number = number.quantize(Decimal(1)) if precision >= 1 else number.quantize(precision)
    return ParsedNumber(number + 0, unit, "".join(found), _tidy(precision)), own_scale


def _take_prefix(text, table):
    """The table's value for the longest key `text` starts with, and the rest of `text`."""
    for key in sorted(table, key=len, reverse=True):
        if text.startswith(key):
            return table[key], text[len(key):]
    return "", text


def _body_end(text):
    """Where the number ends: at the first character that is not part of one, or a unit word."""
    for index, ch in enumerate(text):
        if ch not in _BODY_CHARS or text.startswith(NUMERAL_UNIT_WORDS, index):
            return index
    return len(text)


def _check_unit(unit):
    rest = unit
    for word in NUMERAL_UNIT_WORDS:
        rest = rest.replace(word, "")
    misplaced = next((ch for ch in rest if ch in QUALIFIERS), None)
    if misplaced:
        raise _Refused("qualifier_place", word=misplaced)
    if not all(ch.isalpha() or ch in _UNIT_SYMBOLS for ch in rest) or any(ch in _BODY_CHARS for ch in rest):
        raise _Refused("unit", unit=unit)


def _parse_body(body):
    """(value, precision) of the number itself, in canonical characters."""
    if len(body) > MAX_BODY:
        raise _Refused("too_long")
    if sum(ch.isdigit() for ch in body) > MAX_DIGITS:
        raise _Refused("too_long")
    if body.count(".") + body.count("点") > 1:
        raise _Refused("points")
    match = _ARABIC_FORM.fullmatch(body)
    if match:
        number = Decimal(match["int"].replace(",", "") + ("." + match["frac"] if match["frac"] else ""))
        multiplier = _run_multiplier(match["run"])
        return number * multiplier, _last_digit_step(number) * multiplier
    if "." in body:
        raise _Refused("comma" if "," in body else "malformed")
    match = _CHINESE_DECIMAL_FORM.fullmatch(body)
    if match:
        whole, _ = _parse_group(match["int"])
        fraction = "".join(str(CN_DIGITS[ch]) for ch in match["frac"])
        number = Decimal(f"{whole}.{fraction}")
        multiplier = _run_multiplier(match["run"])
        return number * multiplier, _last_digit_step(number) * multiplier
    if "点" in body:
        raise _Refused("malformed")
    value, step = _parse_integer(body)
    return Decimal(value), Decimal(step)


def _run_multiplier(run):
    """千万 → 10^7, 万亿 → 10^12, '' → 1."""
    return math.prod(PLACES[ch] for ch in run)


def _parse_integer(body):
    """A whole number that may span groups: 一亿零五百万, 1亿2000万, 两万三, 十万五.

    Split at the last 亿 (else 万): the head counts that unit (it may hold 万 itself: 三万亿,
    but not the unit again: 一万二万), the tail is the remainder below it.
    """
    match = _ARABIC_FORM.fullmatch(body)
    if match and not match["frac"]:
        return _parse_body(body)
    for unit, size in reversed(BIG_UNITS.items()):
        if unit not in body:
            continue
        head, _, tail = body.rpartition(unit)
        if not head:
            raise _Refused("no_digits")
        if unit in head:
            raise _Refused("order")  # 一万二万; 万亿 is fine, 万万 and 亿亿 are not
        head_value, head_step = _parse_integer(head)
        if not tail:
            return head_value * size, head_step * size
        tail_value, tail_step = _parse_tail(tail, size)
        return head_value * size + tail_value, tail_step
    return _parse_group(body)


def _parse_tail(tail, size):
    """The remainder after 万 or 亿.

    A lone Chinese digit abbreviates the next place (一万五 = 15000). Bare Arabic digits must
    fill the places (3万5000): 3万5 could mean 30005 or 35000. 零 marks skipped places.
    """
    zero_led = tail.startswith("零")
    digits = tail[1:] if zero_led else tail
    if not digits:
        raise _Refused("malformed")
    if not zero_led and len(digits) == 1 and digits in CN_DIGITS:
        step = size // 10
        return CN_DIGITS[digits] * step, Decimal(step)
    if not zero_led and re.fullmatch("[0-9]+", digits) and len(digits) != len(str(size)) - 1:
        raise _Refused("ambiguous")
    value, step = _parse_integer(digits)
    if value >= size:
        raise _Refused("order")
    return value, step


def _parse_group(text):
    """A number below 10000 in Chinese numerals: 一百二十, 十五, 一千零五, 一百五, 二〇二四.

    Places must fall (千 > 百 > 十); 零 stands for skipped places; a bare 十 at the start
    means 一十; a last digit right after a place word abbreviates the next place down
    (一百五 = 150). Digits side by side without places are read positionally only when they
    include 零 (二〇二四); otherwise they are an estimate (三五 = three or five).
    """
    if any(ch.isdigit() or ch == "," for ch in text):
        raise _Refused("comma" if "," in text else "malformed")
    if not any(ch in SMALL_UNITS for ch in text):
        if len(text) == 1:
            return CN_DIGITS[text], Decimal(1)
        if "零" in text:
            return int("".join(str(CN_DIGITS[ch]) for ch in text)), Decimal(1)
        raise _Refused("vague")

    value, place, digit, after_zero = 0, 10**4, None, False
    for index, ch in enumerate(text):
        if ch == "零":
            if digit is not None or after_zero or place in (10, 10**4):
                raise _Refused("malformed")
            after_zero = True
        elif ch in CN_DIGITS:
            if digit is not None:
                raise _Refused("vague")  # 二三十: twenty or thirty
            digit = CN_DIGITS[ch]
        else:
            unit = SMALL_UNITS[ch]
            if unit >= place:
                raise _Refused("order")
            if digit is None:
                if index or unit != 10:
                    raise _Refused("no_digits" if index == 0 else "malformed")
                digit = 1  # 十五 = 一十五
            value += digit * unit
            place, digit, after_zero = unit, None, False
    if digit is None:
        if after_zero:
            raise _Refused("malformed")  # 一百零
        return value, Decimal(place)
    step = 1 if after_zero or place == 10 else place // 10
    return value + digit * step, Decimal(step)


def _last_digit_step(number):
    """The step of the last significant digit: 1.10 → 0.01, 2838 → 1, 3000 → 1000, 0 → 1."""
    _, digits, exponent = number.as_tuple()
    if exponent < 0:
        return Decimal(1).scaleb(exponent)
    if number == 0:
        return Decimal(1)
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return Decimal(1).scaleb(exponent + zeros)


def _tidy(step):
    """A precision without exponent notation: 1E+7 → 10000000."""
    return step.quantize(Decimal(1)) if step >= 1 else step.normalize()


# ---------------------------------------------------------------------------------------
# Tables and documents: one number style
# ---------------------------------------------------------------------------------------

# Thousands separators, one policy for a document's text and tables: an integer part of six
# digits or more is grouped by threes (123,456); up to five digits it is written whole (2838,
# 7566.25, 2264, 12032.74), as Chinese documents and statistical tables write them (GB/T
# 15835-2011 makes grouping optional). A figure in 万元 or 亿元 stays within five digits
# (amount_column), so a column's numbers all look alike.
GROUP_FROM_DIGITS = 6
# A column of amounts is read in 亿元 once its largest amount would take six integer digits
# in 万元 (10亿元 and more); below that 万元 keeps the smaller rows' digits.
COLUMN_YI_FROM = 10 * YI


def format_number(value, places=2):
    """A bare number as documents and tables write it: at most `places` decimals, trailing
    zeros dropped, grouped by the one policy (GROUP_FROM_DIGITS): 2264 → '2264',
    Decimal('12032.7400') → '12032.74', 6752000 → '6,752,000'."""
    if value is None:
        return "—"
    text = _trim(to_decimal(value), places)
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, fraction = text.partition(".")
    if len(whole) >= GROUP_FROM_DIGITS:
        whole = f"{int(whole):,}"
    return f"{sign}{whole}{dot}{fraction}"


def amount_column(values, places=2):
    """A table column of amounts in 元 written in one unit: (unit, texts).

    The unit is 万元, or 亿元 when the largest amount reaches COLUMN_YI_FROM (675.2亿 reads
    675.2, not 6,752,000 万元). Each text is `format_number` at `places` decimals; a column
    where some nonzero amount would then read 0 keeps up to four decimals (0.0035亿元 for
    35万元) rather than print a zero. None and 0 give "" (an empty cell).
    """
    amounts = [to_decimal(v) for v in values]
    largest = max((abs(v) for v in amounts if v), default=Decimal(0))
    unit = "亿元" if largest >= COLUMN_YI_FROM else "万元"
    scaled = [v / UNITS[unit] if v else None for v in amounts]
    if any(v is not None and _trim(v, places).strip("-0.") == "" for v in scaled):
        places = max(places, 4)
    return unit, [format_number(v, places) if v is not None else "" for v in scaled]
