"""A sheet without one of the optional columns leaves that field of existing records as it
is: a clerk's shorter workbook must not wipe what the office already keeps."""

import datetime
import tempfile
from pathlib import Path

from hezuo.imports.services.importer import import_workbook
from hezuo.org.models import Unit
from hezuo.projects.models import Project
from tests.base import BaseTestCase
from tests.workbooks import write_workbook

PROJECT_HEADER = ["项目编号", "项目名称", "工作类别", "实施单位", "结对地区", "项目类别", "年度", "总投资（万元）", "状态"]


class PartialColumnsTestCase(BaseTestCase):
    def setUp(self):
        self.dir = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def test_a_project_sheet_without_start_date_keeps_the_stored_start_date(self):
        project = self.own["projects"]
        Project.objects.filter(pk=project.pk).update(start_date=datetime.date(2024, 3, 1), description="建设内容")
        project.refresh_from_db()
        row = [project.code, project.name, project.program.name, project.unit.name, project.partner_region.code,
               project.get_category_display(), project.year, 999, project.get_status_display()]
        result = import_workbook(write_workbook(self.dir / "p.xlsx", {"项目": [PROJECT_HEADER, row]}), self.alice)
        self.assertTrue(result.ok, result.problems)
        project.refresh_from_db()
        self.assertEqual(project.total_investment, 9_990_000)
        self.assertEqual((project.start_date, project.description), (datetime.date(2024, 3, 1), "建设内容"))

    def test_an_unchanged_row_stays_unchanged_when_columns_are_left_out(self):
        project = self.own["projects"]
        Project.objects.filter(pk=project.pk).update(start_date=datetime.date(2024, 3, 1))
        project.refresh_from_db()
        row = [project.code, project.name, project.program.name, project.unit.name, project.partner_region.code,
               project.get_category_display(), project.year, project.total_investment / 10000,
               project.get_status_display()]
        result = import_workbook(write_workbook(self.dir / "p.xlsx", {"项目": [PROJECT_HEADER, row]}), self.alice)
        self.assertEqual([(s.updated, s.unchanged) for s in result.sheets], [(0, 1)])

    def test_a_unit_sheet_without_its_type_keeps_each_units_type(self):
        Unit.objects.filter(pk=self.nanxun.pk).update(sort_order=5)
        sheet = [["单位名称", "上级单位"], ["南浔区", "市区域合作办"], ["市区域合作办", ""]]
        result = import_workbook(write_workbook(self.dir / "u.xlsx", {"单位": sheet}), self.alice)
        self.assertTrue(result.ok, result.problems)
        self.assertEqual(Unit.objects.get(pk=self.city_office.pk).kind, Unit.Kind.OFFICE)
        self.assertEqual(Unit.objects.get(pk=self.nanxun.pk).sort_order, 5)
