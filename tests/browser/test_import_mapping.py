"""A city officer checks a workbook whose status column holds the office's own word
(开工建设): the page offers to say what it means, the choice re-checks the kept file and
previews it, and 确认导入 imports that same upload — no CSP rule broken on the way."""

import openpyxl
from playwright.sync_api import expect

from tests.test_import_bad_input import PROJECT_HEADER


def test_a_city_officer_maps_an_unknown_word_previews_and_confirms(world, login, page, csp_violations, settings,
                                                                  tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    path = tmp_path / "2024年项目.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(PROJECT_HEADER)
    ws.append(["NX-2024-301", "核桃加工厂", "援疆", "南浔区", "652929", "产业合作", 2024, 100, "开工建设"])
    ws.append(["NX-2024-302", "柯坪研学基地", "援疆", "南浔区", "652929", "产业合作", 2024, 50, "开工建设"])
    wb.save(path)

    login("alice")
    page.goto(page.url + "imports/new/")
    page.set_input_files("#id_file", str(path))
    page.get_by_label("仅校验，不写入").check()
    page.get_by_role("button", name="上传并导入").click()

    unknown = page.locator("table.unknown-table tbody tr")
    expect(unknown).to_have_count(1)
    expect(unknown.first).to_contain_text("开工建设")
    expect(unknown.first.locator("td.num")).to_have_text("2")
    expect(unknown.first).to_contain_text("以后也这样识别（保存为字典别名）")
    unknown.first.locator("select").select_option("实施中")
    page.get_by_role("button", name="按所选映射重新校验").click()

    preview = page.locator("section.preview")
    expect(preview).to_contain_text("项目：将新增 2 条，更新 0 条，未变 0 条")
    expect(page.locator(".fields")).to_contain_text("项目.状态:开工建设=实施中")
    page.get_by_role("button", name="确认导入").click()

    expect(page.locator(".outcome")).to_contain_text("导入完成：共 2 行，新增 2 条")
    from hezuo.projects.models import Project

    assert dict(Project.objects.filter(code__startswith="NX-2024-3").values_list("code", "status")) == {
        "NX-2024-301": "active", "NX-2024-302": "active"}
    assert csp_violations == []
