"""A project's page enters several fund stages in one form (安排, 下达, 拨付, 支出, one row
each), saves them together or not at all, and returns to the project."""

from decimal import Decimal

from auditlog.models import LogEntry
from django.urls import reverse
from django.utils.html import strip_tags

from hezuo.projects.models import FundRecord
from tests.base import BaseTestCase

STAGES = ["arranged", "allocated", "disbursed", "spent"]


def rows(*filled, extra=0):
    """The POST of the several-row form: one row per stage, `filled` = {row: {field: value}}."""
    count = len(STAGES) + extra
    data = {"form-TOTAL_FORMS": str(count), "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "50"}
    for n in range(count):
        data.update({f"form-{n}-date": "", f"form-{n}-stage": STAGES[n] if n < len(STAGES) else "",
                     f"form-{n}-amount_0": "", f"form-{n}-amount_1": "万元", f"form-{n}-source": "fiscal_aid",
                     f"form-{n}-note": ""})
    for n, values in filled:
        data.update({f"form-{n}-{name}": value for name, value in values.items()})
    return data


class FundStagesFormTestCase(BaseTestCase):
    def setUp(self):
        self.project = self.own["projects"]
        self.url = reverse("projects:add_funds", args=[self.project.pk])
        self.client.force_login(self.bob)

    def funds(self):
        return list(FundRecord.objects.filter(project=self.project).exclude(pk=self.own["funds"].pk)
                    .order_by("pk").values_list("stage", "date", "amount"))

    def test_the_project_page_links_to_it(self):
        r = self.client.get(reverse("projects:detail", args=[self.project.pk]))
        self.assertContains(r, f'href="{self.url}"')
        self.assertContains(r, "录入资金（可多行）")

    def test_it_offers_one_row_per_stage(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        for n, stage in enumerate(STAGES):
            self.assertContains(r, f'<option value="{stage}" selected>', msg_prefix=f"row {n}")
        self.assertContains(r, self.project.code)

    def test_it_saves_several_stages_and_returns_to_the_project(self):
        data = rows((0, {"date": "2024-03-05", "amount_0": "350万"}),
                    (1, {"date": "2024-04-01", "amount_0": "300", "amount_1": "万元"}),
                    (2, {"date": "2024-06-10", "amount_0": "1.2亿", "source": "provincial", "note": "湖财〔2024〕5号"}))
        r = self.client.post(self.url, data)
        self.assertRedirects(r, reverse("projects:detail", args=[self.project.pk]), fetch_redirect_response=False)
        from datetime import date

        self.assertEqual(self.funds(), [
            ("arranged", date(2024, 3, 5), Decimal("3500000.00")),
            ("allocated", date(2024, 4, 1), Decimal("3000000.00")),
            ("disbursed", date(2024, 6, 10), Decimal("120000000.00")),
        ])
        fund = FundRecord.objects.get(project=self.project, stage="disbursed")
        self.assertEqual((fund.program_id, fund.year, fund.source, fund.note, fund.created_by),
                         (self.project.program_id, 2024, "provincial", "湖财〔2024〕5号", self.bob))
        page = strip_tags(self.client.get(r.url).content.decode())
        self.assertIn("新增 3 条资金：安排 350万元、下达 300万元、拨付 1.2亿元", page)
        # Each one audited like a single save.
        new = FundRecord.objects.filter(project=self.project).exclude(pk=self.own["funds"].pk)
        self.assertEqual(LogEntry.objects.get_for_objects(new).filter(action=LogEntry.Action.CREATE,
                                                                      actor=self.bob).count(), 3)

    def test_one_bad_row_saves_nothing_and_names_the_row_and_column(self):
        data = rows((0, {"date": "2024-03-05", "amount_0": "350万"}),
                    (2, {"date": "2024-06-10", "amount_0": "超1.5万"}),
                    (3, {"amount_0": "20"}))
        r = self.client.post(self.url, data)
        self.assertEqual(r.status_code, 422)
        page = strip_tags(r.content.decode())
        self.assertIn("第 3 行 金额：“超1.5万”带有“超”，不是确切金额", page)
        self.assertIn("第 4 行 日期：这个字段是必填项。", page)
        self.assertNotIn("第 2 行", page)  # left empty: not an entry
        self.assertEqual(self.funds(), [])
        self.assertIn('value="350万"', r.content.decode())  # nothing typed is lost

    def test_an_empty_form_is_refused(self):
        r = self.client.post(self.url, rows())
        self.assertEqual(r.status_code, 422)
        self.assertIn("没有填写任何资金", strip_tags(r.content.decode()))
        self.assertEqual(self.funds(), [])

    def test_another_row_keeps_what_was_typed_and_saves_nothing(self):
        r = self.client.post(self.url, {**rows((0, {"date": "2024-03-05", "amount_0": "350万"})), "add_row": "1"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'name="form-TOTAL_FORMS" value="5"')
        self.assertContains(r, 'name="form-4-amount_0"')
        self.assertContains(r, 'value="350万"')
        self.assertNotContains(r, "这个字段是必填项")
        self.assertEqual(self.funds(), [])

        data = rows((0, {"date": "2024-03-05", "amount_0": "350万"}),
                    (4, {"date": "2024-09-01", "stage": "disbursed", "amount_0": "50"}), extra=1)
        r = self.client.post(self.url, data)
        self.assertEqual(r.status_code, 302)
        self.assertEqual(len(self.funds()), 2)

    def test_another_districts_project_is_not_found(self):
        url = reverse("projects:add_funds", args=[self.other["projects"].pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        r = self.client.post(url, rows((0, {"date": "2024-03-05", "amount_0": "350万"})))
        self.assertEqual(r.status_code, 404)
        self.assertEqual(FundRecord.objects.filter(project=self.other["projects"]).count(), 1)

    def test_a_leader_may_not_enter_funds(self):
        self.client.force_login(self.lily)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertNotContains(self.client.get(reverse("projects:detail", args=[self.project.pk])), self.url)


class OneFundFromTheProjectPageTestCase(BaseTestCase):
    def test_a_single_fund_opened_from_the_project_page_returns_to_it(self):
        project = self.own["projects"]
        detail = reverse("projects:detail", args=[project.pk])
        self.client.force_login(self.bob)
        page = self.client.get(detail).content.decode()
        link = f'{reverse("funds:create")}?project={project.pk}&amp;next={detail}'
        self.assertIn(link, page)
        r = self.client.get(link.replace("&amp;", "&"))
        self.assertContains(r, f'<input type="hidden" name="next" value="{detail}">', html=True)
        r = self.client.post(reverse("funds:create"), {
            "project": project.code, "date": "2024-07-01", "stage": "allocated", "amount_0": "350万",
            "amount_1": "万元", "source": "fiscal_aid", "note": "", "next": detail})
        self.assertRedirects(r, detail, fetch_redirect_response=False)

    def test_it_never_returns_to_another_site(self):
        self.client.force_login(self.bob)
        r = self.client.post(reverse("funds:create"), {
            "project": self.own["projects"].code, "date": "2024-07-01", "stage": "allocated", "amount_0": "1",
            "amount_1": "万元", "source": "fiscal_aid", "note": "", "next": "https://example.com/"})
        fund = FundRecord.objects.latest("pk")
        self.assertRedirects(r, reverse("funds:detail", args=[fund.pk]), fetch_redirect_response=False)
