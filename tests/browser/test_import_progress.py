"""A reporter uploads a workbook in a real browser. A large one goes to the background:
the page shows a progress bar that htmx refreshes every second, and when the worker
(`hezuo db_worker`, run here once from the test) has finished, the result replaces it
without reloading the page."""

from playwright.sync_api import expect

from tests.test_import_pages import workbook
from tests.test_import_tasks import run_worker_once


def add_agriculture_bureau():
    from hezuo.org.models import Unit

    Unit.objects.create(name="南浔区农业农村局", parent=Unit.objects.get(name="南浔区"), kind=Unit.Kind.DEPARTMENT)


def open_upload_page(login):
    page = login("bob")
    page.get_by_role("navigation").get_by_role("link", name="⇪ 导入导出").click()
    page.get_by_role("link", name="⇪ 导入文件").click()
    return page


def test_a_large_import_shows_its_progress_and_then_the_result(world, login, settings, tmp_path):
    settings.IMPORT_BACKGROUND_ROWS = 3
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    add_agriculture_bureau()
    path = tmp_path / "2024年项目.xlsx"
    path.write_bytes(workbook())

    page = open_upload_page(login)
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并导入").click()

    status = page.locator("#import-status")
    expect(page.locator("h1")).to_have_text("导入“2024年项目.xlsx”")
    expect(status.locator("progress")).to_be_visible()
    expect(status).to_contain_text("排队中")
    page.wait_for_timeout(1500)  # a poll or two while queued: the bar stays
    expect(status.locator("progress")).to_be_visible()

    run_worker_once(in_test_transaction=False)

    expect(status).to_contain_text("导入完成：共 5 行，新增 5 条，更新 0 条，未变 0 条。", timeout=10_000)
    expect(status.locator("progress")).to_have_count(0)
    expect(status.locator("table.sheet-results tbody tr")).to_have_count(2)
    url = page.url
    page.wait_for_timeout(1500)  # polling has stopped: no request replaces the result
    assert page.url == url
    expect(status).to_contain_text("导入完成")

    from hezuo.projects.models import Project

    assert Project.objects.filter(code__startswith="NX-2024-1").count() == 2


def test_a_check_only_upload_of_a_bad_file_lists_the_problems(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    add_agriculture_bureau()
    path = tmp_path / "有错误.xlsx"
    path.write_bytes(workbook(funds=[["NX-2024-101", "2024-13-45", "拨付", -1, "财政援助资金"]]))

    page = open_upload_page(login)
    page.set_input_files("#id_file", str(path))
    page.get_by_label("仅校验，不写入").check()
    page.get_by_role("button", name="上传并导入").click()

    expect(page.locator(".outcome")).to_contain_text("发现 2 处错误，未写入任何数据")
    rows = page.locator("table.problem-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("“2024-13-45”不是有效的日期")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载错误报告 (.xlsx)").click()
    assert download.value.suggested_filename == "错误报告-有错误.xlsx"
