"""The app keeps its own Content-Security-Policy: in a real browser, signing in and going
through the main pages — lists, a record, its edit form with the region suggestions (htmx),
the dashboard's charts and tooltips (ECharts), statistics, an import and its progress (htmx
polling), the annual summary, the admin's pages — the browser blocks nothing and no script
fails. (tests/test_csp.py checks the header itself on every URL.)"""

from playwright.sync_api import expect

from tests.browser.test_import_progress import add_agriculture_bureau
from tests.browser.test_script_in_names import hover_bars, hover_point, open_dashboard
from tests.test_import_pages import workbook


def test_the_main_pages_break_no_rule_of_the_policy(world, login, page, csp_violations, settings, tmp_path,
                                                   live_server):
    from hezuo.org.models import Program, Region, Unit
    from tests.base import make_records

    settings.IMPORT_BACKGROUND_ROWS = 3  # the upload below goes to the background, with its progress bar
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    add_agriculture_bureau()
    records = make_records(Unit.objects.get(name="南浔区"), Program.objects.get(name="援疆"),
                           Region.objects.get(code="652929"), "南浔")
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

    login("alice")
    url = live_server.url
    project = records["projects"]
    for path in ("/", "/projects/", f"/projects/{project.pk}/", "/funds/", "/pairings/", "/regions/",
                 "/stats/?year=2024", "/reports/?year=2024", "/imports/"):
        page.goto(url + path)
        expect(page.locator("h1").first).to_be_visible()

    page.goto(f"{url}/projects/{project.pk}/edit/")
    page.locator("#id_partner_region").fill("柯坪")
    expect(page.locator("#id_partner_region-list option")).not_to_have_count(0)

    open_dashboard(page, f"{url}/dashboard/?year=2024")
    hover_bars(page, "#program-funds")
    expect(page.locator("#program-funds .chart-tip .chart-marker").first).to_be_visible()
    hover_point(page, page.evaluate("() => echarts.getInstanceByDom(document.querySelector('#map'))"
                                    ".getOption().series[1].data[0].value.slice(0, 2)"))

    path = tmp_path / "2024年项目.xlsx"
    path.write_bytes(workbook())
    page.goto(f"{url}/imports/new/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("#import-status progress")).to_be_visible()
    with page.expect_response(lambda response: "/progress/" in response.url):
        pass  # htmx polls the progress and swaps it in

    page.goto(f"{url}/accounts/password/")
    expect(page.locator("h1")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    login("adam")
    for path in ("/accounts/users/", "/accounts/users/new/", "/programs/", f"/programs/{project.program_id}/edit/"):
        page.goto(url + path)
        expect(page.locator("h1").first).to_be_visible()

    assert csp_violations == []
    assert errors == []
