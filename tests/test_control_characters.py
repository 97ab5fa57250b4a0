"""Characters nobody can see are kept out of requests and data (hezuo/text.py).

- A control character (NUL …) in a link — path, query parameter, cookie — is refused with a
  Chinese 400 page before any view or filter reaches the database (PostgreSQL cannot store
  NUL: it used to be a 500).
- In a form field it is refused with 422 and a Chinese message naming the field.
- Direction-changing characters (RLO U+202E …) are refused in what people type and import;
  invisible ones (zero-width space, BOM, soft hyphen) are taken out.
"""

import csv
import tempfile
from pathlib import Path

from django.urls import reverse
from django.utils.html import strip_tags

from hezuo.core.kinds import REGISTRY
from hezuo.imports.services.importer import import_workbook
from hezuo.org.models import Program
from hezuo.projects.models import Project
from tests.base import BaseTestCase
from tests.record_data import new_record_data
from tests.test_import_pages import PROJECT_HEADERS, PROJECTS, workbook

RLO, ZWSP, BOM, SOFT_HYPHEN = "\u202e", "\u200b", "\ufeff", "\u00ad"
LIST_PARAMETERS = ["q", "page", "after", "before", "o", "year", "unit", "program", "since", "format"]


class ControlCharactersInLinksTestCase(BaseTestCase):
    def assertBadRequest(self, response, fragment="控制字符"):
        self.assertEqual(response.status_code, 400)
        self.assertIn(fragment, strip_tags(response.content.decode()))

    def list_pages(self):
        """(user, url) of every list page of the app."""
        pages = [(self.alice, reverse(f"{slug}:list")) for slug in REGISTRY]
        pages += [(self.alice, reverse(name)) for name in
                  ("imports:list", "stats:dashboard", "stats:table", "reports:index", "home")]
        pages += [(self.adam, reverse("accounts:users"))]
        pages += [(self.otto, reverse(name)) for name in ("audit:changes", "audit:logins")]
        return pages

    def test_it_refuses_a_nul_in_any_parameter_of_every_list_page(self):
        for user, url in self.list_pages():
            self.client.force_login(user)
            for name in LIST_PARAMETERS:
                with self.subTest(url=url, parameter=name):
                    self.assertBadRequest(self.client.get(url, {name: "1\x00"}), f"网址参数“{name}”")

    def test_it_refuses_other_control_characters_in_a_parameter(self):
        self.client.force_login(self.alice)
        for char in ("\x01", "\x1b", "\x7f", "\x85"):
            with self.subTest(char=repr(char)):
                self.assertBadRequest(self.client.get(reverse("projects:list"), {"q": f"湖州{char}"}))

    def test_it_accepts_tabs_and_ordinary_text_in_a_parameter(self):
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(reverse("projects:list"), {"q": "南浔 示范\t项目"}).status_code, 200)

    def test_it_refuses_a_nul_in_the_name_of_a_parameter(self):
        self.client.force_login(self.alice)
        self.assertBadRequest(self.client.get(reverse("projects:list") + "?q%00=1"), "参数的名称")

    def test_it_refuses_a_nul_in_the_path(self):
        self.client.force_login(self.alice)
        self.assertBadRequest(self.client.get("/imports/%00/"), "网址中")

    def test_it_refuses_a_nul_in_a_cookie(self):
        self.client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
        self.assertBadRequest(self.client.get(reverse("projects:list")), "Cookie")

    def test_the_400_page_is_chinese_with_the_sites_look(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("projects:list"), {"q": "\x00"})
        page = r.content.decode()
        self.assertEqual(r.status_code, 400)
        self.assertIn('<html lang="zh-Hans">', page)
        self.assertIn("hezuo/hezuo.css", page)
        self.assertIn("请求有误", page)
        self.assertIn("区域合作工作平台", page)


class ControlCharactersInFormsTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def create_project(self, **changes):
        return self.client.post(reverse("projects:create"), {**new_record_data(self.own["projects"]), **changes})

    def assertRefused(self, response, message):
        """The form came back (422) with `message` ("字段：问题") and no project was added."""
        self.assertEqual(response.status_code, 422)
        text = strip_tags(response.content.decode())
        self.assertIn(message, text)
        self.assertNotIn("Null characters", text)
        self.assertNotIn("空字符串", text)  # Django's zh-hans text for NUL says "empty string"
        self.assertEqual(Project.objects.count(), 2)

    def test_it_refuses_a_nul_in_a_project_name_in_chinese(self):
        self.assertRefused(self.create_project(name="示范\x00项目"), "项目名称：含有控制字符（U+0000）")

    def test_it_refuses_other_control_characters_in_text_fields(self):
        for name, char in (("name", "\x1b"), ("code", "\x07"), ("name", "\x7f")):
            with self.subTest(field=name, char=repr(char)):
                self.assertRefused(self.create_project(**{name: f"NX{char}9"}),
                                   f"含有控制字符（U+{ord(char):04X}）")

    def test_it_refuses_a_nul_typed_as_a_region(self):
        self.assertRefused(self.create_project(partner_region="柯坪县\x00"), "结对地区：含有控制字符（U+0000）")

    def test_it_keeps_line_breaks_in_a_long_text(self):
        kind = REGISTRY["projects"]
        long_texts = [name for name in kind.fields
                      if kind.model._meta.get_field(name).get_internal_type() == "TextField"]
        self.assertTrue(long_texts)
        r = self.create_project(**{long_texts[0]: "第一行\r\n第二行\t完"})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(getattr(Project.objects.latest("pk"), long_texts[0]), "第一行\r\n第二行\t完")

    def test_it_refuses_a_right_to_left_override_in_a_project_name(self):
        self.assertRefused(self.create_project(name=f"示范项目{RLO}xslx.exe"),
                           "项目名称：含有改变文字显示方向的字符（U+202E）")

    def test_it_strips_zero_width_spaces_and_byte_order_marks_from_a_project_name(self):
        r = self.create_project(name=f"{BOM}柯坪{ZWSP}示范{SOFT_HYPHEN}项目{ZWSP}")
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Project.objects.latest("pk").name, "柯坪示范项目")

    def test_the_dictionary_forms_refuse_and_strip_the_same(self):
        self.client.force_login(self.adam)
        url = reverse("programs:create")
        data = {"name": f"援{RLO}蒙", "parent": self.aid.pk, "sort_order": 9}
        r = self.client.post(url, data)
        self.assertEqual(r.status_code, 422)
        self.assertIn("名称：含有改变文字显示方向的字符", strip_tags(r.content.decode()))
        r = self.client.post(url, {**data, "name": f"援{ZWSP}蒙{BOM}"})
        self.assertEqual(r.status_code, 302, strip_tags(r.content.decode()))
        self.assertTrue(Program.objects.filter(name="援蒙").exists())

    def test_the_user_form_refuses_and_strips_the_same(self):
        self.client.force_login(self.adam)
        user = self.bob
        url = reverse("accounts:user_edit", args=[user.pk])
        data = {"username": user.username, "display_name": f"鲍{RLO}勃", "role": user.role, "unit": user.unit.pk,
                "phone": "", "email": "", "is_active": "on"}
        r = self.client.post(url, data)
        self.assertEqual(r.status_code, 422)
        self.assertIn("含有改变文字显示方向的字符", strip_tags(r.content.decode()))
        r = self.client.post(url, {**data, "display_name": "鲍\x00勃"})
        self.assertEqual(r.status_code, 422)
        self.assertIn("含有控制字符（U+0000）", strip_tags(r.content.decode()))
        r = self.client.post(url, {**data, "display_name": f"鲍{ZWSP}勃"})
        self.assertEqual(r.status_code, 302, strip_tags(r.content.decode()))
        user.refresh_from_db()
        self.assertEqual(user.display_name, "鲍勃")


class ControlCharactersInImportsTestCase(BaseTestCase):
    def setUp(self):
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def run_import(self, projects):
        path = self.folder / "in.xlsx"
        path.write_bytes(workbook(projects=projects, funds=[]))
        return import_workbook(path, self.bob)

    def test_it_refuses_a_right_to_left_override_naming_sheet_row_and_column(self):
        projects = [list(PROJECTS[0]), list(PROJECTS[1])]
        projects[1][1] = f"柯坪县农技{RLO}人员培训"
        result = self.run_import(projects)
        self.assertFalse(result.ok)
        problems = [str(p) for p in result.problems]
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("工作表“项目” 第3行 B列（项目名称）", problems[0])
        self.assertIn("含有改变文字显示方向的字符（U+202E）", problems[0])
        self.assertEqual(Project.objects.count(), 2)

    def test_it_refuses_a_control_character_in_a_cell(self):
        # openpyxl will not write one into an .xlsx; a CSV carries anything.
        row = list(PROJECTS[0])
        row[1] = "柯坪县\x1b庭院改造"
        path = self.folder / "项目.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([PROJECT_HEADERS, row])
        result = import_workbook(path, self.bob)
        problems = "\n".join(str(p) for p in result.problems)
        self.assertIn("第2行 B列（项目名称）", problems)
        self.assertIn("含有控制字符（U+001B）", problems)

    def test_it_strips_zero_width_spaces_and_byte_order_marks(self):
        projects = [list(PROJECTS[0])]
        projects[0][0] = f"{BOM}NX-2024-101"
        projects[0][1] = f"柯坪县{ZWSP}湖州新村{SOFT_HYPHEN}庭院改造{ZWSP}"
        projects[0][3] = f"南浔区{ZWSP}"
        projects[0][8] = f"实施中{ZWSP}"
        result = self.run_import(projects)
        self.assertTrue(result.ok, [str(p) for p in result.problems])
        project = Project.objects.get(code="NX-2024-101")
        self.assertEqual((project.name, project.unit), ("柯坪县湖州新村庭院改造", self.nanxun))
