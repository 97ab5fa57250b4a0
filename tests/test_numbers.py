"""The Chinese number module: reading and writing amounts, counts and rates (no database)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hezuo import numbers
from hezuo.numbers import (
    ChineseNumberError,
    ParsedNumber,
    format_amount,
    format_change,
    format_exact,
    format_headline,
    format_percent,
    format_points,
    parse_amount,
    parse_date,
    parse_month,
    parse_number,
    read_amount,
)

D = Decimal

# Deterministic and quick: the same examples every run, nothing written to disk.
PROPERTY = settings(max_examples=300, derandomize=True, database=None, deadline=None)


# --- Reading -------------------------------------------------------------------------

READINGS = [
    # text, value, unit, qualifier, precision
    ("1.1亿", "110000000", "", "", "10000000"),
    ("2,838万元", "28380000", "元", "", "10000"),
    ("３０００", "3000", "", "", "1000"),
    ("1.5万公斤", "15000", "公斤", "", "1000"),
    ("超1.1亿", "110000000", "", "超", "10000000"),
    ("超过1.1亿元", "110000000", "元", "超", "10000000"),
    ("逾5000人次", "5000", "人次", "逾", "1000"),
    ("近3000万", "30000000", "", "近", "10000000"),
    ("将近3000万", "30000000", "", "近", "10000000"),
    ("2.4亿余", "240000000", "", "余", "10000000"),
    ("2.4亿余元", "240000000", "元", "余", "10000000"),
    ("3000余万元", "30000000", "元", "余", "10000000"),
    ("3000多万元", "30000000", "元", "多", "10000000"),
    ("1亿3000多万", "130000000", "", "多", "10000000"),
    ("70多", "70", "", "多", "10"),
    ("70多个", "70", "个", "多", "10"),
    ("十多万", "100000", "", "多", "100000"),
    ("约1.1亿元", "110000000", "元", "约", "10000000"),
    ("3000万元左右", "30000000", "元", "约", "10000000"),
    ("152%", "152", "%", "", "1"),
    ("152％", "152", "%", "", "1"),
    ("108.9%", "108.9", "%", "", "0.1"),
    ("百分之十五", "15", "%", "", "1"),
    ("43.1个百分点", "43.1", "个百分点", "", "0.1"),
    ("一百二十", "120", "", "", "10"),
    ("十五", "15", "", "", "1"),
    ("十", "10", "", "", "10"),
    ("一百零五", "105", "", "", "1"),
    ("一千零五十", "1050", "", "", "10"),
    ("一百五", "150", "", "", "10"),
    ("两万三", "23000", "", "", "1000"),
    ("十万五", "105000", "", "", "1000"),
    ("一万零五", "10005", "", "", "1"),
    ("一亿零五百万", "105000000", "", "", "1000000"),
    ("三万亿", "3000000000000", "", "", "1000000000000"),
    ("二〇二四", "2024", "", "", "1"),
    ("零", "0", "", "", "1"),
    ("壹仟贰佰叁拾肆元", "1234", "元", "", "1"),
    ("伍萬", "50000", "", "", "10000"),
    ("三点五亿", "350000000", "", "", "10000000"),
    ("一百二十点五", "120.5", "", "", "0.1"),
    ("3.5万", "35000", "", "", "1000"),
    ("3千万", "30000000", "", "", "10000000"),
    ("1亿2000万", "120000000", "", "", "10000000"),
    ("3万5000", "35000", "", "", "1000"),
    ("6.8万亿", "6800000000000", "", "", "100000000000"),
    ("5万千瓦", "50000", "千瓦", "", "10000"),
    ("-12.5", "-12.5", "", "", "0.1"),
    ("负5", "-5", "", "", "1"),
    ("超-1.1亿元", "-110000000", "元", "超", "10000000"),
    ("1.10亿", "110000000", "", "", "1000000"),
    ("0.50", "0.50", "", "", "0.01"),
    ("110,860,000.00元", "110860000.00", "元", "", "0.01"),
    (" 2 838 万元 ", "28380000", "元", "", "10000"),
    ("１，２３４．５元", "1234.5", "元", "", "0.1"),
    ("¥1,000", "1000", "元", "", "1000"),
    ("2838元/月", "2838", "元/月", "", "1"),
]


@pytest.mark.parametrize("text, value, unit, qualifier, precision", READINGS, ids=[r[0] for r in READINGS])
def test_it_reads_numbers_as_written_in_documents(text, value, unit, qualifier, precision):
    assert parse_number(text) == ParsedNumber(D(value), unit, qualifier, D(precision))


REFUSALS = [
    # text, code: the reason the message gives
    ("一百二十几", "vague"),
    ("若干", "vague"),
    ("数十", "vague"),
    ("十来个", "vague"),
    ("三五个", "vague"),
    ("二三十", "vague"),
    ("3000万元以上", "vague"),
    ("不足100人", "vague"),
    ("", "empty"),
    ("   ", "empty"),
    ("1.2.3", "points"),
    ("万", "no_digits"),
    ("约", "no_digits"),
    ("百", "no_digits"),
    ("-", "no_digits"),
    ("abc", "not_number"),
    ("第3", "not_number"),
    ("1e3", "scientific"),
    ("1.23457E+11", "scientific"),
    ("3-5", "range"),
    ("3至5万", "range"),
    ("3，5", "comma"),
    ("12,5", "comma"),
    ("1,0000", "comma"),
    ("一百一千", "order"),
    ("一万二万", "order"),
    ("3万5", "ambiguous"),
    ("1亿2000", "ambiguous"),
    ("一百零", "malformed"),
    ("12三", "malformed"),
    ("1亿2.5万", "malformed"),
    ("三点", "malformed"),
    ("5个亿", "unit"),
    ("5@#", "unit"),
    ("约3000万元左右", "qualifiers"),
    ("超3000多万", "qualifiers"),
    ("2.4亿元余", "qualifier_place"),
    ("1" * 31, "too_long"),
    ("一万亿亿亿", "order"),
    ("1" + "0" * 24, "too_large"),
    ("1" + "0" * 16 + "亿", "too_large"),
]


@pytest.mark.parametrize("text, code", REFUSALS, ids=[r[0] or "blank" for r in REFUSALS])
def test_it_refuses_what_is_not_one_definite_number(text, code):
    with pytest.raises(ChineseNumberError) as refused:
        parse_number(text)
    assert refused.value.code == code


def test_its_refusals_say_why_in_chinese():
    with pytest.raises(ChineseNumberError, match="^“一百二十几”不是确定的数值$"):
        parse_number("一百二十几")
    with pytest.raises(ChineseNumberError, match="^“1.2.3”的小数点不止一个$"):
        parse_number("1.2.3")
    with pytest.raises(ChineseNumberError, match="^没有填写数值$"):
        parse_number("")


def test_its_error_is_a_value_error():
    assert issubclass(ChineseNumberError, ValueError)


def test_it_reads_text_only():
    with pytest.raises(TypeError):
        parse_number(3000)


# --- Import cells ----------------------------------------------------------------------

AMOUNT_CELLS = [
    # cell, header unit, exact 元
    (2838, "万元", "28380000.00"),
    (2838.5, "万元", "28385000.00"),
    (0.1, "元", "0.10"),
    (0.1, "万元", "1000.00"),
    (1.005, "元", "1.01"),  # repr gives 1.005: rounded half up, not the binary 1.00499…
    (2838.123456, "万元", "28381234.56"),
    (D("1.74"), "亿元", "174000000.00"),
    ("2838", "万元", "28380000.00"),
    ("2,838.5", "万元", "28385000.00"),
    ("1.1亿", "万元", "110000000.00"),  # carries its own magnitude: not 1.1亿万元
    ("2,838万元", "亿元", "28380000.00"),
    ("15000元", "万元", "15000.00"),
    ("３０００", "元", "3000.00"),
    ("一百二十", "万元", "1200000.00"),
    ("超1.5万", "元", "15000.00"),
    (-12.5, "万元", "-125000.00"),
]


@pytest.mark.parametrize("cell, unit, value", AMOUNT_CELLS, ids=[f"{c!r} {u}" for c, u, _ in AMOUNT_CELLS])
def test_it_reads_import_cells_in_the_header_unit(cell, unit, value):
    amount = parse_amount(cell, unit)
    assert amount == D(value)
    assert str(amount) == value


def test_it_reports_the_qualifier_of_an_import_cell():
    assert read_amount("超1.1亿", "万元") == ParsedNumber(D("110000000.00"), "元", "超", D("10000000"))
    assert read_amount("近3000万元").qualifier == "近"
    assert read_amount(2838, "万元") == ParsedNumber(D("28380000.00"), "元", "", D("10000"))
    assert read_amount(0.001).precision == D("0.01")


@pytest.mark.parametrize("cell", ["152%", "1.5万公斤", "若干", "", True, None, float("nan"), float("inf"), 1e30, "1e3"])
def test_it_refuses_import_cells_that_are_not_amounts(cell):
    with pytest.raises(ChineseNumberError):
        parse_amount(cell, "万元")


def test_it_names_the_wrong_unit_of_an_amount():
    with pytest.raises(ChineseNumberError, match="^“152%”的单位是“%”，不是金额$"):
        parse_amount("152%")


def test_it_knows_only_money_header_units():
    with pytest.raises(ValueError):
        parse_amount("3000", "公斤")


# --- Writing -------------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [
    (28380000, "2838万元"),
    (174000000, "1.74亿元"),
    (67520000000, "675.2亿元"),
    (D("1234.5"), "1234.5元"),
    (None, "—"),
])
def test_it_writes_amounts_precisely(value, text):
    assert format_amount(value) == text


def test_it_keeps_the_other_existing_writers():
    assert format_amount(28380000, "亿元") == "0.28亿元"
    assert format_exact(110860000) == "110,860,000.00元"
    assert numbers.in_unit(28380000, "万元") == D("2838")
    assert numbers.from_unit(D("2838.5"), "万元") == D("28385000.00")
    assert numbers.format_count(12345, "个") == "12,345个"
    assert numbers.format_quantity(D("345.0000"), "万株") == "345万株"
    assert numbers.amount_unit(9999) == "元"
    assert numbers.to_decimal(0.1) == D("0.1")
    assert numbers._trim(D("2838.000000"), 6) == "2838"


HEADLINES = [
    # value, unit, qualifier, text
    (110860000, "元", "auto", "超1.1亿元"),
    (241300000, "元", "余", "2.4亿余元"),
    (241300000, "元", "auto", "超2.4亿元"),
    (29700000, "元", "auto", "近3000万元"),
    (29700000, "元", "多", "2900多万元"),
    (28380000, "元", "余", "2800余万元"),
    (3012, "个", "多", "3000多个"),
    (3012, "个", "余", "3000余个"),
    (75, "个", "多", "75个"),  # exact at two digits: no qualifier
    (75.5, "个", "多", "超75个"),  # 75多个 does not read: 超 instead
    (15012, "公斤", "auto", "超1.5万公斤"),
    (15012, "公斤", "多", "1.5万多公斤"),
    (15012, "公斤", "逾", "逾1.5万公斤"),
    (15012, "公斤", "约", "约1.5万公斤"),
    (30000000, "元", "超", "3000万元"),  # exact: no qualifier
    (99990000, "元", "auto", "近1亿元"),
    (6752000000000, "元", "auto", "近6.8万亿元"),
    (11960, "人次", "auto", "近1.2万人次"),
    (12345, "人次", "auto", "超1.2万人次"),
    (D("0.376"), "元", "auto", "近0.38元"),
    (0, "元", "auto", "0元"),
    (-110860000, "元", "auto", "超-1.1亿元"),
    (None, "元", "auto", "—"),
]


@pytest.mark.parametrize("value, unit, qualifier, text", HEADLINES, ids=[h[3] for h in HEADLINES])
def test_it_writes_headline_figures_with_a_true_qualifier(value, unit, qualifier, text):
    assert format_headline(value, unit, qualifier) == text


def test_headline_digits_set_the_precision():
    assert format_headline(110860000, digits=3) == "近1.11亿元"
    assert format_headline(110860000, digits=1) == "超1亿元"
    assert format_headline(28380000, digits=4) == "2838万元"


def test_headline_refuses_unknown_qualifiers_and_scaled_units():
    with pytest.raises(ValueError):
        format_headline(1, qualifier="左右")
    with pytest.raises(ValueError):
        format_headline(1, unit="万元")


@pytest.mark.parametrize("call, text", [
    (lambda: format_percent(D("152.0")), "152%"),
    (lambda: format_percent(D("108.94")), "108.9%"),
    (lambda: format_percent(None), "—"),
    (lambda: format_points(43.1), "43.1个百分点"),
    (lambda: format_points(D("43.10")), "43.1个百分点"),
    (lambda: format_change(D("112.3"), 100), "同比增长12.3%"),
    (lambda: format_change(95, 100), "同比下降5%"),
    (lambda: format_change(100, 100), "与上年持平"),
    (lambda: format_change(D("100.04"), 100), "与上年持平"),
    (lambda: format_change(37100000, 30000000), "同比增长23.7%"),
    (lambda: format_change(-50, -100), "同比增长50%"),
    (lambda: format_change(5, 0), "上年为零"),
    (lambda: format_change(0, 0), "与上年持平"),
    (lambda: format_change(110, 100, basis="环比"), "环比增长10%"),
    (lambda: format_change(100, 100, basis="环比"), "与上月持平"),
    (lambda: format_change(None, 100), "—"),
])
def test_it_writes_rates_and_changes(call, text):
    assert call() == text


# --- Properties ------------------------------------------------------------------------

amounts = st.one_of(
    st.decimals(min_value=0, max_value=D("1e15"), places=2, allow_nan=False, allow_infinity=False),
    # round figures and their neighbours, where rounding and 万/亿 boundaries bite
    st.builds(lambda d, e, n: D(d).scaleb(e) + D(n).scaleb(-2),
              st.integers(1, 9999), st.integers(0, 11), st.integers(-2, 2)).filter(lambda v: v >= 0),
)
ABOVE, BELOW = {"超", "逾", "余", "多"}, {"近"}


@PROPERTY
@given(amounts, st.sampled_from([None, "元", "万元", "亿元"]))
def test_precise_amounts_read_back_within_their_precision(value, unit):
    parsed = parse_number(format_amount(value, unit))
    assert parsed.unit == "元" and parsed.qualifier == ""
    assert abs(parsed.value - value) <= parsed.precision / 2


@PROPERTY
@given(amounts)
def test_exact_amounts_read_back_exactly(value):
    parsed = parse_number(format_exact(value))
    assert parsed == ParsedNumber(value, "元", "", D("0.01"))
    assert parse_amount(format_exact(value), "万元") == value


@PROPERTY
@given(st.one_of(amounts, amounts.map(lambda v: -v)), st.sampled_from(["auto", "超", "逾", "余", "多", "近", "约"]),
       st.sampled_from(["元", "个", "公斤", ""]), st.integers(1, 4))
def test_headlines_read_back_true_to_the_value(value, qualifier, unit, digits):
    parsed = parse_number(format_headline(value, unit, qualifier, digits))
    assert parsed.unit == unit
    shown, size, step = abs(parsed.value), abs(value), parsed.precision
    if parsed.qualifier in ABOVE:
        assert shown < size <= shown + step
    elif parsed.qualifier in BELOW:
        assert shown - step <= size < shown
    elif parsed.qualifier == "约":
        assert abs(size - shown) <= step / 2
    else:
        assert parsed.value == value
    expected = {"auto": {"超", "近"}, "近": {"近"}, "约": {"约"}}.get(qualifier, {qualifier, "超"})
    assert parsed.qualifier in expected | {""}


TOKENS = [
    *"0123456789", *"０１２３４５６７８９", ".", ",", "，", "．", "%", "％", " ", "-", "+", "负", "e", "E", "¥", "~", "至",
    *"零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億点",
    "百分之", "百分点", "个百分点", "元", "万元", "亿元", "公斤", "个", "千瓦", "人次",
    "超", "超过", "近", "将近", "余", "多", "约", "逾", "左右", "几", "若干", "数", "来", "以上",
]
numberish = st.lists(st.sampled_from(TOKENS), max_size=12).map("".join)


def assert_reads_or_refuses(text):
    try:
        parsed = parse_number(text)
    except ChineseNumberError as refused:
        assert str(refused)
        return
    assert parsed.value.is_finite() and abs(parsed.value) < numbers.MAX_VALUE
    assert parsed.precision > 0
    assert parsed.qualifier in numbers.QUALIFIERS


@PROPERTY
@given(st.text())
def test_any_text_reads_or_is_refused_with_a_reason(text):
    assert_reads_or_refuses(text)


@PROPERTY
@given(numberish)
def test_numberish_text_reads_or_is_refused_with_a_reason(text):
    assert_reads_or_refuses(text)


@PROPERTY
@given(st.one_of(numberish, st.text(), st.floats(), st.integers(), st.decimals(), st.none(), st.booleans()),
       st.sampled_from(["元", "万元", "亿元"]))
def test_any_import_cell_reads_to_the_fen_or_is_refused(cell, unit):
    try:
        amount = parse_amount(cell, unit)
    except ChineseNumberError:
        return
    assert amount == amount.quantize(D("0.01"))


# --- Dates and amounts as clerks write them -------------------------------------------


@pytest.mark.parametrize("text, day", [
    ("2024-05-06", (2024, 5, 6)), ("2024/5/6", (2024, 5, 6)), ("2024.03.05", (2024, 3, 5)),
    ("2024.03.05.", (2024, 3, 5)), ("2024—3—5", (2024, 3, 5)), ("2024–3–5", (2024, 3, 5)),
    ("２０２４－０３－０５", (2024, 3, 5)), ("2024 - 3 - 5", (2024, 3, 5)), ("2024年3月5日", (2024, 3, 5)),
    ("2024年3月5号", (2024, 3, 5)), ("2024年3月5", (2024, 3, 5)), ("20240305", (2024, 3, 5)),
    ("2024-03-05 00:00:00", (2024, 3, 5)), ("2024-03-05T08:30", (2024, 3, 5)),
])
def test_it_reads_dates_as_clerks_write_them(text, day):
    import datetime

    assert parse_date(text) == datetime.date(*day)


@pytest.mark.parametrize("text, message", [
    ("2024/2/30", "“2024/2/30”不是有效的日期"), ("2024年5月", "“2024年5月”不是日期，请写成 2024-05-06 的格式"),
    ("24-3-5", "不是日期"), ("明天", "不是日期"), ("2024-03-05 早上", "不是日期"),
])
def test_it_refuses_what_is_not_one_whole_date(text, message):
    with pytest.raises(ChineseNumberError, match=message):
        parse_date(text)


@pytest.mark.parametrize("text", ["2024-03", "2024/3", "2024.3", "２０２４－０３", "2024年3月", "2024年3月份", "202403", "2024—3", "2024―3",
                                  " 2024 - 3 "])
def test_it_reads_months_as_people_write_them(text):
    assert parse_month(text) == (2024, 3)


@pytest.mark.parametrize("text, message", [
    ("2024-13", "“2024-13”的月份应为 1 到 12"), ("三月", "“三月”不是月份"), ("2024-3x", "不是月份"), ("24-3", "不是月份"),
])
def test_it_refuses_what_is_not_a_month(text, message):
    with pytest.raises(ChineseNumberError, match=message):
        parse_month(text)


@pytest.mark.parametrize("cell, value", [("100万元整", "1000000.00"), ("叁佰元整", "300.00"), ("¥1,200元整", "1200.00")])
def test_it_reads_amounts_closed_with_zheng(cell, value):
    assert parse_amount(cell, "万元") == D(value)


@pytest.mark.parametrize("cell", ["100整", "100万整", "整"])
def test_zheng_closes_only_an_amount_in_yuan(cell):
    with pytest.raises(ChineseNumberError):
        parse_amount(cell)


@pytest.mark.parametrize("cell, value", [("350万元", "3500000.00"), ("1.2亿", "120000000.00"), ("15000元", "15000.00"),
                                         ("100万元整", "1000000.00")])
def test_without_a_header_unit_a_cell_must_carry_its_own(cell, value):
    assert parse_amount(cell, None) == D(value)


@pytest.mark.parametrize("cell", ["1200", 1200, 12.5, "一千二百"])
def test_a_bare_number_without_a_header_unit_is_refused_not_guessed(cell):
    with pytest.raises(ChineseNumberError, match="没有写单位（元、万元或亿元）") as refusal:
        parse_amount(cell, None)
    assert refusal.value.code == "no_unit"


# --- One number style for documents and tables ----------------------------------------


@pytest.mark.parametrize("value, text", [
    (2264, "2264"), (D("7566.25"), "7566.25"), (D("12032.7400"), "12032.74"), (123456, "123,456"),
    (6752000, "6,752,000"), (D("-123456.5"), "-123,456.5"), (0, "0"), (None, "—"),
])
def test_it_groups_thousands_from_six_digits_only(value, text):
    assert numbers.format_number(value) == text


def test_a_column_of_amounts_is_in_yi_once_it_reaches_a_billion():
    assert numbers.amount_column([D("67520000000"), D("67520000000")]) == ("亿元", ["675.2", "675.2"])
    assert numbers.amount_column([D("1340000000"), None]) == ("亿元", ["13.4", ""])


def test_a_smaller_column_stays_in_wan_with_one_style():
    assert numbers.amount_column([D("139240000"), D("110860000"), D("28380000")]) == ("万元", ["13924", "11086", "2838"])
    assert numbers.amount_column([D("120327400"), 0]) == ("万元", ["12032.74", ""])


def test_a_small_amount_in_a_yi_column_is_not_printed_as_zero():
    assert numbers.amount_column([D("67520000000"), D("350000")]) == ("亿元", ["675.2", "0.0035"])
