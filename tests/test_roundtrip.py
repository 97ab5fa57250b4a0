"""Export → import of the same data round-trips exactly: into an emptied database every
record comes back field for field (amounts to the fen), and into the same database nothing
changes. The blank template imports as nothing, without errors."""

import datetime
import random
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase

from hezuo import access
from hezuo.periods import services as periods
from hezuo.periods.models import PeriodLock
from hezuo.access import CONSOLE
from hezuo.assistance.models import ConsumptionRecord, InKindAid
from hezuo.demo.huzhou import load_demo
from hezuo.exchanges.models import Activity, Cadre, Dispatch
from hezuo.honors.models import Case, Honor
from hezuo.imports.services.exporter import export_workbook
from hezuo.imports.services.importer import import_workbook
from hezuo.imports.cells import KINDS
from hezuo.imports.specs import SHEETS, TARGETS
from hezuo.org.models import Pairing, Program, Region, Unit
from hezuo.parks.models import Enterprise, Park, ParkFigure
from hezuo.projects.models import FundRecord, Project

# Records the emptied-database round trip deletes and re-creates (units and regions stay:
# users, parks and honours hang on them; RoundTripNewDictionaryTestCase covers their sheets).
WIPED = (FundRecord, Project, Cadre, Dispatch, Activity, ConsumptionRecord, InKindAid, ParkFigure, Enterprise, Park,
         Honor, Case, Pairing)


def natural(spec, column):
    """How a column's value is compared: references by their natural key, not by id."""
    if column.about:
        return column.about
    target = TARGETS.get(KINDS[column.kind].target)
    if target is not None:
        return f"{column.field}__{target.key[0]}"
    if column.kind == "region":
        return f"{column.field}__code"
    return column.field


def snapshot(specs=SHEETS):
    """{sheet: sorted rows of every spec column}, for every record the sheets export."""
    state = {}
    for spec in specs:
        rows = spec.records()  # with what a column that is no field reads (a report's 年度计划投资)
        if spec.model is Region:
            rows = rows.filter(from_package=False)
        lookups = [natural(spec, column) for column in spec.columns]
        state[spec.name] = sorted(rows.values_list(*lookups), key=repr)
    return state


class TempDirMixin:
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name="export.xlsx"):
        return Path(self.tmp.name) / name

    def import_ok(self, path):
        result = import_workbook(path, CONSOLE)
        self.assertEqual([str(p) for p in result.problems], [])
        return result


class RoundTripDemoTestCase(TempDirMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        # Emptying the database and importing it again writes into the demo's approved (locked)
        # months: the city office reopens them first, as it would.
        for lock in PeriodLock.active.all():
            periods.unlock(lock.unit, lock.year, lock.month, actor=access.CONSOLE, reason="测试：整库导出再导入")

    def test_the_demo_has_rows_on_every_sheet(self):
        for name, rows in snapshot().items():
            self.assertTrue(rows, name)

    def test_export_then_import_into_an_emptied_database_restores_every_field(self):
        before = snapshot()
        path = self.path()
        result = export_workbook(path, access.CONSOLE)
        self.assertEqual(dict(result.sheets), {name: len(rows) for name, rows in before.items()})
        for model in WIPED:
            model.objects.all().delete()
        self.assertEqual(Project.objects.count(), 0)

        imported = self.import_ok(path)

        after = snapshot()
        for name in before:
            self.assertEqual(after[name], before[name], name)
        created = {sheet.name: sheet.created for sheet in imported.sheets}
        self.assertEqual(created["资金"], len(before["资金"]))
        self.assertEqual(created["项目"], len(before["项目"]))

    def test_amounts_come_back_exact_to_the_fen(self):
        for i, fund in enumerate(FundRecord.objects.order_by("pk")[:50]):  # the demo's are whole 元
            FundRecord.objects.filter(pk=fund.pk).update(amount=fund.amount + Decimal(i * 7 % 100) / 100)
        amounts = sorted(FundRecord.objects.values_list("project__code", "date", "stage", "source", "amount"))
        export_workbook(self.path(), access.CONSOLE)
        FundRecord.objects.all().delete()
        self.import_ok(self.path())
        self.assertEqual(
            sorted(FundRecord.objects.values_list("project__code", "date", "stage", "source", "amount")), amounts)

    def test_export_then_import_into_the_same_database_changes_nothing(self):
        before = snapshot()
        versions = sorted(Project.objects.values_list("code", "version"))
        export_workbook(self.path(), access.CONSOLE)

        result = self.import_ok(self.path())

        for sheet in result.sheets:
            self.assertEqual((sheet.created, sheet.updated), (0, 0), sheet.name)
            self.assertEqual(sheet.unchanged, sheet.rows, sheet.name)
        self.assertEqual(snapshot(), before)
        self.assertEqual(sorted(Project.objects.values_list("code", "version")), versions)

    def test_a_year_export_from_the_command_line_round_trips_that_year(self):
        path = self.path("2024.xlsx")
        call_command("export", str(path), year=2024, stdout=open("/dev/null", "w"))
        before = snapshot()
        FundRecord.objects.filter(year=2024).delete()
        Project.objects.filter(year=2024).delete()

        result = self.import_ok(path)

        self.assertEqual(snapshot(), before)
        sheets = {sheet.name: sheet for sheet in result.sheets}
        self.assertEqual(sheets["项目"].created, Project.objects.filter(year=2024).count())
        self.assertEqual(sheets["项目"].rows, Project.objects.filter(year=2024).count())
        self.assertEqual(sheets["交流活动"].unchanged, Activity.objects.filter(year=2024).count())


class RoundTripAmountsTestCase(TempDirMixin, TestCase):
    """Amounts of every size and odd fen survive the float an .xlsx cell holds."""

    @classmethod
    def setUpTestData(cls):
        cls.unit = Unit.objects.create(name="南浔区")
        cls.program = Program.objects.get(name="援疆")
        cls.region = Region.objects.get(code="652929")

    def test_odd_amounts_from_a_fen_to_a_trillion_yuan_come_back_exact(self):
        rng = random.Random(7)
        wanted = [Decimal("0.01"), Decimal("0.07"), Decimal("1.10"), Decimal("99999999.99"),
                  Decimal("123456789012.34"), Decimal("999999999999.99"), Decimal("9999999999999.99")]
        wanted += [Decimal(rng.randrange(1, 10 ** rng.randrange(3, 16))) / 100 for _ in range(300)]
        project = Project.objects.create(code="P-1", name="测试项目", program=self.program, unit=self.unit,
                                         partner_region=self.region, year=2024,
                                         total_investment=Decimal("12345678.91"))
        day = datetime.date(2024, 1, 1)
        FundRecord.objects.bulk_create([
            FundRecord(project=project, program=project.program, date=day + datetime.timedelta(days=i), year=2024,
                       stage=FundRecord.Stage.ARRANGED, amount=amount)
            for i, amount in enumerate(wanted)])
        Activity.objects.create(name="推介会", kind=Activity.Kind.PROMOTION, program=self.program, unit=self.unit,
                                date=day, signed_investment=Decimal("123456789.01"))
        export_workbook(self.path(), access.CONSOLE)
        FundRecord.objects.all().delete()
        Activity.objects.all().delete()
        Project.objects.all().delete()

        self.import_ok(self.path())

        self.assertEqual(list(FundRecord.objects.order_by("date").values_list("amount", flat=True)), wanted)
        self.assertEqual(Project.objects.get().total_investment, Decimal("12345678.91"))
        self.assertEqual(Activity.objects.get().signed_investment, Decimal("123456789.01"))


class RoundTripNewDictionaryTestCase(TempDirMixin, TestCase):
    """Units and towns added by users export too, and come back with what refers to them."""

    @classmethod
    def setUpTestData(cls):
        cls.office = Unit.objects.create(name="市区域合作办", kind=Unit.Kind.OFFICE)
        cls.district = Unit.objects.create(name="南浔区", parent=cls.office)
        cls.team = Unit.objects.create(name="南浔区援疆工作队", parent=cls.district, kind=Unit.Kind.COMMAND)
        county = Region.objects.get(code="652929")
        cls.town = Region.objects.create(code="652929100", name="柯坪镇", parent=county, level=Region.Level.TOWN)
        cls.village = Region.objects.create(code="652929100200", name="湖州新村", parent=cls.town,
                                            level=Region.Level.VILLAGE)
        program = Program.objects.get(name="援疆")
        Pairing.objects.create(unit=cls.team, region=cls.town, program=program, start_year=2021)
        ConsumptionRecord.objects.create(date=datetime.date(2024, 5, 6), program=program, unit=cls.team,
                                         origin=cls.village, product="核桃", amount=Decimal("250000.55"),
                                         channel=ConsumptionRecord.Channel.ONLINE)
        # A name two regions share is written with its code.
        cls.chaoyang = Region.objects.get(code="110105")  # 北京市朝阳区; 长春市也有朝阳区
        Project.objects.create(code="P-9", name="对口项目", program=program, unit=cls.team,
                               partner_region=cls.chaoyang, year=2024, total_investment=Decimal("1"))

    def test_new_units_towns_and_their_records_come_back_after_deletion(self):
        before = snapshot()
        export_workbook(self.path(), access.CONSOLE)
        Project.objects.all().delete()
        ConsumptionRecord.objects.all().delete()
        Pairing.objects.all().delete()
        self.village.delete()
        self.town.delete()
        self.team.delete()

        result = self.import_ok(self.path())

        self.assertEqual(snapshot(), before)
        created = {sheet.name: sheet.created for sheet in result.sheets}
        self.assertEqual((created["单位"], created["地区"]), (1, 2))
        team = Unit.objects.get(name="南浔区援疆工作队")
        self.assertEqual((team.parent, team.path.count("/")), (self.district, 4))
        self.assertEqual(Region.objects.get(code="652929100200").full_name, self.village.full_name)


class BlankTemplateImportTestCase(TempDirMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        Unit.objects.create(name="市区域合作办", kind=Unit.Kind.OFFICE)

    def test_importing_the_blank_template_imports_nothing_and_says_nothing_alarming(self):
        export_workbook(self.path(), blank=True)
        result = self.import_ok(self.path())
        self.assertEqual([(s.name, s.rows) for s in result.sheets], [(spec.name, 0) for spec in SHEETS])
        self.assertEqual(result.notes, [])
        self.assertEqual(Project.objects.count(), 0)
