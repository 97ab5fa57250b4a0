"""What users typed reaches a list page escaped, though its rows and dropdowns are written in
Python rather than by the template language (hezuo/core/table.py, core/filters.PickSelect):
in a row's cells and links, in the filter bar's options and in the summary line."""

from decimal import Decimal

from django.urls import reverse

from hezuo.org.models import Program, Unit
from hezuo.projects.models import Project
from tests.base import BaseTestCase

MARKUP = '<script>alert(1)</script>"\'&'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;&amp;"


class ListEscapingTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.program = Program.objects.create(name=f"援疆{MARKUP}", parent=cls.xinjiang, sort_order=9)
        cls.unit = Unit.objects.create(name=f"南浔区{MARKUP}", parent=cls.nanxun)
        cls.project = Project.objects.create(code="NX-<i>1</i>", name=f"项目{MARKUP}", program=cls.program,
                                             unit=cls.unit, partner_region=cls.kalpin, year=2024,
                                             total_investment=Decimal("1"))

    def test_names_with_markup_are_shown_as_text_everywhere_on_a_list(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("projects:list"), {"program": self.program.pk, "unit": self.unit.pk})
        page = r.content.decode()

        self.assertNotIn("<script>alert", page)
        self.assertNotIn("<i>1</i>", page)
        detail = reverse("projects:detail", args=[self.project.pk])
        self.assertIn(f'<a href="{detail}">NX-&lt;i&gt;1&lt;/i&gt;</a>', page)  # the row's first cell
        self.assertIn(f"<td data-label=\"项目名称\">项目{ESCAPED}</td>", page)
        self.assertIn(f'<option value="{self.program.pk}" selected>援疆{ESCAPED}</option>', page)
        self.assertIn(f'<option value="{self.unit.pk}" selected>南浔区{ESCAPED}</option>', page)
        self.assertIn(f'<span class="chip">工作类别：援疆{ESCAPED}</span>', page)
        self.assertIn(f'<a class="quiet" href="{reverse("programs:detail", args=[self.program.pk])}">'
                      f"援疆{ESCAPED}</a>", page)

    def test_a_typed_filter_value_comes_back_escaped(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("projects:list"), {"q": MARKUP, "region": MARKUP, "year": MARKUP})
        page = r.content.decode()
        self.assertNotIn("<script>alert", page)
        self.assertIn(f'value="{ESCAPED}"', page)
