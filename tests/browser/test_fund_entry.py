"""In a real browser: a reporter enters a project's fund stages in one form from the project's
page, typing 350万 and 1.2亿, and lands back on the project; a city officer picks a fund's
project by searching its name. The browser blocks nothing under the site's CSP."""

from decimal import Decimal

from playwright.sync_api import expect


def a_project(code="NX-2024-007", name="柯坪县湖州新村庭院改造"):
    from hezuo.org.models import Program, Region, Unit
    from hezuo.projects.models import Project

    return Project.objects.create(code=code, name=name, program=Program.objects.get(name="援疆"),
                                  unit=Unit.objects.get(name="南浔区"), partner_region=Region.objects.get(code="652929"),
                                  year=2024, total_investment=Decimal("50000000"))


def test_a_reporter_enters_several_fund_stages_from_the_project_page(world, login, live_server, csp_violations):
    from hezuo.projects.models import FundRecord

    project = a_project()
    page = login("bob")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="＋ 录入资金（可多行）").click()
    expect(page.locator("h1")).to_have_text("录入资金")
    expect(page.locator("#id_form-0-stage")).to_have_value("arranged")
    expect(page.locator("#id_form-2-stage")).to_have_value("disbursed")

    page.fill("#id_form-0-date", "2024-03-05")
    page.fill("#id_form-0-amount_0", "350万")
    page.fill("#id_form-1-date", "2024-04-01")
    page.fill("#id_form-1-amount_0", "300")
    page.fill("#id_form-2-date", "2024-06-10")
    page.fill("#id_form-2-amount_0", "1.2亿")  # 万元 stays selected: the text's own unit wins
    page.get_by_role("button", name="保存全部").click()

    expect(page).to_have_url(f"{live_server.url}/projects/{project.pk}/")
    expect(page.locator(".messages")).to_contain_text("新增 3 条资金：安排 350万元、下达 300万元、拨付 1.2亿元")
    funds = page.locator("section", has=page.locator("h2", has_text="资金")).locator("table.records tbody")
    expect(funds).to_contain_text("350万元")
    expect(funds).to_contain_text("1.2亿元")
    assert sorted(FundRecord.objects.filter(project=project).values_list("stage", "amount")) == [
        ("allocated", Decimal("3000000.00")), ("arranged", Decimal("3500000.00")),
        ("disbursed", Decimal("120000000.00"))]
    assert csp_violations == []


def test_a_bad_row_is_named_and_nothing_is_lost(world, login, live_server):
    from hezuo.projects.models import FundRecord

    project = a_project()
    page = login("bob")
    page.goto(f"{live_server.url}/projects/{project.pk}/funds/new/")
    page.fill("#id_form-0-date", "2024-03-05")
    page.fill("#id_form-0-amount_0", "350万")
    page.fill("#id_form-1-date", "2024-04-01")
    page.fill("#id_form-1-amount_0", "3万5")
    page.get_by_role("button", name="保存全部").click()
    expect(page.locator(".form-errors")).to_contain_text("第 2 行 金额：“3万5”有歧义")
    expect(page.locator("#id_form-0-amount_0")).to_have_value("350万")
    assert not FundRecord.objects.filter(project=project).exists()


def test_a_city_officer_picks_the_project_by_searching_its_name(world, login, live_server, csp_violations):
    from hezuo.projects.models import FundRecord

    project = a_project()
    for n in range(1, 13):  # more projects than suggestions shown
        a_project(code=f"NX-2024-1{n:02d}", name=f"南浔区产业帮扶项目{n}")
    page = login("alice")
    page.goto(f"{live_server.url}/funds/new/")
    page.locator("#id_project").fill("湖州新村")
    option = page.locator("#id_project-list option")
    expect(option).to_have_count(1)
    expect(option).to_have_attribute("value", "NX-2024-007 柯坪县湖州新村庭院改造")
    page.locator("#id_project").fill(option.get_attribute("value"))  # what choosing the suggestion does
    page.fill("#id_date", "2024-05-06")
    page.select_option("#id_stage", label="安排")
    page.fill("#id_amount_0", "350万")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("h1")).to_have_text("NX-2024-007 安排 2024-05-06")
    fund = FundRecord.objects.get(project=project)
    assert fund.amount == Decimal("3500000.00")

    page.goto(f"{live_server.url}/funds/new/")
    page.locator("#id_project").fill("NX-2024-1")  # by code: a handful, not all twelve
    expect(page.locator("#id_project-list option")).to_have_count(10)
    assert csp_violations == []
