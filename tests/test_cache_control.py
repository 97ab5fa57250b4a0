"""Pages and files with data are never kept by a browser or a proxy (Cache-Control: no-store,
private): after signing out on a shared office computer, Back or the disk cache shows nothing.
Static files (the same for everybody) stay cacheable."""

import shutil
import tempfile

from django.test import override_settings
from django.urls import reverse

from hezuo.imports.models import ImportRecord
from tests.base import BaseTestCase
from tests.test_import_pages import xlsx_upload


class CacheControlTestCase(BaseTestCase):
    def assertNotStored(self, response):
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        self.assertLessEqual({"no-store", "private"}, directives, response.get("Cache-Control"))
        self.assertNotIn("public", directives)

    def test_it_keeps_no_copy_of_pages(self):
        self.client.force_login(self.alice)
        project = self.own["projects"]
        for url in (reverse("home"), reverse("projects:list"), reverse("projects:detail", args=[project.pk]),
                    reverse("projects:edit", args=[project.pk]), reverse("funds:list"),
                    reverse("stats:dashboard"), reverse("stats:table"), reverse("reports:index"),
                    reverse("imports:list")):
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertEqual(r.status_code, 200)
                self.assertNotStored(r)

    def test_it_keeps_no_copy_of_the_sign_in_page_or_an_error(self):
        self.assertNotStored(self.client.get(reverse("accounts:login")))
        self.client.force_login(self.bob)
        r = self.client.get(reverse("projects:detail", args=[self.other["projects"].pk]))
        self.assertEqual(r.status_code, 404)
        self.assertNotStored(r)

    def test_it_keeps_no_copy_of_exports(self):
        self.client.force_login(self.alice)
        for url in (reverse("projects:list") + "?format=xlsx", reverse("funds:list") + "?format=xlsx",
                    reverse("stats:table") + "?format=xlsx", reverse("imports:export")):
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertEqual(r.status_code, 200)
                self.assertTrue(r["Content-Type"].startswith("application/vnd.openxmlformats"))
                self.assertNotStored(r)

    def test_it_keeps_no_copy_of_an_imports_original_file(self):
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.client.force_login(self.bob)
        self.client.post(reverse("imports:upload"), {"file": xlsx_upload()})
        record = ImportRecord.objects.latest("pk")
        r = self.client.get(reverse("imports:file", args=[record.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertNotStored(r)

    @override_settings(WHITENOISE_USE_FINDERS=True)
    def test_static_files_stay_cacheable(self):
        r = self.client.get("/static/hezuo/hezuo.css")
        self.assertEqual(r.status_code, 200)
        self.assertNotIn("no-store", r.get("Cache-Control", ""))
