"""The 岗位 sheet: one import creates the employers it names and their postings; a wrong
credit code is refused naming its row and column, and nothing is written; export → import
round-trips."""

import datetime
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl

from hezuo.access import CONSOLE
from hezuo.imports.services.exporter import export_workbook
from hezuo.imports.services.importer import import_workbook
from hezuo.jobs.models import Employer, Posting
from tests.jobs_world import JobsTestCase, code
from tests.workbooks import write_workbook

HEADER = ["企业名称", "统一社会信用代码", "岗位名称", "招聘人数", "薪资下限（元/月）", "薪资上限（元/月）", "工作地点", "联系人",
          "联系电话", "有效期至", "招聘活动", "岗位类别", "岗位要求", "福利待遇"]
EVENT = "南浔赴柯坪劳务协作招聘会"
UNTIL = datetime.date(2025, 3, 31)


def row(employer="南浔童装有限公司", credit_code=None, title="缝纫工", **changes):
    values = dict(zip(HEADER, [employer, credit_code or code(40), title, 12, 5500, "8,000", "湖州市吴兴区织里镇", "沈女士",
                               "13905721234", UNTIL, EVENT, "纺织服装", "18–45周岁", "包住宿，报销来湖路费"]))
    values.update(changes)
    return [values[h] for h in HEADER]


class JobSheetTestCase(JobsTestCase):
    def setUp(self):
        self.dir = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def run_import(self, rows, user=None, dry_run=False):
        path = write_workbook(self.dir / "jobs.xlsx", {"岗位": [HEADER, *rows]})
        return import_workbook(path, user or CONSOLE, dry_run=dry_run)

    def counts(self):
        return Employer.objects.count(), Posting.objects.count()

    def test_it_creates_employers_and_their_postings_in_one_import(self):
        result = self.run_import([row(), row(title="整烫工"), row("湖州丝绸有限公司", code(41), "挡车工")])

        self.assertEqual([str(p) for p in result.problems], [])
        self.assertEqual([(s.name, s.created) for s in result.sheets], [("岗位", 3)])
        self.assertIn("工作表“岗位”新增用工企业 2 家", result.notes)
        children = Employer.objects.get(credit_code=code(40))
        # A new employer belongs to the unit organising the event it recruits at.
        self.assertEqual((children.name, children.unit), ("南浔童装有限公司", self.nanxun))
        sewer = Posting.objects.get(title="缝纫工")
        self.assertEqual((sewer.employer, sewer.event, sewer.headcount), (children, self.baishan, 12))
        self.assertEqual((sewer.salary_min, sewer.salary_max), (Decimal("5500.00"), Decimal("8000.00")))
        self.assertEqual((sewer.category, sewer.benefits, sewer.valid_until), ("纺织服装", "包住宿，报销来湖路费", UNTIL))
        self.assertEqual(sewer.state, Posting.State.PENDING)  # published through the gate, later
        self.assertGreaterEqual(len(sewer.token), 8)

    def test_an_employer_in_the_system_is_named_by_its_credit_code(self):
        self.run_import([row(self.elevator.name, self.elevator.credit_code, "钳工")])
        self.assertEqual(Posting.objects.get(title="钳工").employer, self.elevator)
        self.assertEqual(Employer.objects.count(), 2)

    def test_a_wrong_credit_code_is_refused_naming_its_row_and_column(self):
        before = self.counts()
        wrong = code(40)[:-1] + ("0" if code(40)[-1] != "0" else "1")
        result = self.run_import([row(), row(title="整烫工", credit_code=wrong)])
        self.assertEqual([str(p) for p in result.problems],
                         [f"工作表“岗位” 第3行 B列（统一社会信用代码）：统一社会信用代码“{wrong}”的校验位不正确"])
        self.assertEqual(self.counts(), before, "nothing is written")

    def test_one_credit_code_with_two_names_is_refused(self):
        result = self.run_import([row(), row("南浔童装厂", title="整烫工")])
        self.assertEqual([str(p) for p in result.problems],
                         ["工作表“岗位” 第3行 A列（企业名称）：与第 2 行的企业名称“南浔童装有限公司”不一致（统一社会信用代码相同），"
                          "值为“南浔童装厂”"])
        self.assertEqual(Employer.objects.count(), 2)

    def test_a_salary_range_upside_down_is_refused(self):
        result = self.run_import([row(**{"薪资下限（元/月）": 9000})])
        self.assertEqual([str(p) for p in result.problems],
                         ["工作表“岗位” 第2行 F列（薪资上限（元/月））：薪资上限不能低于薪资下限"])
        self.assertEqual(Posting.objects.count(), 3)

    def test_an_unknown_event_is_refused(self):
        result = self.run_import([row(招聘活动="白山招聘会")])
        self.assertIn("没有名为“白山招聘会”的招聘活动", str(result.problems[0]))
        self.assertEqual(Posting.objects.count(), 3)

    def test_a_reporter_imports_only_for_their_units_events(self):
        self.assertEqual([str(p) for p in self.run_import([row()], user=self.bob).problems], [])
        result = self.run_import([row(title="整烫工")], user=self.charlie)
        self.assertIn("您的数据范围内没有名为“南浔赴柯坪劳务协作招聘会”的招聘活动", str(result.problems[0]))

    def test_a_dry_run_writes_nothing(self):
        before = self.counts()
        result = self.run_import([row()], dry_run=True)
        self.assertTrue(result.ok)
        self.assertEqual(self.counts(), before)

    def test_importing_the_same_rows_again_changes_nothing(self):
        self.run_import([row(), row(title="整烫工")])
        again = self.run_import([row(), row(title="整烫工")])
        self.assertEqual([(s.created, s.updated, s.unchanged) for s in again.sheets], [(0, 0, 2)])
        self.assertEqual(Employer.objects.count(), 3)

    def test_export_then_import_round_trips_the_sheet(self):
        Posting.objects.filter(pk=self.welder.pk).update(salary_min=Decimal("5123.45"), requirements="=持证上岗")
        path = self.dir / "out.xlsx"
        export_workbook(path, CONSOLE)
        sheet = openpyxl.load_workbook(path)["岗位"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:3], ("企业名称", "统一社会信用代码", "岗位名称"))
        self.assertEqual(len(rows), 4)
        before = sorted(Posting.objects.values_list("title", "employer__credit_code", "salary_min", "salary_max",
                                                    "requirements", "valid_until", "event__name", "token", "version"))

        result = import_workbook(path, CONSOLE)

        jobs = next(s for s in result.sheets if s.name == "岗位")
        self.assertEqual((jobs.created, jobs.updated, jobs.unchanged), (0, 0, 3))
        after = sorted(Posting.objects.values_list("title", "employer__credit_code", "salary_min", "salary_max",
                                                   "requirements", "valid_until", "event__name", "token", "version"))
        self.assertEqual(after, before)

    def test_the_blank_template_carries_the_sheet(self):
        path = self.dir / "blank.xlsx"
        export_workbook(path, blank=True)
        book = openpyxl.load_workbook(path)
        self.assertEqual([c.value for c in book["岗位"][1]][:3], ["企业名称", "统一社会信用代码", "岗位名称"])
        self.assertTrue(import_workbook(path, CONSOLE).ok)
