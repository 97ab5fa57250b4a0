"""The fast paths of a large import and of a year's list give what the slow ones give.

An import reads a complete row in one go, remembers the conversions of cells that repeat
(dates, names), takes an optional column's empty cell as its blank value, runs only the row
rules whose fields the sheet has, and pauses the cyclic garbage collector while it holds its
rows. Its bulk insert writes what the ORM would write, whatever the batch. A list of one year
asks dated records for a range of their date (the (date, id) index)."""

import datetime
import gc
import shutil
import tempfile
import threading
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.urls import reverse

from hezuo.access import CONSOLE
from hezuo import rules
from hezuo.core.filters import in_year
from hezuo.imports import cells
from hezuo.imports.services.bulk import fast_insert
from hezuo.imports.services.importer import collector_paused, import_workbook
from hezuo.exchanges.models import Activity, Cadre
from hezuo.projects.models import FundRecord, Project
from tests.base import BaseTestCase
from tests.workbooks import write_workbook


class WorkbookTestCase(BaseTestCase):
    def path(self, name):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder, True)
        return Path(folder) / name


class QuickConverterTest(BaseTestCase):
    def test_an_optional_empty_cell_is_its_blank_value_and_a_required_one_raises(self):
        read = cells.quick(cells.converter("text", FundRecord._meta.get_field("note")), "text", False, "")
        self.assertEqual((read(None), read(""), read("文号")), ("", "", "文号"))
        with self.assertRaises(cells.CellError):
            read("   ")  # spaces only: the row is read cell by cell, which takes it as blank
        required = cells.quick(cells.converter("date"), "date", True, None)
        for empty in (None, ""):
            with self.assertRaises(cells.CellError):
                required(empty)

    def test_remembered_conversions_never_take_one_type_for_another(self):
        read = cells.quick(cells.converter("date"), "date", True, None)
        self.assertEqual(read("2024.03.05"), datetime.date(2024, 3, 5))
        self.assertEqual(read("2024.03.05"), datetime.date(2024, 3, 5))  # remembered
        self.assertEqual(read(45356), datetime.date(2024, 3, 5))  # an Excel serial
        with self.assertRaises(cells.CellError):
            read(True)  # True == 1, but a logical value is no date
        with self.assertRaises(cells.CellError):
            read("2024-13-45")
        with self.assertRaises(cells.CellError):
            read("2024-13-45")  # what raised is not remembered as right


class RowRulesOfASheetTest(BaseTestCase):
    def test_a_sheet_runs_only_the_checks_of_the_fields_it_has(self):
        day = datetime.date(2024, 5, 6)
        every = rules.row_checker(FundRecord)
        funds_sheet = rules.row_checker(FundRecord, fields={"project", "date", "stage", "amount", "source"})
        values = {"date": day, "year": 2023, "amount": Decimal("-1")}
        self.assertEqual({v.rule.code for v in every(values)}, {"year_of_date", "negative"})
        self.assertEqual({v.rule.code for v in funds_sheet(values)}, {"negative"})  # the sheet has no 年度
        with_year = rules.row_checker(FundRecord, fields={"date", "year", "amount"})
        self.assertEqual({v.rule.code for v in with_year(values)}, {"year_of_date", "negative"})

    def test_the_year_of_a_dated_record_is_declared_once(self):
        for model, field in ((FundRecord, "date"), (Activity, "date")):
            self.assertEqual(model.year_from, field)
            self.assertEqual(model.derived_fields(), ("year",))
            self.assertEqual(model.derived_values({field: datetime.date(2023, 12, 31)}), {"year": 2023})
        self.assertEqual((Project.year_from, Project.derived_fields(), Project.derived_values({})), (None, (), {}))


class CollectorPausedTest(WorkbookTestCase):
    def test_the_collector_is_paused_during_an_import_and_resumed_after(self):
        self.assertTrue(gc.isenabled())
        with collector_paused():
            self.assertFalse(gc.isenabled())
            with collector_paused():
                self.assertFalse(gc.isenabled())
            self.assertFalse(gc.isenabled())  # the outer import still runs
        self.assertTrue(gc.isenabled())

    def test_overlapping_imports_in_two_threads_resume_it_when_the_last_ends(self):
        inside, leave = threading.Event(), threading.Event()

        def other():
            with collector_paused():
                inside.set()
                leave.wait(10)

        thread = threading.Thread(target=other)
        thread.start()
        inside.wait(10)
        with collector_paused():
            pass
        self.assertFalse(gc.isenabled())  # the other thread's import is not done
        leave.set()
        thread.join()
        self.assertTrue(gc.isenabled())

    def test_a_collector_paused_by_someone_else_stays_paused(self):
        gc.disable()
        try:
            with collector_paused():
                pass
            self.assertFalse(gc.isenabled())
        finally:
            gc.enable()

    def test_an_import_that_fails_resumes_it(self):
        path = write_workbook(self.path("failing.xlsx"), {"资金": [["项目编号", "日期", "环节", "金额（万元）", "资金来源"],
                                        ["NO-SUCH", "2024-03-05", "拨付", 10, "财政援助资金"]]})
        self.assertFalse(import_workbook(path, CONSOLE).ok)
        self.assertTrue(gc.isenabled())


class FundSheetFastReadTest(WorkbookTestCase):
    def test_blank_optional_cells_and_repeated_cells_import_as_read_one_by_one(self):
        project = self.own["projects"]
        header = ["项目编号", "日期", "环节", "金额（万元）", "资金来源", "备注"]
        rows = [[project.code, "2024.03.05", "拨付", 10, "财政援助资金", None],
                [project.code, "2024.03.05", "安排", 20, "财政援助资金", ""],
                [project.code, "2024.03.05", "下达", 15, "财政援助资金", "湖财预〔2024〕5号"]]
        result = import_workbook(write_workbook(self.path("funds.xlsx"), {"资金": [header, *rows]}), CONSOLE)
        self.assertTrue(result.ok, result.problems)
        stored = FundRecord.objects.filter(project=project, date=datetime.date(2024, 3, 5))
        self.assertEqual(sorted(stored.values_list("stage", "amount", "note")), [
            ("allocated", Decimal("150000.00"), "湖财预〔2024〕5号"),
            ("arranged", Decimal("200000.00"), ""),
            ("disbursed", Decimal("100000.00"), "")])
        self.assertEqual(set(stored.values_list("year", flat=True)), {2024})


class FastInsertTest(BaseTestCase):
    """fast_insert binds what differs from row to row and, on SQLite, writes what every row
    shares into the statement and many rows into one statement."""

    def rows(self, count):
        project = self.own["projects"]
        return [{"project": project.pk, "program": project.program_id, "date": datetime.date(2024, 1, 1 + i % 28),
                 "year": 2024, "stage": FundRecord.Stage.DISBURSED, "amount": Decimal(f"{i}.05"),
                 "source": FundRecord.Source.SOCIAL} for i in range(count)]

    def test_rows_across_statements_are_stored_as_the_orm_stores_them(self):
        before = set(FundRecord.objects.values_list("pk", flat=True))
        shared = "湖财预〔2024〕5号 50%s?'\" VALUES (1); --"  # quotes, a placeholder, SQL: all text
        fast_insert(FundRecord, self.rows(23), same={"note": shared, "created_by": self.alice.pk}, batch_size=7)
        made = FundRecord.objects.exclude(pk__in=before).order_by("amount")
        self.assertEqual(made.count(), 23)
        self.assertEqual(list(made.values_list("amount", flat=True)), [Decimal(f"{i}.05") for i in range(23)])
        self.assertEqual({(r.note, r.created_by_id, r.version, r.year, r.stage, r.source) for r in made},
                         {(shared, self.alice.pk, 1, 2024, "disbursed", "social")})
        self.assertEqual([r.date for r in made[:3]], [datetime.date(2024, 1, 1), datetime.date(2024, 1, 2),
                                                       datetime.date(2024, 1, 3)])
        orm = FundRecord.objects.create(project=self.own["projects"], date=datetime.date(2024, 1, 1),
                                        stage=FundRecord.Stage.DISBURSED, amount=Decimal("0.05"),
                                        source=FundRecord.Source.SOCIAL, note=shared)
        self.assertEqual(FundRecord.objects.filter(date=orm.date, amount=orm.amount, note=shared).count(), 2)

    def test_a_long_shared_value_is_bound_and_stored_whole(self):
        long_note = "湖财预〔2024〕5号；" * 15  # 165 characters: bound on each row, not repeated in the SQL
        before = set(FundRecord.objects.values_list("pk", flat=True))
        fast_insert(FundRecord, self.rows(5), same={"note": long_note}, batch_size=2)
        self.assertEqual(set(FundRecord.objects.exclude(pk__in=before).values_list("note", flat=True)), {long_note})

    def test_a_refused_row_raises_djangos_error_and_nothing_of_the_insert_stays(self):
        rows = self.rows(10)
        rows[8]["amount"] = None  # NOT NULL
        count = FundRecord.objects.count()
        with self.assertRaises(IntegrityError), transaction.atomic():
            fast_insert(FundRecord, rows, batch_size=4)
        self.assertEqual(FundRecord.objects.count(), count)


class YearAsDateRangeTest(BaseTestCase):
    def test_a_dated_record_is_asked_for_its_date_range_and_others_for_their_year(self):
        self.assertEqual(str(in_year(FundRecord, "year", 2024)),
                         "(AND: ('date__range', (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))))")
        self.assertEqual(str(in_year(Cadre, "dispatch__year", 2024)),
                         "(AND: ('dispatch__start_date__range', "
                         "(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))))")
        self.assertEqual(str(in_year(Project, "year", 2024)), "(AND: ('year', 2024))")

    def test_the_fund_list_of_a_year_holds_that_years_records_only(self):
        project = self.own["projects"]
        FundRecord.objects.filter(project=project).delete()
        days = (datetime.date(2023, 12, 31), datetime.date(2024, 1, 1), datetime.date(2024, 12, 31),
                datetime.date(2025, 1, 1))
        for number, day in enumerate(days, start=1):
            FundRecord.objects.create(project=project, date=day, stage=FundRecord.Stage.SPENT,
                                      amount=Decimal(number * 10000))
        self.client.force_login(self.alice)
        page = self.client.get(reverse("funds:list") + f"?year=2024&q={project.code}").content.decode()
        self.assertIn("2024-01-01", page)
        self.assertIn("2024-12-31", page)
        self.assertNotIn("2023-12-31", page)
        self.assertNotIn("2025-01-01", page)
