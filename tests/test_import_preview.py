"""Issue 10, points 2 and 7: an import refused for words a column does not know lists each
word once with how many rows use it, the closest values first, and a choice of what it
means; the choices re-run the same kept file. A dry run previews what would be created,
updated (field by field) and left unchanged; 确认导入 then imports that same upload, refused
once the data changed since the preview."""

import io
from unittest import mock

import openpyxl
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from hezuo import changes
from hezuo.access import CONSOLE
from hezuo.imports.mapping import Mapping
from hezuo.imports.models import ImportRecord
from hezuo.imports.services.importer import import_workbook
from hezuo.projects.models import Project
from hezuo.vocabulary.models import Alias
from hezuo.vocabulary.words import Words, closest
from tests.test_import_bad_input import FUND_HEADER, PROJECT_HEADER, WorkbookTestCase
from tests.test_import_tasks import DATABASE, run_worker_once


class UnknownValuesTestCase(WorkbookTestCase):
    def test_each_unknown_word_is_listed_once_with_its_row_count_and_suggestions(self):
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row("NX-1", 状态="开工建设"),
                                     self.project_row("NX-2", 状态="开工建设"), self.project_row("NX-3", 状态="完成了"),
                                     self.project_row("NX-4", 实施单位="南浔")]})
        result = import_workbook(path, CONSOLE)
        found = {(u.sheet, u.column, u.value): u for u in result.unknown}
        self.assertEqual(set(found), {("项目", "状态", "开工建设"), ("项目", "状态", "完成了"), ("项目", "实施单位", "南浔")})
        self.assertEqual(found[("项目", "状态", "开工建设")].rows, 2)
        self.assertEqual(found[("项目", "状态", "开工建设")].choices, ["谋划中", "实施中", "已完工", "已终止"])
        self.assertEqual(found[("项目", "状态", "完成了")].suggestions[0], "已完工")
        unit = found[("项目", "实施单位", "南浔")]
        self.assertEqual((unit.key, unit.rows, unit.suggestions[0]), ("org.Unit", 1, "南浔区"))
        self.assertIn("吴兴区", unit.choices)  # the operator may pick any unit
        self.assertEqual(len(result.problems), 4, "an unknown word is still an error on each row")

    def test_a_3000_row_sheet_with_one_unknown_word_gives_one_entry(self):
        rows = [self.project_row(f"NX-{n}", 状态="开工建设", 实施单位="南浔") for n in range(3000)]
        path = self.workbook({"项目": [PROJECT_HEADER, *rows]})
        with mock.patch.object(Words, "suggest", autospec=True, side_effect=Words.suggest) as suggest, \
                mock.patch("hezuo.imports.services.importer.vocabulary.closest", wraps=closest) as near:
            result = import_workbook(path, CONSOLE, dry_run=True)
        self.assertEqual([(u.value, u.rows) for u in result.unknown], [("开工建设", 3000), ("南浔", 3000)])
        # Once per distinct word, not per row: the name once for its message, once among the names offered.
        self.assertEqual((suggest.call_count, near.call_count), (1, 2))

    def test_a_reporter_is_offered_only_their_own_units(self):
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row("NX-1", 实施单位="南浔")]})
        unit = import_workbook(path, self.bob).unknown[0]
        self.assertEqual(set(unit.choices), {"南浔区", "南浔区农业农村局"})

    def test_a_mapping_to_another_units_name_is_refused_by_the_scope_check(self):
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row("NX-1", 实施单位="吴兴")]})
        result = import_workbook(path, self.bob, mappings=[Mapping("项目", "实施单位", "吴兴", "吴兴区")])
        self.assertRefused(result, "单位“吴兴区”不在您的数据范围内")

    def test_a_dry_run_keeps_the_field_changes_of_updated_rows(self):
        Project.objects.filter(pk=self.own["projects"].pk).update(code="NX-9")
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row("NX-9", 项目名称="新名称", 状态="已完工"),
                                     self.project_row("NX-10")]})
        result = import_workbook(path, CONSOLE, dry_run=True)
        sheet = result.sheets[0]
        self.assertEqual((sheet.created, sheet.updated, sheet.unchanged), (1, 1, 0))
        fields = {f[0]: f[1:] for f in result.changes["项目"]["rows"][0]["fields"]}
        self.assertEqual(fields["项目名称"][1], "新名称")
        self.assertEqual(fields["状态"][1], "已完工")


def xlsx(rows, name="项目.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


class PreviewPageTestCase(WorkbookTestCase):
    def upload(self, user, rows, dry_run=True):
        self.client.force_login(user)
        data = {"file": xlsx([PROJECT_HEADER, *rows])}
        if dry_run:
            data["dry_run"] = "on"
        self.client.post(reverse("imports:upload"), data)
        return ImportRecord.objects.latest("pk")

    def test_mapping_an_unknown_word_reruns_the_kept_file(self):
        record = self.upload(self.alice, [self.project_row("NX-1", 状态="开工建设"), self.project_row("NX-2", 状态="开工建设")])
        page = self.client.get(reverse("imports:detail", args=[record.pk])).content.decode()
        self.assertIn("开工建设", page)
        self.assertIn("以后也这样识别（保存为字典别名）", page)
        r = self.client.post(reverse("imports:map", args=[record.pk]), {"map-0": "实施中"})
        again = ImportRecord.objects.latest("pk")
        self.assertRedirects(r, reverse("imports:detail", args=[again.pk]))
        self.assertEqual((again.follows, again.dry_run, again.status), (record, True, "checked"))
        self.assertEqual(again.mappings, ["项目.状态:开工建设=实施中"])
        self.assertEqual(again.checksum, record.checksum)
        self.assertFalse(Alias.objects.exists(), "no alias unless ticked")
        self.assertFalse(Project.objects.filter(code__startswith="NX-").exists())

    def test_a_city_officer_may_keep_the_word_as_an_alias_and_it_is_audited(self):
        record = self.upload(self.alice, [self.project_row("NX-1", 状态="开工建设")], dry_run=False)
        self.client.post(reverse("imports:map", args=[record.pk]), {"map-0": "实施中", "alias-0": "1"})
        alias = Alias.objects.get(text="开工建设")
        self.assertEqual((alias.field, alias.value), ("projects.Project.status", "active"))
        self.assertTrue(LogEntry.objects.get_for_object(alias).exists())
        self.assertEqual(Project.objects.get(code="NX-1").status, "active")

    def test_a_reporter_sees_no_alias_box_and_cannot_save_one(self):
        record = self.upload(self.bob, [self.project_row("NX-1", 状态="开工建设")])
        page = self.client.get(reverse("imports:detail", args=[record.pk])).content.decode()
        self.assertNotIn("以后也这样识别", page)
        self.client.post(reverse("imports:map", args=[record.pk]), {"map-0": "实施中", "alias-0": "1"})
        self.assertFalse(Alias.objects.exists())
        self.assertEqual(ImportRecord.objects.latest("pk").status, "checked")

    def test_a_reporter_cannot_map_a_name_into_another_units_scope(self):
        record = self.upload(self.bob, [self.project_row("NX-1", 实施单位="吴兴")])
        r = self.client.post(reverse("imports:map", args=[record.pk]), {"map-0": "吴兴区"})
        self.assertEqual(r.status_code, 422)
        self.assertIn("“吴兴区”不是工作表“项目”“实施单位”列可选的值", r.content.decode())
        self.assertEqual(ImportRecord.objects.latest("pk"), record)

    def test_an_unmapped_value_stays_an_error(self):
        record = self.upload(self.alice, [self.project_row("NX-1", 状态="开工建设", 项目类别="奇怪")])
        status = next(i for i, u in enumerate(record.unknown) if u["value"] == "开工建设")
        self.client.post(reverse("imports:map", args=[record.pk]), {f"map-{status}": "实施中"})
        again = ImportRecord.objects.latest("pk")
        self.assertEqual(again.status, "failed")
        self.assertEqual([u["value"] for u in again.unknown], ["奇怪"])

    def test_the_preview_lists_changes_and_confirm_writes_exactly_them(self):
        Project.objects.filter(pk=self.own["projects"].pk).update(code="NX-9")
        record = self.upload(self.alice, [self.project_row("NX-9", 项目名称="新名称"), self.project_row("NX-10")])
        page = self.client.get(reverse("imports:detail", args=[record.pk])).content.decode()
        self.assertIn("将新增 1 条，更新 1 条，未变 0 条", page)
        self.assertIn("新名称", page)
        self.assertIn("确认导入", page)
        r = self.client.post(reverse("imports:confirm", args=[record.pk]))
        done = ImportRecord.objects.latest("pk")
        self.assertRedirects(r, reverse("imports:detail", args=[done.pk]))
        self.assertEqual((done.follows, done.dry_run, done.status), (record, False, "succeeded"))
        self.assertEqual(done.summary, record.summary)
        self.assertEqual(Project.objects.get(code="NX-9").name, "新名称")
        self.assertTrue(Project.objects.filter(code="NX-10").exists())
        again = self.client.post(reverse("imports:confirm", args=[record.pk]))
        self.assertRedirects(again, reverse("imports:detail", args=[done.pk]))
        self.assertEqual(ImportRecord.objects.filter(follows=record, dry_run=False).count(), 1)

    def test_confirm_is_refused_after_the_data_changed(self):
        record = self.upload(self.bob, [self.project_row("NX-1")])
        # Someone else's change commits; inside a TestCase nothing commits, so count up as the commit would.
        changes._bump()
        r = self.client.post(reverse("imports:confirm", args=[record.pk]))
        self.assertEqual(r.status_code, 409)
        self.assertIn("数据在预览后有变化，请重新预览", r.content.decode())
        self.assertFalse(Project.objects.filter(code="NX-1").exists())
        self.assertIn("重新预览", r.content.decode())
        self.client.post(reverse("imports:repreview", args=[record.pk]))
        fresh = ImportRecord.objects.latest("pk")
        self.assertEqual((fresh.follows, fresh.dry_run, fresh.status), (record, True, "checked"))
        self.client.post(reverse("imports:confirm", args=[fresh.pk]))
        self.assertTrue(Project.objects.filter(code="NX-1").exists())

    def test_the_preview_lists_the_warnings_a_real_import_would_give(self):
        self.client.force_login(self.alice)
        data = {"file": SimpleUploadedFile("资金.xlsx", self.funds_beyond_arranged()), "dry_run": "on"}
        self.client.post(reverse("imports:upload"), data)
        record = ImportRecord.objects.latest("pk")
        page = self.client.get(reverse("imports:detail", args=[record.pk])).content.decode()
        self.assertIn("正式导入后，以下项目的数据看起来可能有误", page)
        self.assertIn("拨付累计 300万元，超过下达累计 100万元", page)
        self.assertFalse(Project.objects.filter(code="NX-300").exists())

    def funds_beyond_arranged(self):
        wb = openpyxl.Workbook()
        wb.active.title = "项目"
        wb.active.append(PROJECT_HEADER)
        wb.active.append(self.project_row("NX-300", 总投资=5000))
        funds = wb.create_sheet("资金")
        for row in (FUND_HEADER, ["NX-300", "2024-03-01", "安排", 100, "财政援助资金"],
                    ["NX-300", "2024-04-01", "下达", 100, "财政援助资金"], ["NX-300", "2024-06-01", "拨付", 300, "财政援助资金"]):
            funds.append(row)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    def test_confirm_is_refused_when_the_file_no_longer_matches(self):
        record = self.upload(self.bob, [self.project_row("NX-1")])
        with open(record.file.path, "ab") as f:
            f.write(b"x")
        r = self.client.post(reverse("imports:confirm", args=[record.pk]))
        self.assertEqual(r.status_code, 409)
        self.assertIn("校验值（SHA-256）不一致", r.content.decode())

    def test_leader_admin_and_other_reporters_cannot_confirm(self):
        record = self.upload(self.bob, [self.project_row("NX-1")])
        # The leader and the other district do not even see bob's import; the admin sees it, imports nothing.
        for user, status in ((self.lily, 404), (self.adam, 403), (self.charlie, 404)):
            self.client.force_login(user)
            self.assertEqual(self.client.post(reverse("imports:confirm", args=[record.pk])).status_code, status)
        self.assertFalse(Project.objects.filter(code="NX-1").exists())
        self.client.force_login(self.alice)
        self.client.post(reverse("imports:confirm", args=[record.pk]))
        self.assertTrue(Project.objects.filter(code="NX-1").exists())

    @override_settings(IMPORT_BACKGROUND_ROWS=3, TASKS=DATABASE)
    def test_a_background_run_keeps_its_unknown_values_for_the_page(self):
        record = self.upload(self.bob, [self.project_row(f"NX-{n}", 状态="开工建设") for n in range(5)])
        self.assertEqual(record.status, "pending")
        run_worker_once()
        record.refresh_from_db()
        self.assertEqual([(u["value"], u["rows"]) for u in record.unknown], [("开工建设", 5)])
        self.client.post(reverse("imports:map", args=[record.pk]), {"map-0": "实施中"})
        run_worker_once()
        again = ImportRecord.objects.latest("pk")
        self.assertEqual((again.follows, again.status, again.totals()["created"]), (record, "checked", 5))
