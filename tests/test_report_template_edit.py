"""Sentence templates edited in the app: a city officer rewords a family's template on the
句式模板 page, with a preview against this year's data; a bad template is refused naming
the line; every version is kept and audited; the shipped text can be restored; a save on
top of someone else's is refused. Leaders read; district reporters do not see the pages."""

import datetime
import io
import tempfile
from pathlib import Path

from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hezuo import access
from hezuo.exchanges.models import Activity
from hezuo.gate import WriteRefused
from hezuo.reports import sentences
from hezuo.reports.models import TemplateVersion
from hezuo.reports.services import templates
from hezuo.reports.services.report import build_report
from tests.base import BaseTestCase

FAMILY = "对口支援"
# Base data: 南浔 has one 援疆 project with 120万元 arranged and 8 expert person-times.
REWORDED = "## 援疆\n本年度{全市}对口援疆共落实资金{援疆/funds_arranged}，选派专家{援疆/dispatch_person_times}。\n"
BAD = "## 援疆\n选派专家{援疆/dispatch_person_times}。\n落实资金{援疆/funds_arranged:大约}。\n"


def shipped(family=FAMILY):
    return (sentences.DEFAULT_DIR / f"{family}.txt").read_text(encoding="utf-8-sig")


class TemplatePagesTestCase(BaseTestCase):
    def edit_url(self, family=FAMILY):
        return reverse("reports:template", args=[family])

    def save(self, text, based_on=0, note="改写援疆一句", user=None):
        self.client.force_login(user or self.alice)
        return self.client.post(self.edit_url(), {"text": text, "note": note, "based_on": based_on})

    def preview(self, text, user=None, **headers):
        self.client.force_login(user or self.alice)
        return self.client.post(reverse("reports:template_preview", args=[FAMILY]), {"text": text, "based_on": 0},
                                **headers)


class EditingTestCase(TemplatePagesTestCase):
    def test_the_next_report_uses_the_saved_wording(self):
        r = self.save(REWORDED)

        self.assertRedirects(r, self.edit_url(), fetch_redirect_response=False)
        text = build_report(access.CONSOLE, 2024).text()
        self.assertIn("本年度全市对口援疆共落实资金120万元，选派专家8人次。", text)
        # The page and every download read the same template.
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(reverse("reports:index"), {"year": 2024}), "对口援疆共落实资金")

    def test_a_bad_template_is_refused_naming_the_line_and_nothing_is_saved(self):
        r = self.save(BAD)

        self.assertContains(r, "报告模板“对口支援.txt”第3行：未知的格式“大约”", status_code=422)
        self.assertContains(r, "落实资金{援疆/funds_arranged:大约}", status_code=422)  # the text as typed
        self.assertFalse(TemplateVersion.objects.exists())

    def test_every_version_is_kept_and_audited_with_its_actor(self):
        self.save(REWORDED)
        self.save(REWORDED.replace("选派", "派出"), based_on=1, note="派出")

        versions = list(TemplateVersion.objects.filter(family=FAMILY).order_by("number"))
        self.assertEqual([(v.number, v.created_by, v.restored) for v in versions],
                         [(1, self.alice, False), (2, self.alice, False)])
        self.assertEqual(versions[1].note, "派出")
        self.assertEqual(templates.family(FAMILY).text, versions[1].text)
        entry = LogEntry.objects.get_for_object(versions[1]).get()
        self.assertEqual((entry.action, entry.actor), (LogEntry.Action.CREATE, self.alice))
        # The history shows each version with what it changed.
        page = self.client.get(self.edit_url())
        self.assertContains(page, "第2版")
        self.assertContains(page, "+ 本年度{全市}对口援疆共落实资金{援疆/funds_arranged}，派出专家")
        self.assertContains(page, "− 本年度{全市}对口援疆共落实资金{援疆/funds_arranged}，选派专家")

    def test_restoring_the_shipped_text_adds_a_version_equal_to_the_file(self):
        self.save(REWORDED)

        r = self.client.post(reverse("reports:template_restore", args=[FAMILY]), {"based_on": 1})

        self.assertRedirects(r, self.edit_url(), fetch_redirect_response=False)
        latest = TemplateVersion.objects.filter(family=FAMILY).order_by("-number").first()
        self.assertEqual((latest.number, latest.restored, latest.text), (2, True, shipped()))
        self.assertEqual(TemplateVersion.objects.count(), 2)  # nothing deleted
        self.assertNotIn("对口援疆共落实资金", build_report(access.CONSOLE, 2024).text())

    def test_a_save_on_top_of_someone_elses_is_refused(self):
        self.client.force_login(self.alice)
        started_from = self.client.get(self.edit_url()).context["form"]["based_on"].value()
        templates.save(access.CONSOLE, FAMILY, REWORDED, based_on=0, note="别人先保存")

        r = self.save(REWORDED.replace("选派", "派出"), based_on=started_from)

        self.assertContains(r, "保存失败：系统管理命令已于", status_code=422)
        self.assertContains(r, "保存了第1版", status_code=422)
        self.assertEqual(TemplateVersion.objects.count(), 1)

    def test_an_unchanged_text_adds_no_version(self):
        r = self.save(shipped())

        self.assertContains(r, "内容没有修改", status_code=422)
        self.assertFalse(TemplateVersion.objects.exists())

    def test_the_opening_is_edited_like_a_family(self):
        self.client.force_login(self.alice)
        r = self.client.post(self.edit_url(sentences.OPENING),
                             {"text": "{年份}，{全市}安排项目{合计/projects}。\n", "based_on": 0})

        self.assertEqual(r.status_code, 302)
        self.assertTrue(build_report(access.CONSOLE, 2024).text().startswith("2024年，全市安排项目2个。"))


class PreviewTestCase(TemplatePagesTestCase):
    def test_the_preview_writes_the_section_from_this_years_data_without_saving(self):
        r = self.preview(REWORDED, HTTP_HX_REQUEST="true")

        self.assertContains(r, "本年度全市对口援疆共落实资金")
        self.assertContains(r, "120万元")
        self.assertNotContains(r, "<html")  # htmx gets the fragment only
        self.assertFalse(TemplateVersion.objects.exists())
        self.assertNotIn("对口援疆共落实资金", build_report(access.CONSOLE, 2024).text())

    def test_without_javascript_the_preview_is_the_whole_page_with_the_text_kept(self):
        r = self.preview(REWORDED)

        self.assertContains(r, "<textarea")
        self.assertContains(r, "本年度{全市}对口援疆共落实资金{援疆/funds_arranged}")  # in the textarea
        self.assertContains(r, "本年度全市对口援疆共落实资金<span")  # in the preview, the figure marked
        self.assertFalse(TemplateVersion.objects.exists())

    def test_a_bad_template_in_the_preview_names_the_line(self):
        self.assertContains(self.preview(BAD, HTTP_HX_REQUEST="true"), "第3行：未知的格式“大约”")
        self.assertContains(self.preview(BAD), "第3行：未知的格式“大约”", status_code=422)

    def test_the_preview_escapes_what_comes_from_the_records(self):
        Activity.objects.create(name="<b>援疆</b>推介会", kind=Activity.Kind.PROMOTION, program=self.xinjiang,
                                unit=self.nanxun, date=datetime.date(2024, 7, 1), person_times=5)

        r = self.preview("## 援疆\n举办{援疆/活动}等活动。\n", HTTP_HX_REQUEST="true")

        self.assertContains(r, "&lt;b&gt;援疆&lt;/b&gt;推介会")
        self.assertNotContains(r, "<b>援疆")

    def test_the_reference_is_read_from_the_parsers_tables(self):
        self.client.force_login(self.alice)
        r = self.client.get(self.edit_url())

        for code in [*sentences.WORDS, *sentences.KEY_PROJECT_FIGURES, "funds_arranged", "dispatch_person_times"]:
            self.assertContains(r, code)


class WhoMayTestCase(TemplatePagesTestCase):
    def test_the_summary_page_leads_to_the_templates_for_whom_may_read_them(self):
        link = reverse("reports:templates")
        for user, text in ((self.alice, "编辑句式模板"), (self.lily, "查看句式模板"), (self.bob, None)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                page = self.client.get(reverse("reports:index"), {"year": 2024}).content.decode()
                if text:
                    self.assertIn(f'href="{link}">{text}</a>', page)
                else:
                    self.assertNotIn(link, page)

    def test_a_district_reporter_sees_no_template_page(self):
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(reverse("reports:templates")).status_code, 404)
        self.assertEqual(self.client.get(self.edit_url()).status_code, 404)
        self.assertEqual(self.save(REWORDED, user=self.bob).status_code, 404)
        self.assertEqual(self.preview(REWORDED, user=self.bob).status_code, 404)
        self.assertFalse(TemplateVersion.objects.exists())

    def test_a_leader_reads_but_cannot_save_preview_or_restore(self):
        self.client.force_login(self.lily)
        self.assertContains(self.client.get(reverse("reports:templates")), FAMILY)
        page = self.client.get(self.edit_url())
        self.assertContains(page, "只读")
        self.assertNotContains(page, "保存</button>")

        self.assertEqual(self.save(REWORDED, user=self.lily).status_code, 403)
        self.assertEqual(self.preview(REWORDED, user=self.lily).status_code, 403)
        r = self.client.post(reverse("reports:template_restore", args=[FAMILY]), {"based_on": 0})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(TemplateVersion.objects.exists())

    def test_the_system_admin_sees_no_template_page(self):
        self.client.force_login(self.adam)
        self.assertEqual(self.client.get(reverse("reports:templates")).status_code, 404)

    def test_the_gate_refuses_a_leader_on_every_path(self):
        with self.assertRaises(WriteRefused):
            templates.save(self.lily, FAMILY, REWORDED, based_on=0)
        with self.assertRaises(WriteRefused):
            templates.restore(self.bob, FAMILY)


class QueryCountTestCase(TemplatePagesTestCase):
    def count(self, url):
        self.client.force_login(self.alice)
        self.client.get(url)  # warm up per-process caches
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(captured)

    def test_the_pages_cost_the_same_however_many_versions_there_are(self):
        urls = [reverse("reports:templates"), self.edit_url()]
        before = [self.count(url) for url in urls]
        for n in range(6):
            templates.save(self.alice, FAMILY, REWORDED + f"# 第{n}次\n", based_on=n)
            templates.save(self.alice, sentences.OPENING, f"{{年份}}，{{全市}}安排项目{{合计/projects}}。# {n}\n",
                           based_on=n)
        self.assertEqual([self.count(url) for url in urls], before)


class ConsoleTestCase(TemplatePagesTestCase):
    def command(self, *args):
        out = io.StringIO()
        call_command("report-templates", *args, stdout=out)
        return out.getvalue()

    def test_it_lists_shows_and_restores_like_the_page(self):
        self.save(REWORDED)
        self.assertIn("对口支援\t第1版 已修改 Alice", self.command("list"))
        self.assertEqual(self.command("show", FAMILY), REWORDED)

        self.assertIn("已将“对口支援”恢复为系统默认句式（第2版）", self.command("restore", FAMILY))

        latest = TemplateVersion.objects.get(family=FAMILY, number=2)
        self.assertEqual((latest.text, latest.restored, latest.created_by), (shipped(), True, None))
        self.assertIn("对口支援\t第2版 系统默认 系统管理命令", self.command("list"))

    def test_it_refuses_an_unknown_family_and_a_needless_restore(self):
        with self.assertRaisesMessage(CommandError, "没有“援疆”的句式模板"):
            self.command("show", "援疆")
        with self.assertRaisesMessage(CommandError, "当前已是系统默认句式，无需恢复"):
            self.command("restore", FAMILY)
        self.assertFalse(TemplateVersion.objects.exists())

    def test_an_offices_own_directory_is_what_restore_brings_back(self):
        directory = tempfile.mkdtemp()
        own = "## 援疆\n我办援疆资金{援疆/funds_arranged}。\n"
        Path(directory, f"{FAMILY}.txt").write_text(own, encoding="utf-8")
        with override_settings(HEZUO_REPORT_TEMPLATES_DIR=directory):
            self.save(REWORDED)
            self.command("restore", FAMILY)
            self.assertEqual(templates.family(FAMILY).text, own)
            self.assertIn("我办援疆资金120万元。", build_report(access.CONSOLE, 2024).text())
