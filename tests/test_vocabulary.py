"""What a dictionary column accepts: its labels, the built-in synonyms any office uses, the
office's own aliases (字典别名, kept by city officers, audited) and mappings given for one
import — and nothing else: an unknown word is refused with the closest values suggested."""

from auditlog.models import LogEntry
from django.urls import reverse

from hezuo.org.models import Unit
from hezuo.projects.models import FundRecord, Project
from hezuo.vocabulary import words
from hezuo.vocabulary.models import Alias
from hezuo.vocabulary.services import save_alias
from hezuo.vocabulary.synonyms import SYNONYMS
from tests.base import BaseTestCase
from tests.workbooks import write_workbook

ALIASES = reverse("vocabulary:aliases")


class WordsTestCase(BaseTestCase):
    def test_it_takes_labels_stored_values_and_synonyms(self):
        status = words.for_choice(Project, "status")
        for text in ("实施中", "active", "在建", "建设中", "施工中", "进行中"):
            self.assertEqual(status.resolve(text), Project.Status.ACTIVE, text)
        for text in ("已完成", "完工", "竣工", "已竣工", "已建成"):
            self.assertEqual(status.resolve(text), Project.Status.COMPLETED, text)
        for text in ("前期", "储备", "谋划", "计划"):
            self.assertEqual(status.resolve(text), Project.Status.PLANNED, text)
        self.assertEqual(words.for_choice(FundRecord, "stage").resolve("拨付资金"), FundRecord.Stage.DISBURSED)

    def test_it_ignores_widths_and_spaces(self):
        status = words.for_choice(Project, "status")
        self.assertEqual(status.resolve(" 在 建\u3000"), Project.Status.ACTIVE)
        self.assertEqual(words.for_choice(FundRecord, "source").resolve("财政资金"), FundRecord.Source.FISCAL_AID)

    def test_an_unknown_word_is_refused_with_the_closest_values(self):
        with self.assertRaises(words.UnknownWord) as caught:
            words.for_choice(Project, "status").resolve("在建设")
        self.assertEqual(caught.exception.suggestions[0], "实施中")
        self.assertEqual(str(caught.exception), "“在建设”不是可选值，应为：谋划中、实施中、已完工、已终止。是否为：实施中？")

    def test_a_word_like_nothing_lists_what_is_allowed(self):
        with self.assertRaises(words.UnknownWord) as caught:
            words.for_choice(FundRecord, "stage").resolve("XYZ")
        self.assertEqual(str(caught.exception), "“XYZ”不是可选值，应为：安排、下达、拨付、支出")

    def test_a_word_meaning_different_things_in_different_offices_is_not_a_synonym(self):
        kind = words.for_choice(Unit, "kind")
        with self.assertRaises(words.UnknownWord) as caught:
            kind.resolve("市级")
        self.assertIn("市级部门", caught.exception.suggestions)

    def test_every_synonym_means_one_label_of_its_column(self):
        from django.apps import apps

        for key, table in SYNONYMS.items():
            app_model, field_name = key.rsplit(".", 1)
            labels = words.choice_labels(apps.get_model(app_model)._meta.get_field(field_name))
            seen = {}
            for label, synonyms in table.items():
                self.assertIn(label, labels, key)
                for synonym in synonyms:
                    folded = words.fold(synonym)
                    self.assertNotIn(folded, seen, f"{key}: {synonym} means {seen.get(folded)} and {label}")
                    self.assertNotIn(synonym, labels, f"{key}: {synonym} is a label")
                    seen[folded] = label

    def test_a_saved_alias_is_accepted(self):
        save_alias(self.alice, "org.Unit.kind", "市级", "区域合作办")
        self.assertEqual(words.for_choice(Unit, "kind").resolve("市级"), Unit.Kind.OFFICE)

    def test_a_unit_name_missing_its_suffix_is_suggested_not_taken(self):
        units = words.for_names(Unit, dict(Unit.objects.values_list("name", "pk")))
        with self.assertRaises(words.UnknownWord) as caught:
            units.resolve("南浔")
        self.assertEqual(caught.exception.suggestions[0], "南浔区")
        save_alias(self.alice, "org.Unit", "南浔", "南浔区")
        units = words.for_names(Unit, dict(Unit.objects.values_list("name", "pk")))
        self.assertEqual(units.resolve("南浔"), self.nanxun.pk)

    def test_a_mapping_wins_and_its_meaning_must_be_a_value(self):
        kind = words.for_choice(Unit, "kind", mapping={"市级": "区域合作办"})
        self.assertEqual(kind.resolve("市级"), Unit.Kind.OFFICE)
        self.assertEqual(words.for_choice(Unit, "kind", mapping={"市直": "部门"}).resolve("市直"),
                         Unit.Kind.DEPARTMENT)  # a synonym names the meaning too
        with self.assertRaises(words.UnknownWord):
            words.for_choice(Unit, "kind", mapping={"市级": "市政府"})


class AliasPageTestCase(BaseTestCase):
    def test_a_city_officer_adds_an_alias_and_it_is_audited(self):
        self.client.force_login(self.alice)
        r = self.client.post(ALIASES + "?field=org.Unit.kind", {"text": "市级", "label": "区域合作办"})
        self.assertRedirects(r, ALIASES + "?field=org.Unit.kind", fetch_redirect_response=False)
        alias = Alias.objects.get()
        self.assertEqual((alias.field, alias.text, alias.value, alias.created_by), ("org.Unit.kind", "市级", "office", self.alice))
        entry = LogEntry.objects.get_for_object(alias).get()
        self.assertEqual(entry.actor, self.alice)
        page = self.client.get(ALIASES + "?field=org.Unit.kind")
        self.assertContains(page, '<span class="alias"', count=1)
        self.assertContains(page, "合作办、区域合作办公室")  # the built-in synonyms are listed

    def test_it_refuses_a_word_that_already_means_a_value(self):
        self.client.force_login(self.alice)
        r = self.client.post(ALIASES + "?field=projects.Project.status", {"text": "在建", "label": "已完工"})
        self.assertContains(r, "“在建”已表示“实施中”，不需要别名", status_code=422)
        self.assertFalse(Alias.objects.exists())

    def test_it_refuses_an_alias_without_a_meaning(self):
        self.client.force_login(self.alice)
        r = self.client.post(ALIASES + "?field=projects.Project.status", {"text": "开工", "label": ""})
        self.assertContains(r, "请选择别名的含义", status_code=422)

    def test_names_in_data_are_shown_as_text(self):
        save_alias(self.alice, "org.Unit", "<b>南浔</b>", "南浔区")
        self.client.force_login(self.alice)
        page = self.client.get(ALIASES + "?field=org.Unit")
        self.assertContains(page, "&lt;b&gt;南浔&lt;/b&gt;")
        self.assertNotContains(page, "<b>南浔</b>")

    def test_reporters_and_leaders_read_but_do_not_change(self):
        alias = save_alias(self.alice, "org.Unit.kind", "市级", "区域合作办")
        for user in (self.bob, self.lily):
            with self.subTest(user.username):
                self.client.force_login(user)
                page = self.client.get(ALIASES + "?field=org.Unit.kind")
                self.assertContains(page, "市级")
                self.assertNotContains(page, "添加别名")
                r = self.client.post(ALIASES + "?field=org.Unit.kind", {"text": "县级", "label": "区县"})
                self.assertEqual(r.status_code, 403)
                self.assertEqual(self.client.post(reverse("vocabulary:delete", args=[alias.pk])).status_code, 403)
        self.assertEqual(Alias.objects.count(), 1)

    def test_the_admin_roles_do_not_see_the_page(self):
        for user in (self.adam, self.sara, self.otto):
            with self.subTest(user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(ALIASES).status_code, 403)

    def test_a_city_officer_deletes_an_alias(self):
        alias = save_alias(self.alice, "org.Unit.kind", "市级", "区域合作办")
        self.client.force_login(self.alice)
        r = self.client.post(reverse("vocabulary:delete", args=[alias.pk]))
        self.assertEqual(r.status_code, 302)
        self.assertFalse(Alias.objects.exists())
        self.assertEqual(LogEntry.objects.filter(action=LogEntry.Action.DELETE).count(), 1)


class ImportTakesAliasesTestCase(BaseTestCase):
    """An alias saved once holds for every later import, in choice and name columns."""

    def workbook(self, sheets):
        import tempfile
        from pathlib import Path

        return write_workbook(Path(self.enterContext(tempfile.TemporaryDirectory())) / "aliases.xlsx", sheets)

    def test_saved_aliases_are_taken_by_the_import(self):
        from hezuo.imports.services.importer import import_workbook

        path = self.workbook({
            "单位": [["单位名称", "上级单位", "类型"], ["湖州市经信局", "市区域合作办", "市级"]],
            "项目": [["项目编号", "项目名称", "工作类别", "实施单位", "结对地区", "项目类别", "年度", "总投资（万元）", "状态"],
                   ["NX-A-1", "别名项目", "援疆", "南浔", "652929", "产业合作", 2024, 100, "开工建设"]],
        })
        refused = import_workbook(path, self.alice)
        self.assertEqual(len(refused.problems), 3, refused.problems)
        self.assertIn("是否为：南浔区", "\n".join(str(p) for p in refused.problems))
        save_alias(self.alice, "org.Unit.kind", "市级", "市级部门")
        save_alias(self.alice, "org.Unit", "南浔", "南浔区")
        save_alias(self.alice, "projects.Project.status", "开工建设", "实施中")
        result = import_workbook(path, self.alice)
        self.assertTrue(result.ok, result.problems)
        self.assertEqual(Unit.objects.get(name="湖州市经信局").kind, Unit.Kind.DEPARTMENT)
        project = Project.objects.get(code="NX-A-1")
        self.assertEqual((project.unit, project.status), (self.nanxun, Project.Status.ACTIVE))
