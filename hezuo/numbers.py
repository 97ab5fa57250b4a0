"""The Chinese number module: how Hezuo writes amounts and counts for people.

Amounts are stored exactly in 元 (Decimal). People read them in 万元 or 亿元, with the
exact value at hand (pages put it in a tooltip). Every page, export and report formats
through here; no ad-hoc string code elsewhere.
"""

from decimal import ROUND_HALF_UP, Decimal

WAN = Decimal("10000")
YI = Decimal("100000000")
UNITS = {"元": Decimal(1), "万元": WAN, "亿元": YI}


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
