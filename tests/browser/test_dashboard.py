"""The dashboard in a real browser: ECharts (from the npm package, served by us) draws the
map of China with a point for every paired city and lines from Huzhou, and the charts;
a click on a bar opens the records behind it."""

from playwright.sync_api import expect


def chart_option(page, selector):
    return page.evaluate(f"() => echarts.getInstanceByDom(document.querySelector('{selector}')).getOption()")


def test_the_dashboard_draws_the_map_and_the_charts(demo, login, live_server):
    from hezuo.stats.queries import paired_places

    page = login("city")
    page.get_by_role("navigation").get_by_role("link", name="◈ 驾驶舱").click()
    expect(page.locator("h1")).to_contain_text("驾驶舱")
    expect(page.locator("#map canvas").first).to_be_visible()
    expect(page.locator("#program-funds canvas").first).to_be_visible()
    expect(page.locator("#monthly-funds canvas").first).to_be_visible()

    page.wait_for_function("() => { const c = echarts.getInstanceByDom(document.querySelector('#map'));"
                           " return c && c.getOption().series.length === 3; }")
    series = {s["name"]: s for s in chart_option(page, "#map")["series"]}
    places = paired_places(demo["city"], 2024)
    points = series["结对地区"]["data"]
    assert len(points) == len(places) == 11
    assert {p["name"] for p in points} >= {"阿克苏", "海西", "广安", "白山", "丽水", "上海"}
    assert len(series["协作连线"]["data"]) == len(points)
    assert series["本市"]["data"][0]["name"] == "湖州市"
    assert all(p["url"].startswith("/pairings/?year=2024") for p in points)

    bars = chart_option(page, "#program-funds")
    assert bars["xAxis"][0]["data"][:2] == ["对口支援", "东西部协作"]
    assert [s["name"] for s in bars["series"]] == ["安排", "下达", "拨付", "支出"]


def test_a_figure_opens_its_records(demo, login, live_server):
    page = login("city")
    page.goto(f"{live_server.url}/dashboard/?year=2024")
    page.locator(".dash-card", has_text="项目数").locator(".dash-value").click()
    expect(page.locator("h1")).to_have_text("项目")
    expect(page.locator(".summary strong")).to_have_text("142")


def test_the_phone_layout_stacks_cards_and_resizes_charts(demo, login, page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    login("nanxun")
    page.goto(f"{live_server.url}/dashboard/?year=2024")
    expect(page.locator("#map canvas").first).to_be_visible()
    width = page.evaluate("() => document.querySelector('#program-funds canvas').getBoundingClientRect().width")
    assert width <= 390
    cards = page.locator(".dash-card")
    first, third = cards.nth(0).bounding_box(), cards.nth(2).bounding_box()
    assert third["y"] > first["y"]  # two cards a row
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(300)
    narrower = page.evaluate("() => document.querySelector('#program-funds canvas').getBoundingClientRect().width")
    assert narrower < width
