"""A reporter records a 拨付 larger than what was arranged: the form saves it (a 提醒 never
blocks), the record's page says what looks wrong, the 数据质量 page in the navigation lists it
and leads back to the project, whose page says it too; the browser blocks nothing."""

import datetime
from decimal import Decimal

from playwright.sync_api import expect


def test_a_disbursement_beyond_what_was_arranged_is_saved_and_flagged(world, login, page, csp_violations,
                                                                      live_server):
    from hezuo.org.models import Pairing, Program, Region, Unit
    from hezuo.projects.models import FundRecord, Project

    nanxun, xinjiang, kalpin = Unit.objects.get(name="南浔区"), Program.objects.get(name="援疆"), \
        Region.objects.get(code="652929")
    Pairing.objects.create(unit=nanxun, region=kalpin, program=xinjiang, start_year=2021)
    project = Project.objects.create(code="NX-2024-001", name="柯坪县庭院经济", program=xinjiang, unit=nanxun,
                                     partner_region=kalpin, year=2024, total_investment=Decimal("5000000"),
                                     category=Project.Category.RURAL)
    for stage in (FundRecord.Stage.ARRANGED, FundRecord.Stage.ALLOCATED):
        FundRecord.objects.create(project=project, stage=stage, date=datetime.date(2024, 3, 1),
                                  amount=Decimal("1000000"))

    login("bob")
    url = live_server.url
    page.goto(f"{url}/funds/new/?project={project.pk}")
    page.fill("#id_date", "2024-06-15")
    page.select_option("#id_stage", label="拨付")
    page.fill("#id_amount_0", "300")
    page.get_by_role("button", name="保存").click()
    warnings = page.locator(".rule-warnings")
    expect(warnings).to_contain_text("拨付累计 300万元，超过下达累计 100万元")
    expect(warnings).to_contain_text("所属项目 NX-2024-001")

    page.get_by_role("link", name="⚑ 数据质量").click()
    expect(page.locator("h1")).to_have_text("数据质量")
    group = page.locator("#rule-disbursed_over_arranged")
    expect(group).to_contain_text("拨付累计超过安排累计（1）")
    group.get_by_role("link", name="NX-2024-001").click()
    expect(page.locator("h1")).to_contain_text("NX-2024-001")
    expect(page.locator(".rule-warnings")).to_contain_text("拨付累计 300万元，超过安排累计 100万元")
    assert csp_violations == []
