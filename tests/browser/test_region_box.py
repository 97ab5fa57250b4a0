"""The record forms' region box finds a village of the package by its path, before anyone
loaded it, and saving the form loads it with its town."""

from playwright.sync_api import expect


def test_a_reporter_picks_a_village_by_its_path(world, login, live_server):
    from hezuo.org.models import Region

    assert not Region.objects.filter(code="652929100200").exists()
    page = login("bob")
    page.goto(f"{live_server.url}/projects/new/")
    page.fill("#id_code", "NX-2024-002")
    page.fill("#id_name", "喀拉库提村庭院改造")
    page.select_option("#id_program", label="援疆")
    page.select_option("#id_unit", label="南浔区")
    page.fill("#id_partner_region", "柯坪县柯坪镇喀拉库提村")
    option = page.locator("#id_partner_region-list option").first
    expect(option).to_have_attribute("value", "652929100200 新疆维吾尔自治区 阿克苏地区 柯坪县 柯坪镇 喀拉库提村")
    page.fill("#id_partner_region", option.get_attribute("value"))
    page.fill("#id_year", "2024")
    page.fill("#id_total_investment_0", "100")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("h1")).to_have_text("NX-2024-002 喀拉库提村庭院改造")
    expect(page.locator(".field", has_text="结对地区").locator("dd")).to_contain_text("喀拉库提村")
    village = Region.objects.get(code="652929100200")
    assert (village.parent.code, village.parent.name, village.from_package) == ("652929100", "柯坪镇", True)


def test_a_name_missing_its_suffix_is_answered_with_the_suggestion(world, login, live_server):
    page = login("bob")
    page.goto(f"{live_server.url}/projects/new/")
    page.fill("#id_code", "NX-2024-003")
    page.fill("#id_name", "桐乡项目")
    page.select_option("#id_program", label="援疆")
    page.select_option("#id_unit", label="南浔区")
    page.fill("#id_partner_region", "桐乡")
    page.fill("#id_year", "2024")
    page.fill("#id_total_investment_0", "100")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("form.record-form")).to_contain_text("结对地区：没有地区“桐乡”，是否为：桐乡市（330483）？")
