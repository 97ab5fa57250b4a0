"""One gate for every write (hezuo/gate.py): a leader, an admin, an auditor and a caller with
no actor are refused on every path that writes — the record service (create, update, several
rows, delete, restore), the importer, the cascades, the console — and a district reporter
writes only inside their unit's subtree, a record whose unit cannot be determined included."""

import datetime
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from hezuo import gate
from hezuo.access import CONSOLE
from hezuo.core.kinds import kind_for_model
from hezuo.core.services.records import delete_record, restore_record, save_record, save_records
from hezuo.core.views import form_class
from hezuo.imports.services.importer import import_workbook
from hezuo.projects.models import FundRecord, Project
from hezuo.trash.models import TrashEntry
from tests.base import BaseTestCase
from tests.record_data import form_data, new_record_data
from tests.test_import_bad_input import FUND_HEADER
from tests.workbooks import write_workbook


def bound_form(obj, data, instance=None):
    form = form_class(kind_for_model(type(obj)))(data, instance=instance)
    assert form.is_valid(), form.errors
    return form


class GateTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.fund = cls.own["funds"]
        cls.project = cls.own["projects"]

    def setUp(self):
        self.dir = Path(self.enterContext(TemporaryDirectory()))

    def new_fund_form(self):
        return bound_form(self.fund, new_record_data(self.fund))

    def changed_fund_form(self, fund=None):
        fund = fund or FundRecord.objects.get(pk=self.fund.pk)
        return bound_form(fund, form_data(fund, amount_0="99", amount_1="万元"), instance=fund)

    def fund_workbook(self, amount=33):
        return write_workbook(self.dir / "funds.xlsx", {"资金": [
            FUND_HEADER, [self.project.code, datetime.date(2024, 5, 6), "安排", amount, "财政援助资金"]]})


class EveryWritePathRefusesTestCase(GateTestCase):
    NOT_WRITERS = ("lily", "adam", "otto")

    def writers_refused(self):
        for name in self.NOT_WRITERS:
            yield name, getattr(self, name)

    def test_the_record_service_refuses_them_a_new_record(self):
        for name, user in self.writers_refused():
            with self.subTest(name):
                with self.assertRaises(gate.WriteRefused):
                    save_record(self.new_fund_form(), user)
        self.assertEqual(FundRecord.objects.count(), 2)

    def test_the_record_service_refuses_them_an_update_the_view_never_checked(self):
        for name, user in self.writers_refused():
            with self.subTest(name):
                with self.assertRaises(gate.WriteRefused) as refused:
                    save_record(self.changed_fund_form(), user, expected_version=1)
                if name == "lily":
                    self.assertIn("领导账号只能查看", str(refused.exception))
        self.assertEqual(FundRecord.objects.get(pk=self.fund.pk).amount, Decimal("1200000.00"))

    def test_several_rows_are_refused_whole(self):
        with self.assertRaises(gate.WriteRefused):
            save_records([self.new_fund_form(), self.new_fund_form()], self.lily)
        self.assertEqual(FundRecord.objects.count(), 2)

    def test_delete_and_restore_are_refused(self):
        for name, user in self.writers_refused():
            with self.subTest(name), self.assertRaises(PermissionDenied):
                delete_record(self.fund, user, expected_version=1)
        self.assertTrue(FundRecord.objects.filter(pk=self.fund.pk).exists())
        delete_record(self.fund, self.alice, expected_version=1)
        entry = TrashEntry.objects.get()
        for name, user in (*self.writers_refused(), ("bob", self.bob)):
            with self.subTest(name), self.assertRaises(PermissionDenied):
                restore_record(entry.pk, user)
        self.assertFalse(FundRecord.objects.filter(pk=self.fund.pk).exists())

    def test_the_importer_refuses_them_and_no_actor_at_all(self):
        for user in (self.lily, self.adam, self.otto, None):
            with self.subTest(str(user)):
                result = import_workbook(self.fund_workbook(), user)
                self.assertFalse(result.ok)
                self.assertIn("没有", str(result.problems[0]))
        self.assertEqual(FundRecord.objects.get(pk=self.fund.pk).amount, Decimal("1200000.00"))

    def test_the_cascade_of_a_project_change_is_not_reached_by_a_leader(self):
        project = Project.objects.get(pk=self.project.pk)
        form = bound_form(project, form_data(project, program=str(self.east_west.pk)), instance=project)
        with self.assertRaises(gate.WriteRefused):
            save_record(form, self.lily, expected_version=project.version)
        self.assertEqual(set(FundRecord.objects.filter(project=self.project).values_list("program", flat=True)),
                         {self.xinjiang.pk})

    def test_the_console_imports_as_the_city_office_but_a_named_leader_is_refused(self):
        path = self.fund_workbook(amount=44)
        with self.assertRaises(SystemExit):
            call_command("import", str(path), "--user", "lily")
        self.assertEqual(FundRecord.objects.get(pk=self.fund.pk).amount, Decimal("1200000.00"))
        call_command("import", str(path))
        self.assertEqual(FundRecord.objects.get(pk=self.fund.pk).amount, Decimal("440000.00"))

    def test_the_gate_refuses_a_caller_with_no_actor(self):
        with self.assertRaises(gate.WriteRefused):
            gate.check(None, gate.CREATE, FundRecord, [gate.Target(self.nanxun.pk, datetime.date(2024, 1, 1))])
        gate.check(CONSOLE, gate.CREATE, FundRecord, [gate.Target(self.nanxun.pk, datetime.date(2024, 1, 1))])


class ScopeTestCase(GateTestCase):
    def test_a_district_reporter_cannot_save_into_another_unit(self):
        other = FundRecord.objects.get(pk=self.other["funds"].pk)
        with self.assertRaises(gate.WriteRefused):
            save_record(self.changed_fund_form(other), self.bob, expected_version=1)
        self.assertEqual(FundRecord.objects.get(pk=other.pk).amount, Decimal("1200000.00"))

    def test_a_row_whose_unit_cannot_be_determined_is_refused_not_skipped(self):
        found = gate.refusals(self.bob, gate.CREATE, FundRecord, [gate.Target(None, datetime.date(2024, 1, 1), None, 7)])
        self.assertEqual([(r.reason, r.target.where) for r in found], [("scope", 7)])
        self.assertIn("无法确定", found[0].message)

    def test_the_unit_of_a_fund_under_a_project_the_workbook_creates_is_that_projects(self):
        from hezuo.imports.services.lookups import Lookups
        from hezuo.imports.specs import BY_NAME

        class Row:
            def __init__(self, values):
                self.values = values

        parsed = {"项目": (BY_NAME["项目"], [Row({"code": "NEW-1", "unit": self.wuxing.pk})])}
        lookups = Lookups(parsed)
        self.assertEqual(lookups.unit_of(BY_NAME["资金"], {"project": ("project", ("NEW-1",))}), self.wuxing.pk)
        self.assertIsNone(lookups.unit_of(BY_NAME["资金"], {"project": ("project", ("NOT-THERE",))}))

    def test_the_import_refuses_a_district_reporter_a_row_of_another_unit(self):
        path = write_workbook(self.dir / "f.xlsx", {"资金": [
            FUND_HEADER, [self.other["projects"].code, datetime.date(2024, 5, 6), "安排", 1, "财政援助资金"]]})
        result = import_workbook(path, self.bob)
        self.assertFalse(result.ok)
        self.assertEqual(FundRecord.objects.count(), 2)
