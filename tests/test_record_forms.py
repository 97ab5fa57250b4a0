"""Record forms speak Chinese and keep money exact: an invalid form comes back with status
422, a message naming the field, and nothing written; amounts typed in 万元 are stored
exactly in 元, and pages show them in 万元/亿元 with the exact 元 on hover."""

from decimal import Decimal

from django.urls import reverse
from django.utils.html import strip_tags

from hezuo.projects.models import FundRecord, Project
from tests.base import BaseTestCase
from tests.record_data import form_data, new_record_data


class RecordFormTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)
        self.project = self.own["projects"]

    def create_project(self, **changes):
        data = {**new_record_data(self.project), **changes}
        return self.client.post(reverse("projects:create"), data)

    def assertRefused(self, r, message):
        """The form came back (422) with `message` ("字段：问题") and no project was added."""
        self.assertEqual(r.status_code, 422)
        self.assertIn(message, strip_tags(r.content.decode()))
        self.assertEqual(Project.objects.count(), 2)

    # Validation

    def test_it_requires_the_project_name(self):
        r = self.create_project(name="")
        self.assertRefused(r, "项目名称：这个字段是必填项。")

    def test_it_rejects_a_negative_amount(self):
        r = self.create_project(total_investment_0="-100", total_investment_1="万元")
        self.assertRefused(r, "总投资：金额不能为负数")

    def test_it_rejects_an_amount_that_is_not_a_number(self):
        r = self.create_project(total_investment_0="若干", total_investment_1="万元")
        self.assertRefused(r, "总投资：“若干”不是确定的数值，请填写金额，例如 2838、350万、1.2亿")

    def test_it_rejects_an_unknown_region_code(self):
        r = self.create_project(partner_region="999999")
        self.assertRefused(r, "结对地区：没有区划代码为 999999 的地区")

    def test_it_shows_the_region_as_typed_when_the_form_comes_back(self):
        r = self.create_project(partner_region="柯坪县", name="")
        self.assertRefused(r, "项目名称：这个字段是必填项。")
        self.assertContains(r, 'value="柯坪县"', status_code=422)

    def test_it_rejects_an_end_date_before_the_start_date(self):
        r = self.create_project(start_date="2024-05-01", end_date="2024-04-30")
        self.assertRefused(r, "完工日期：完工日期不能早于开工日期")

    def test_it_rejects_a_duplicate_project_code(self):
        r = self.create_project(code=self.project.code)
        self.assertRefused(r, "项目编号：具有 项目编号 的 项目 已存在。")

    def test_an_invalid_edit_changes_nothing(self):
        data = form_data(self.project, name="", total_investment_0="-1")
        r = self.client.post(reverse("projects:edit", args=[self.project.pk]), data)
        self.assertEqual(r.status_code, 422)
        text = strip_tags(r.content.decode())
        self.assertIn("项目名称：这个字段是必填项。", text)
        self.assertIn("总投资：金额不能为负数", text)

        project = Project.objects.get(pk=self.project.pk)
        self.assertEqual((project.name, project.total_investment, project.version),
                         ("南浔示范项目", Decimal("5000000.00"), self.project.version))

    # Money in, money out

    def test_it_stores_an_amount_typed_in_wan_yuan_exactly_in_yuan(self):
        typed = [
            ("2838", "万元", Decimal("28380000.00")),
            ("2838.5", "万元", Decimal("28385000.00")),
            ("0.0001", "万元", Decimal("1.00")),
            ("2,838", "万元", Decimal("28380000.00")),
            ("1234.56", "元", Decimal("1234.56")),
        ]
        for n, (number, unit, stored) in enumerate(typed, start=1):
            with self.subTest(typed=f"{number}{unit}"):
                code = f"HZ-2024-{n:03d}"
                r = self.create_project(code=code, total_investment_0=number, total_investment_1=unit)
                self.assertEqual(r.status_code, 302)
                self.assertEqual(Project.objects.get(code=code).total_investment, stored)

    def test_it_stores_a_fund_amount_in_yuan(self):
        fund = self.own["funds"]
        data = form_data(fund, amount_0="99.87", amount_1="万元")
        r = self.client.post(reverse("funds:edit", args=[fund.pk]), data)
        self.assertEqual(r.status_code, 302)
        self.assertEqual(FundRecord.objects.get(pk=fund.pk).amount, Decimal("998700.00"))

    def test_the_edit_form_shows_an_amount_in_wan_yuan_when_that_is_exact(self):
        Project.objects.filter(pk=self.project.pk).update(total_investment=Decimal("28385000.00"))
        r = self.client.get(reverse("projects:edit", args=[self.project.pk]))
        self.assertContains(r, 'name="total_investment_0" value="2838.5"')
        self.assertContains(r, '<option value="万元" selected>万元</option>', html=True)

    def test_the_edit_form_falls_back_to_yuan_rather_than_round(self):
        Project.objects.filter(pk=self.project.pk).update(total_investment=Decimal("12345.67"))
        r = self.client.get(reverse("projects:edit", args=[self.project.pk]))
        self.assertContains(r, 'name="total_investment_0" value="12345.67"')
        self.assertContains(r, '<option value="元" selected>元</option>', html=True)

        r = self.client.post(reverse("projects:edit", args=[self.project.pk]),
                             form_data(Project.objects.get(pk=self.project.pk)))
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Project.objects.get(pk=self.project.pk).total_investment, Decimal("12345.67"))

    def test_the_detail_page_shows_wan_yuan_with_the_exact_amount_on_hover(self):
        Project.objects.filter(pk=self.project.pk).update(total_investment=Decimal("28380000.00"))
        r = self.client.get(reverse("projects:detail", args=[self.project.pk]))
        self.assertContains(r, '<dd title="28,380,000.00元">2838万元</dd>', html=True)

    def test_the_detail_page_shows_yi_yuan_for_large_amounts(self):
        Project.objects.filter(pk=self.project.pk).update(total_investment=Decimal("174000000.00"))
        r = self.client.get(reverse("projects:detail", args=[self.project.pk]))
        self.assertContains(r, '<dd title="174,000,000.00元">1.74亿元</dd>', html=True)
