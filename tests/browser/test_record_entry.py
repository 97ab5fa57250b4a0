"""A district reporter enters a project in a real browser, picking the partner region
from the suggestions as they type, and reads it back."""

from decimal import Decimal

from playwright.sync_api import expect


def test_a_reporter_enters_a_project_with_region_suggestions(world, login, live_server):
    page = login("bob")
    page.get_by_role("navigation").get_by_role("link", name="▤ 项目").click()
    page.get_by_role("link", name="＋ 新增项目").click()
    page.fill("#id_code", "NX-2024-001")
    page.fill("#id_name", "柯坪县湖州新村庭院改造")
    page.select_option("#id_program", label="援疆")
    page.select_option("#id_unit", label="南浔区")
    page.fill("#id_partner_region", "柯坪")
    option = page.locator("#id_partner_region-list option").first
    expect(option).to_have_attribute("value", "652929 新疆维吾尔自治区 阿克苏地区 柯坪县")
    page.fill("#id_partner_region", option.get_attribute("value"))
    page.fill("#id_year", "2024")
    page.fill("#id_total_investment_0", "2838")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("h1")).to_have_text("NX-2024-001 柯坪县湖州新村庭院改造")
    expect(page.locator(".field", has_text="总投资").locator("dd")).to_have_text("2838万元")
    expect(page.locator(".field", has_text="总投资").locator("dd")).to_have_attribute("title", "28,380,000.00元")

    from hezuo.projects.models import Project

    project = Project.objects.get(code="NX-2024-001")
    assert project.total_investment == Decimal("28380000.00")
    assert project.partner_region.code == "652929"


def test_a_bad_form_names_the_field_in_chinese(world, login):
    page = login("bob")
    page.get_by_role("navigation").get_by_role("link", name="▤ 项目").click()
    page.get_by_role("link", name="＋ 新增项目").click()
    page.fill("#id_total_investment_0", "-5")
    page.get_by_role("button", name="保存").click()
    errors = page.locator(".form-errors")
    expect(errors).to_contain_text("项目名称：这个字段是必填项。")
    expect(errors).to_contain_text("总投资：金额不能为负数")


def test_the_phone_layout_folds_the_menu_and_stacks_tables(world, login, page):
    page.set_viewport_size({"width": 390, "height": 844})
    login("alice")
    page.goto(page.url + "projects/")
    expect(page.locator(".sidebar details")).not_to_have_attribute("open", "")
    expect(page.locator("table.records thead")).to_be_hidden()
    page.click(".sidebar summary")
    expect(page.locator(".sidebar", has_text="交流活动")).to_be_visible()
