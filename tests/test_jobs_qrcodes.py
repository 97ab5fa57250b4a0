"""An event's printable QR codes, end to end.

A 岗位 sheet of 3,000 postings is imported for one event, published with `hezuo jobs
publish`, printed with `hezuo qrcodes`; the PDF's pages are rendered by poppler (pdftoppm)
and every code on them is read by a real decoder (zxing-cpp). Each code opens its posting's
public page, without signing in, with the posting's title; an expired posting's code shows
the expired notice. Then the event page's buttons: a small event's file at once, a large
one's written in the background with its progress; and the command's refusals.
"""

import datetime
import io
import subprocess
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import zxingcpp
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from hezuo.access import CONSOLE
from hezuo.imports.models import ExportRecord
from hezuo.imports.services.exports import run_export
from hezuo.imports.services.importer import import_workbook
from hezuo.jobs.models import Employer, Posting
from hezuo.jobs.public import public_employer_url, public_url
from tests.jobs_world import JobsTestCase, code, make_event, today
from tests.workbooks import write_workbook

HEADER = ["企业名称", "统一社会信用代码", "岗位名称", "招聘人数", "薪资下限（元/月）", "薪资上限（元/月）", "工作地点", "联系人",
          "联系电话", "有效期至", "招聘活动"]
POSTINGS, EMPLOYERS = 3000, 28
TRADES = ("普工", "电焊工", "缝纫工", "叉车司机", "仓管员", "质检员", "数控车工", "装配工", "厨师", "保安")
DPI = 100  # a 26 mm code is ~100 px wide: 3 px a module for the codes' version


def sheet_rows(event_name):
    until = today() + datetime.timedelta(days=60)
    rows = []
    for n in range(POSTINGS):
        employer = n % EMPLOYERS
        rows.append([f"湖州第{employer + 1}用工企业有限公司", code(500 + employer), f"{TRADES[n % len(TRADES)]}（{n + 1}号）",
                     5 + n % 20, 4000 + 100 * (n % 30), 6000 + 100 * (n % 30), "湖州市南浔区", "沈女士",
                     f"1390572{n:04d}", until, event_name])
    return rows


def decode(image):
    """The URLs of the codes on an image. The decoder now and then also "finds" a tiny code
    (a few digits) in the modules of neighbouring codes: what is no URL is not ours."""
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    return [c.text for c in found if c.text.startswith(("http://", "https://"))]


@override_settings(HEZUO_PUBLIC_RATE_PER_MINUTE=0)  # one client opens 3,000 pages in a row here
class ThreeThousandCodesTestCase(JobsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        folder = Path(tempfile.mkdtemp())
        result = import_workbook(write_workbook(folder / "岗位.xlsx", {"岗位": [HEADER, *sheet_rows(cls.baishan.name)]}),
                                 CONSOLE)
        assert result.ok, [str(p) for p in result.problems[:5]]
        call_command("jobs", "publish", "--event", cls.baishan.name, stdout=io.StringIO())
        cls.pdf = folder / "codes.pdf"
        out = io.StringIO()
        call_command("qrcodes", "--event", cls.baishan.name, "--output", str(cls.pdf), stdout=out, stderr=io.StringIO())
        cls.said = out.getvalue()
        subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(DPI), str(cls.pdf), str(folder / "page")], check=True)
        cls.pages = [decode(Image.open(png)) for png in sorted(folder.glob("page-*.png"))]

    def test_every_published_posting_has_exactly_one_code_that_decodes_to_its_public_url(self):
        printed = Posting.objects.open().filter(event=self.baishan)
        self.assertEqual(printed.count(), POSTINGS + 2)  # the imported ones, and the world's 电焊工 and 装配工
        self.assertIn(f"{POSTINGS + 2} 个岗位二维码", self.said)
        labels = [text for page in self.pages for text in page if "/j/c/" not in text]
        self.assertEqual(sorted(labels), sorted(public_url(p) for p in printed))  # each once
        self.assertEqual([len(page) for page in self.pages[:-EMPLOYERS - 1 - 1]], [21] * (len(self.pages) - EMPLOYERS - 2))
        self.assertTrue(all(text.startswith(settings.HEZUO_PUBLIC_BASE_URL + "/j/") for text in labels))

    def test_each_employer_has_a_poster_whose_code_opens_its_postings(self):
        posters = [text for page in self.pages for text in page if "/j/c/" in text]
        employers = Employer.objects.filter(postings__event=self.baishan).distinct()
        self.assertEqual(len(posters), EMPLOYERS + 1)
        self.assertEqual(sorted(posters), sorted(public_employer_url(e) for e in employers))
        first = Employer.objects.get(credit_code=code(500))
        page = self.client.get(urlsplit(public_employer_url(first)).path)
        self.assertContains(page, "<h1>湖州第1用工企业有限公司</h1>", html=False)
        self.assertContains(page, f"在招岗位 {POSTINGS // EMPLOYERS + 1} 个")

    def test_each_code_opens_its_postings_public_page_without_signing_in(self):
        by_token = {p.token: p for p in Posting.objects.filter(event=self.baishan)}
        opened = 0
        for text in (t for page in self.pages for t in page if "/j/c/" not in t):
            path = urlsplit(text).path
            posting = by_token[path.strip("/").split("/")[-1]]
            page = self.client.get(path)
            self.assertEqual(page.status_code, 200, path)
            self.assertContains(page, f"<h1>{posting.title}</h1>")
            self.assertNotIn("登录", page.content.decode())
            opened += 1
        self.assertEqual(opened, POSTINGS + 2)

    def test_an_expired_postings_code_shows_the_expired_notice(self):
        text = next(t for page in self.pages for t in page if "/j/c/" not in t)
        token = urlsplit(text).path.strip("/").split("/")[-1]
        Posting.objects.filter(token=token).update(valid_until=today() - datetime.timedelta(days=1))
        page = self.client.get(urlsplit(text).path)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "该岗位已过期")
        self.assertNotContains(page, "tel:")  # the phone of a posting no longer open is not shown


class EventPageButtonsTestCase(JobsTestCase):
    def setUp(self):
        self.client.force_login(self.bob)
        self.url = reverse("imports:event_qrcodes", args=[self.baishan.pk, "pdf"])

    def test_the_event_page_offers_both_files_to_whom_may_export(self):
        page = self.client.get(reverse("recruitment-events:detail", args=[self.baishan.pk]))
        self.assertContains(page, "打印二维码（PDF）")
        self.assertContains(page, "二维码图片（ZIP）")

    def test_a_small_events_pdf_comes_at_once(self):
        response = self.client.post(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(b"".join(response.streaming_content).startswith(b"%PDF"))

    def test_the_zip_holds_a_png_per_published_posting(self):
        response = self.client.post(reverse("imports:event_qrcodes", args=[self.baishan.pk, "zip"]))
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(len(archive.namelist()), Posting.objects.open().filter(event=self.baishan).count())
        image = Image.open(io.BytesIO(archive.read(archive.namelist()[0])))
        self.assertEqual(decode(image), [public_url(self.welder)])

    @override_settings(QR_BACKGROUND_LABELS=0)
    def test_a_large_events_pdf_is_written_in_the_background_with_progress(self):
        response = self.client.post(self.url)
        record = ExportRecord.objects.get()
        self.assertRedirects(response, reverse("imports:export_detail", args=[record.pk]))
        self.assertEqual((record.what, record.rows_total), (ExportRecord.What.QR_PDF, 1))
        run_export(record)  # what the worker does
        record.refresh_from_db()
        self.assertEqual((record.status, record.rows_done), (ExportRecord.Status.SUCCEEDED, 1))
        self.assertContains(self.client.get(reverse("imports:export_detail", args=[record.pk])), "共 1 个二维码")
        download = self.client.get(reverse("imports:export_file", args=[record.pk]))
        self.assertEqual(download["Content-Type"], "application/pdf")

    def test_an_event_with_nothing_published_says_so(self):
        Posting.objects.filter(event=self.baishan).update(state=Posting.State.PENDING)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "没有已发布且在有效期内的岗位")

    def test_another_units_event_is_not_found(self):
        url = reverse("imports:event_qrcodes", args=[self.wuxing_event.pk, "pdf"])
        self.assertEqual(self.client.post(url).status_code, 404)

    def test_printing_is_a_post(self):
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_the_command_refuses_what_it_cannot_do_in_chinese(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        empty = make_event("尚未发布岗位的招聘会", self.nanxun, self.east_west, self.guang_an)
        for event, output, said in ((self.baishan.name, folder / "codes.txt", "应以 .pdf"),
                                    (empty.name, folder / "codes.pdf", "没有已发布且在有效期内的岗位"),  # begun, then refused
                                    ("没有这个活动", folder / "codes.pdf", "没有名为“没有这个活动”的招聘活动"),
                                    (self.baishan.name, folder / "nowhere" / "codes.pdf", "目录不存在")):
            with self.subTest(output=output.name, event=event), self.assertRaises(CommandError) as refused:
                call_command("qrcodes", "--event", event, "--output", str(output))
            self.assertIn(said, str(refused.exception))
        self.assertEqual(list(folder.iterdir()), [])  # nothing half-written
