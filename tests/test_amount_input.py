"""Amount boxes read what people type the way the importer reads a cell: 350万, 1.2亿,
2,838万元, 三百五十万, with 元/万元/亿元 to choose. A text's own unit wins over the select;
what is not one exact amount is refused naming the field, never guessed."""

from decimal import Decimal

from django.urls import reverse
from django.utils.html import strip_tags

from hezuo import numbers
from hezuo.projects.models import FundRecord, Project
from tests.base import BaseTestCase
from tests.record_data import form_data, new_record_data


class AmountInputTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)
        self.fund = self.own["funds"]

    def post_fund_amount(self, typed, unit):
        data = form_data(self.fund, amount_0=typed, amount_1=unit)
        return self.client.post(reverse("funds:edit", args=[self.fund.pk]), data)

    def stored(self):
        return FundRecord.objects.get(pk=self.fund.pk).amount

    def test_it_reads_chinese_number_text_like_the_importer(self):
        typed = [
            ("350万", "万元", Decimal("3500000.00")),
            ("350万元", "元", Decimal("3500000.00")),
            ("1.2亿", "万元", Decimal("120000000.00")),  # the text's own unit wins over the select
            ("1.2", "亿元", Decimal("120000000.00")),
            ("2,838万元", "元", Decimal("28380000.00")),
            ("三百五十万", "元", Decimal("3500000.00")),
            ("３０００", "元", Decimal("3000.00")),
            ("15000元", "万元", Decimal("15000.00")),
            (" 2838.5 ", "万元", Decimal("28385000.00")),
        ]
        for text, unit, expected in typed:
            with self.subTest(typed=text, unit=unit):
                self.fund.refresh_from_db()
                r = self.post_fund_amount(text, unit)
                self.assertEqual(r.status_code, 302, strip_tags(r.content.decode())[-400:])
                self.assertEqual(self.stored(), expected)
                self.assertEqual(self.stored(), numbers.parse_amount(text.strip(), unit))  # one parser

    def test_it_refuses_what_is_not_one_exact_amount_naming_the_field(self):
        refused = [
            ("超1.5万", "万元", "金额：“超1.5万”带有“超”，不是确切金额，请填写确切的数"),
            ("3000多万", "万元", "金额：“3000多万”带有“多”，不是确切金额"),
            ("3万5", "万元", "金额：“3万5”有歧义：末尾的数字省略了数位，请把数字写完整"),
            ("3-5万", "万元", "金额：“3-5万”是一个范围，不是确定的数值"),
            ("15%", "万元", "金额：“15%”的单位是“%”，不是金额"),
            ("1e3", "元", "金额：“1e3”是科学记数法，请写出完整的数字"),
            ("-100", "万元", "金额：金额不能为负数"),
            ("一亿亿", "亿元", "金额：“一亿亿”的数位顺序不对"),
            ("9999999999", "亿元", "金额：金额过大，请检查单位是否选错"),
        ]
        before = self.stored()
        for text, unit, message in refused:
            with self.subTest(typed=text):
                self.fund.refresh_from_db()
                r = self.post_fund_amount(text, unit)
                self.assertEqual(r.status_code, 422)
                page = strip_tags(r.content.decode())
                self.assertIn(message, page)
                self.assertIn(f'value="{text}"', r.content.decode())  # what was typed stays in the box
                self.assertEqual(self.stored(), before)

    def test_the_unit_select_offers_yuan_wan_and_yi(self):
        r = self.client.get(reverse("funds:create"))
        for unit in ("元", "万元", "亿元"):
            self.assertContains(r, f'<option value="{unit}"', msg_prefix=unit)

    def test_a_new_amount_box_starts_on_wan_yuan(self):
        r = self.client.get(reverse("projects:create"))
        self.assertContains(r, '<option value="万元" selected>万元</option>', html=True)

    def test_the_edit_form_shows_large_amounts_in_yi_yuan_when_exact(self):
        shown = [
            (Decimal("174000000.00"), "1.74", "亿元"),
            (Decimal("123456700.00"), "12345.67", "万元"),  # 亿元 would need 6 decimals
            (Decimal("28385000.00"), "2838.5", "万元"),
            (Decimal("12345.67"), "12345.67", "元"),
        ]
        project = self.own["projects"]
        for stored, number, unit in shown:
            with self.subTest(stored=stored):
                Project.objects.filter(pk=project.pk).update(total_investment=stored)
                r = self.client.get(reverse("projects:edit", args=[project.pk]))
                self.assertContains(r, f'name="total_investment_0" value="{number}"')
                self.assertContains(r, f'<option value="{unit}" selected>{unit}</option>', html=True)
                # Saved back unchanged, to the fen.
                r = self.client.post(reverse("projects:edit", args=[project.pk]),
                                     form_data(Project.objects.get(pk=project.pk)))
                self.assertEqual(r.status_code, 302)
                self.assertEqual(Project.objects.get(pk=project.pk).total_investment, stored)

    def test_a_new_project_takes_its_investment_as_text(self):
        data = {**new_record_data(self.own["projects"]), "total_investment_0": "1.2亿", "total_investment_1": "万元"}
        r = self.client.post(reverse("projects:create"), data)
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Project.objects.get(code=data["code"]).total_investment, Decimal("120000000.00"))
