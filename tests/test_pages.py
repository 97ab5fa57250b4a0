"""Every page of the navigation renders for the people who use it, and nothing on it
points outside our server (government intranets have no internet)."""

import re

from django.contrib.staticfiles import finders
from django.urls import reverse

from hezuo.core.kinds import REGISTRY
from tests.base import BaseTestCase
from tests.record_data import copy_of

EXTERNAL = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
CSS_EXTERNAL = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""", re.I)
ASSET = re.compile(r"""(?:src|href)="(/static/[^"]+)\"""")


class PagesTestCase(BaseTestCase):
    def assertPageOk(self, url):
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200, url)
        html = r.content.decode()
        self.assertIsNone(EXTERNAL.search(html), f"{url} links outside the server: {EXTERNAL.search(html)}")
        return html

    def assertAssetsLocal(self, html):
        for path in set(ASSET.findall(html)):
            found = finders.find(path.removeprefix("/static/"))
            self.assertIsNotNone(found, f"{path} is not a collected static file")
            if path.endswith(".css"):
                with open(found, encoding="utf-8") as f:
                    self.assertIsNone(CSS_EXTERNAL.search(f.read()), f"{path} loads something from outside")

    def test_every_navigation_page_renders_for_the_city_officer(self):
        self.client.force_login(self.alice)
        html = self.assertPageOk(reverse("home"))
        self.assertAssetsLocal(html)
        for slug, kind in REGISTRY.items():
            html = self.assertPageOk(reverse(f"{slug}:list"))
            self.assertIn(f"href=\"{reverse(f'{slug}:list')}\"", html, "every kind is in the navigation")
            self.assertPageOk(reverse(f"{slug}:create"))
        for slug, obj in self.own.items():
            self.assertPageOk(reverse(f"{slug}:detail", args=[obj.pk]))
            self.assertPageOk(reverse(f"{slug}:edit", args=[obj.pk]))
            self.assertPageOk(reverse(f"{slug}:delete", args=[obj.pk]))

    def test_dictionary_pages_render(self):
        self.client.force_login(self.alice)
        for slug, obj in (("programs", self.xinjiang), ("units", self.nanxun), ("regions", self.kalpin)):
            self.assertPageOk(reverse(f"{slug}:detail", args=[obj.pk]))

    def test_admin_pages_render_for_the_system_admin(self):
        self.client.force_login(self.adam)
        for name in ("home", "accounts:users", "accounts:user_create", "accounts:password"):
            self.assertPageOk(reverse(name))
        self.assertPageOk(reverse("accounts:user_edit", args=[self.bob.pk]))

    def test_security_pages_render_for_the_security_admin(self):
        self.client.force_login(self.sara)
        for name in ("home", "accounts:users", "accounts:password", "accounts:password_policy"):
            self.assertPageOk(reverse(name))
        self.assertPageOk(reverse("accounts:grant", args=[self.bob.pk]))
        with self.settings(HEZUO_ADMIN_2FA=True):
            self.assertIn("<svg", self.assertPageOk(reverse("accounts:second_factor")))

    def test_audit_pages_render_for_the_audit_admin(self):
        self.client.force_login(self.otto)
        for name in ("home", "audit:changes", "audit:logins", "accounts:password"):
            self.assertPageOk(reverse(name))

    def test_every_role_gets_a_working_home_page(self):
        for user in (self.alice, self.bob, self.lily, self.adam, self.sara, self.otto):
            self.client.force_login(user)
            self.assertPageOk(reverse("home"))

    def test_the_login_page_is_local_too(self):
        html = self.assertPageOk(reverse("accounts:login"))
        self.assertIn("登录", html)
        self.assertAssetsLocal(html)

    def test_region_suggestions_find_counties_by_name_and_code(self):
        self.client.force_login(self.bob)
        r = self.client.get(reverse("region_suggest"), {"partner_region": "柯坪"})
        self.assertContains(r, "652929 新疆维吾尔自治区 阿克苏地区 柯坪县")
        r = self.client.get(reverse("region_suggest"), {"q": "6529"})
        self.assertContains(r, "阿克苏地区")

    def test_amounts_show_in_wan_with_the_exact_yuan_on_hover(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("projects:detail", args=[self.own["projects"].pk]))
        self.assertContains(r, 'title="5,000,000.00元"')
        self.assertContains(r, "500万元")

    def test_a_project_page_shows_only_pairings_in_the_readers_scope(self):
        from hezuo.org.models import Pairing

        Pairing.objects.create(unit=self.city_office, region=self.kalpin, program=self.xinjiang, start_year=2010)
        project = self.own["projects"]
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(reverse("projects:detail", args=[project.pk])), "市区域合作办 ⇄")
        self.client.force_login(self.bob)
        r = self.client.get(reverse("projects:detail", args=[project.pk]))
        self.assertContains(r, "南浔区农业农村局 ⇄")
        self.assertNotContains(r, "市区域合作办 ⇄")

    def test_a_project_in_a_village_shows_the_pairings_of_every_region_above_it(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from hezuo.org.models import Pairing, Region

        town = Region.objects.create(code="652929100", name="柯坪镇", level=Region.Level.TOWN, parent=self.kalpin)
        village = Region.objects.create(code="652929100201", name="喀拉库提村", level=Region.Level.VILLAGE,
                                        parent=town)
        for code in ("650000", "652900", "652922"):  # 新疆, 阿克苏地区, and 温宿县 beside 柯坪县
            Pairing.objects.create(unit=self.nanxun, region=Region.objects.get(code=code), program=self.xinjiang,
                                   start_year=2020)
        county_project = self.own["projects"]
        village_project = copy_of(county_project, 1, partner_region=village)
        self.client.force_login(self.bob)
        self.client.get(reverse("projects:detail", args=[county_project.pk]))
        with CaptureQueriesContext(connection) as county_queries:
            self.client.get(reverse("projects:detail", args=[county_project.pk]))
        with CaptureQueriesContext(connection) as village_queries:
            r = self.client.get(reverse("projects:detail", args=[village_project.pk]))

        shown = [str(p.region) for p in r.context["pairings"]]
        self.assertEqual(sorted(shown), ["新疆维吾尔自治区", "柯坪县", "阿克苏地区"])
        self.assertContains(r, "南浔区 ⇄ 新疆维吾尔自治区 阿克苏地区")
        self.assertNotContains(r, "温宿县")
        # Regions above the partner region are found from its code, not read level by level.
        self.assertEqual(len(village_queries), len(county_queries))
