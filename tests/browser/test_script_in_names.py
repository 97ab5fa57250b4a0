"""Names are text, never script. Whoever may write a name — the system admin a program or a
unit, a city officer a town or village under a partner county, an office its own map file —
writes markup that would run if a page took it for HTML: every name that reaches the
dashboard's charts, tooltips, labels and map, and the region suggestions of a form, is
planted with it. A city officer opens the pages and hovers every bar and map point: the
tooltips show the names as literal text, no script runs (no dialog, no window.__xss) and
the Content-Security-Policy has had nothing to block."""

import datetime
import json
from decimal import Decimal

import pytest
from playwright.sync_api import expect

# Markup that runs script when parsed as HTML: each calls alert() and sets window.__xss to
# its tag, so a failure says which name got through.
SHAPES = ("<img src=x onerror=alert(__xss='{}')>", "<svg onload=alert(__xss='{}')>",
          "\"><script>alert(__xss='{}')</script>")


def payload(shape, tag):
    return SHAPES[shape].format(tag)


PROGRAMS = {"对口支援": payload(0, "P1"), "援疆": payload(1, "P2"), "东西部协作": payload(2, "P3")}
UNITS = {"市区域合作办": payload(0, "U1"), "南浔区": payload(1, "U2")}
TOWN, VILLAGE = payload(2, "R1"), payload(0, "R2")  # added by users under 柯坪县
AKSU, HOME = payload(1, "R3"), payload(2, "R4")  # a partner city and our own city, renamed
MAP_NAMES = {"652900": payload(0, "M1"), "330500": payload(1, "M2"), "511600": payload(2, "M3")}  # the office's map
CENTRES = {"652900": [80.26, 41.17], "330500": [120.09, 30.89], "511600": [106.63, 30.46]}


def square(code):
    lon, lat = CENTRES[code]
    ring = [[lon - 1.5, lat - 1.5], [lon + 1.5, lat - 1.5], [lon + 1.5, lat + 1.5], [lon - 1.5, lat + 1.5],
            [lon - 1.5, lat - 1.5]]
    return {"type": "Feature", "properties": {"adcode": code, "name": MAP_NAMES[code], "cp": CENTRES[code]},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


@pytest.fixture
def planted(world, settings, tmp_path):
    from hezuo.org.models import Pairing, Program, Region, Unit
    from hezuo.projects.models import FundRecord, Project

    outline = tmp_path / "map.json"
    outline.write_text(json.dumps({"type": "FeatureCollection", "features": [square(c) for c in CENTRES]}),
                       encoding="utf-8")
    settings.HEZUO_MAP_GEOJSON = str(outline)
    settings.HEZUO_DASHBOARD_CACHE_SECONDS = 0

    for old, new in PROGRAMS.items():
        Program.objects.filter(name=old).update(name=new)
    for old, new in UNITS.items():
        Unit.objects.filter(name=old).update(name=new)
    Region.objects.filter(code="652900").update(name=AKSU, full_name=f"新疆维吾尔自治区 {AKSU}")
    Region.objects.filter(code="330500").update(name=HOME, full_name=f"浙江省 {HOME}")
    kalpin = Region.objects.get(code="652929")
    kalpin.full_name = f"新疆维吾尔自治区 {AKSU} 柯坪县"
    kalpin.save()
    town = Region.objects.create(code="652929100", name=TOWN, parent=kalpin, level=Region.Level.TOWN)
    village = Region.objects.create(code="652929100001", name=VILLAGE, parent=town, level=Region.Level.VILLAGE)
    guang_an = Region.objects.get(code="511602")

    unit = Unit.objects.get(name=UNITS["南浔区"])
    xinjiang, east_west = Program.objects.get(name=PROGRAMS["援疆"]), Program.objects.get(name=PROGRAMS["东西部协作"])
    Pairing.objects.create(unit=unit, region=village, program=xinjiang, start_year=2021)
    Pairing.objects.create(unit=unit, region=guang_an, program=east_west, start_year=2021)
    day = datetime.date(2024, 5, 6)
    for code, program, region, stage in (("XSS-1", xinjiang, village, FundRecord.Stage.ARRANGED),
                                         ("XSS-2", east_west, guang_an, FundRecord.Stage.DISBURSED)):
        project = Project.objects.create(code=code, name=f"{code}项目", program=program, unit=unit,
                                         partner_region=region, year=2024, total_investment=Decimal("5000000"))
        FundRecord.objects.create(project=project, date=day, stage=stage, amount=Decimal("1200000"))
    return {"xinjiang": xinjiang}


@pytest.fixture
def watched(page, csp_violations):
    """The page, failing on any dialog: a dialog is script from a name running."""
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    assert dialogs == [], f"script from a name ran: {dialogs}"
    assert csp_violations == []


def assert_no_script_ran(page):
    assert page.evaluate("() => window.__xss") is None


def open_dashboard(page, url):
    page.goto(url)
    page.wait_for_function("() => { const c = window.echarts && echarts.getInstanceByDom(document.querySelector('#map'));"
                           " return c && c.getOption().series.length === 3; }")


def hover(page, selector, pixel):
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + pixel[0], box["y"] + pixel[1], steps=4)


def hover_bars(page, selector):
    """Hover every category of a bar chart; return the tooltip texts."""
    page.locator(selector).scroll_into_view_if_needed()
    chart = f"echarts.getInstanceByDom(document.querySelector('{selector}'))"
    categories = page.evaluate(f"() => {chart}.getOption().xAxis[0].data")
    tip = page.locator(f"{selector} .chart-tip")
    texts = {}
    for i, name in enumerate(categories):
        x = page.evaluate(f"() => {chart}.convertToPixel({{xAxisIndex: 0}}, {i})")
        y = page.evaluate(f"() => {chart}.convertToPixel({{yAxisIndex: 0}}, 0)") - 4
        hover(page, selector, (x, y))
        expect(tip).to_be_visible()
        expect(tip).to_contain_text(name)
        assert tip.locator("img, svg, script").count() == 0
        texts[name] = tip.inner_text()
    return texts


def hover_point(page, coord, above=0):
    chart = "echarts.getInstanceByDom(document.querySelector('#map'))"
    x, y = page.evaluate(f"() => {chart}.convertToPixel({{geoIndex: 0}}, {json.dumps(coord)})")
    hover(page, "#map", (x, y - above))
    tip = page.locator("#map .chart-tip")
    expect(tip).to_be_visible()
    assert tip.locator("img, svg, script").count() == 0
    return tip


def test_names_with_markup_show_as_text_in_the_charts_and_the_map(planted, login, watched, live_server):
    login("alice")
    page = watched
    open_dashboard(page, f"{live_server.url}/dashboard/?year=2024")
    expect(page.locator(".userbox .who")).to_contain_text(UNITS["市区域合作办"])

    bars = hover_bars(page, "#program-funds")
    assert bars[PROGRAMS["对口支援"]].splitlines() == [PROGRAMS["对口支援"], "安排：120万元", "下达：0元", "拨付：0元", "支出：0元"]
    assert bars[PROGRAMS["东西部协作"]].splitlines()[3] == "拨付：120万元"
    months = hover_bars(page, "#monthly-funds")
    assert months["5月"].splitlines()[:2] == ["5月", "安排：120万元"]

    page.locator("#map").scroll_into_view_if_needed()
    points = {p["full_name"]: p for p in page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('#map')).getOption().series[1].data")}
    aksu = points[f"新疆维吾尔自治区 {AKSU}"]
    assert aksu["name"] == MAP_NAMES["652900"]  # the label beside the point, drawn on the canvas
    tip = hover_point(page, CENTRES["652900"])
    expect(tip).to_have_text(f"新疆维吾尔自治区 {AKSU}结对关系：1对{PROGRAMS['援疆']}")
    tip = hover_point(page, [CENTRES["330500"][0] - 1, CENTRES["330500"][1] - 1])  # our city's outline
    expect(tip).to_have_text(MAP_NAMES["330500"])
    tip = hover_point(page, CENTRES["330500"], above=8)  # the pin of our own city: its tip is on the place
    expect(tip).to_have_text(HOME)
    assert_no_script_ran(page)

    # One program's dashboard: its sub-programs are the bars.
    open_dashboard(page, f"{live_server.url}/dashboard/?year=2024&program={planted['xinjiang'].parent_id}")
    bars = hover_bars(page, "#program-funds")
    assert bars[PROGRAMS["援疆"]].splitlines()[:2] == [PROGRAMS["援疆"], "安排：120万元"]
    assert_no_script_ran(page)

    # The lists and the region suggestions of a form (htmx) show them as text too.
    page.goto(f"{live_server.url}/pairings/")
    expect(page.locator("main")).to_contain_text(VILLAGE)
    page.goto(f"{live_server.url}/projects/new/")
    page.locator("#id_partner_region").fill("652929100")
    expect(page.locator("#id_partner_region-list option")).not_to_have_count(0)
    values = page.eval_on_selector_all("#id_partner_region-list option", "options => options.map(o => o.value)")
    assert f"652929100001 新疆维吾尔自治区 {AKSU} 柯坪县 {TOWN} {VILLAGE}" in values
    assert page.locator("#id_partner_region-list img, #id_partner_region-list svg").count() == 0
    assert_no_script_ran(page)
