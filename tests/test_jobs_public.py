"""The public job page a seeker lands on after scanning a QR code: no login, no script, a few
KB, the phone a tap away; a notice (not an error) for old codes; nothing else of the
database; scans counted per posting and day, nothing about who scanned; a per-client limit."""

import datetime
import re

from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from hezuo.jobs import services
from hezuo.jobs.models import Posting, PostingScan
from hezuo.jobs.public import public_event_url, public_url
from tests.jobs_world import JobsTestCase, make_posting, today


class PublicPageTestCase(JobsTestCase):
    def setUp(self):
        caches["public"].clear()

    def page(self, posting, **extra):
        return self.client.get(f"/j/{posting.token}/", **extra)

    def test_it_opens_without_login(self):
        response = self.page(self.welder)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<title>电焊工 · 南浔电梯有限公司</title>", html=False)
        self.assertContains(response, "<h1>电焊工</h1>", html=False)
        self.assertContains(response, "5,000–8,000元/月")
        self.assertContains(response, "包住宿，交通补贴500元")

    def test_the_phone_is_a_tap_away(self):
        self.assertContains(self.page(self.welder), 'href="tel:05723012345"')

    def test_it_is_small_and_has_no_script(self):
        html = self.page(self.welder).content
        self.assertLess(len(html), 8 * 1024)
        self.assertNotIn(b"<script", html)
        self.assertNotIn(b"hx-", html)

    def test_it_links_nothing_of_the_intranet(self):
        html = self.page(self.welder).content.decode()
        links = re.findall(r'(?:href|src|action)="([^"]*)"', html)
        self.assertTrue(links)
        for link in links:
            self.assertRegex(link, r"^(/j/|/static/|tel:|\?p=)", link)

    def test_the_employers_other_open_postings_are_listed(self):
        Posting.objects.filter(pk=self.fitter.pk).update(state=Posting.State.PUBLISHED)
        response = self.page(self.welder)
        self.assertContains(response, "该企业其他在招岗位")
        self.assertContains(response, f'href="/j/{self.fitter.token}/"')

    def test_an_expired_posting_says_so_without_its_phone(self):
        Posting.objects.filter(pk=self.welder.pk).update(valid_until=today() - datetime.timedelta(days=1))
        response = self.page(self.welder)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "该岗位已过期")
        self.assertNotContains(response, "tel:")
        self.assertNotContains(response, "3012345")

    def test_a_filled_posting_says_so(self):
        Posting.objects.filter(pk=self.welder.pk).update(filled=True)
        self.assertContains(self.page(self.welder), "该岗位已招满")

    def test_a_posting_taken_offline_says_so(self):
        Posting.objects.filter(pk=self.welder.pk).update(state=Posting.State.OFFLINE)
        response = self.page(self.welder)
        self.assertContains(response, "该岗位已下线", status_code=200)
        self.assertNotContains(response, "tel:")

    def test_a_posting_never_published_is_not_found(self):
        response = self.page(self.fitter)
        self.assertContains(response, "未找到该岗位", status_code=404)

    def test_an_unknown_token_is_not_found_in_chinese(self):
        response = self.client.get("/j/nosuchtoken1/")
        self.assertContains(response, "未找到该岗位", status_code=404)
        self.assertNotIn(b"<script", response.content)
        self.assertNotContains(response, "登录", status_code=404)

    def test_no_url_made_of_the_id_works(self):
        pk = self.welder.pk
        for path in (f"/j/{pk}/", f"/j/e/{self.baishan.pk}/", f"/j/0{pk}/"):
            with self.subTest(path):
                self.assertEqual(self.client.get(path).status_code, 404)

    def test_tokens_are_unguessable_and_not_the_id(self):
        tokens = list(Posting.objects.values_list("token", flat=True))
        self.assertEqual(len(set(tokens)), len(tokens))
        for token in tokens:
            self.assertRegex(token, r"^[A-Za-z0-9_-]{8,}$")
        self.assertNotIn(f"/{self.welder.pk}/", public_url(self.welder))

    @override_settings(HEZUO_PUBLIC_BASE_URL="https://jobs.huzhou.example")
    def test_public_url_is_the_public_host_and_the_tokens_path(self):
        self.assertEqual(public_url(self.welder), f"https://jobs.huzhou.example/j/{self.welder.token}/")
        self.assertEqual(public_event_url(self.baishan), f"https://jobs.huzhou.example/j/e/{self.baishan.token}/")


class EventListTestCase(JobsTestCase):
    def setUp(self):
        caches["public"].clear()

    def test_it_lists_the_events_open_postings(self):
        Posting.objects.filter(pk=self.fitter.pk).update(state=Posting.State.PUBLISHED, filled=True)
        response = self.client.get(f"/j/e/{self.baishan.token}/")
        self.assertContains(response, "南浔赴柯坪劳务协作招聘会")
        self.assertContains(response, "在招岗位 1 个")
        self.assertContains(response, f'href="/j/{self.welder.token}/"')
        self.assertNotContains(response, "装配工")  # filled
        self.assertNotIn(b"<script", response.content)

    def test_it_pages_fifty_at_a_time(self):
        for i in range(60):
            make_posting(self.baishan, self.elevator, f"岗位{i:02d}", state=Posting.State.PUBLISHED)
        first = self.client.get(f"/j/e/{self.baishan.token}/")
        self.assertContains(first, "第 1/2 页")
        self.assertLess(len(first.content), 16 * 1024)
        self.assertContains(self.client.get(f"/j/e/{self.baishan.token}/", {"p": "2"}), "第 2/2 页")
        self.assertContains(self.client.get(f"/j/e/{self.baishan.token}/", {"p": "x"}), "第 1/2 页")

    def test_an_unknown_event_is_not_found(self):
        self.assertContains(self.client.get("/j/e/nosuchtoken1/"), "未找到", status_code=404)


class ScanCountTestCase(JobsTestCase):
    def setUp(self):
        caches["public"].clear()

    def test_each_view_counts_once_for_the_posting_and_the_day(self):
        for _ in range(3):
            self.client.get(f"/j/{self.welder.token}/")
        self.client.get(f"/j/{self.welder.token}/", REMOTE_ADDR="10.1.2.3")
        scan = PostingScan.objects.get()
        self.assertEqual((scan.posting, scan.day, scan.count), (self.welder, today(), 4))

    def test_another_day_has_a_row_of_its_own(self):
        services.count_scan(self.welder, datetime.date(2024, 11, 12))
        services.count_scan(self.welder, datetime.date(2024, 11, 12))
        services.count_scan(self.welder, datetime.date(2024, 11, 13))
        self.assertEqual(sorted(PostingScan.objects.values_list("day", "count")),
                         [(datetime.date(2024, 11, 12), 2), (datetime.date(2024, 11, 13), 1)])

    def test_a_scan_keeps_nothing_about_the_scanner(self):
        self.client.get(f"/j/{self.welder.token}/", REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT="MicroMessenger/8.0")
        self.assertEqual([f.name for f in PostingScan._meta.concrete_fields], ["id", "posting", "day", "count"])
        self.assertNotIn("sessionid", self.client.cookies)

    def test_the_event_page_shows_the_scans(self):
        services.count_scan(self.welder)
        services.count_scan(self.welder)
        self.client.force_login(self.alice)
        page = self.client.get(reverse("recruitment-events:detail", args=[self.baishan.pk]))
        self.assertContains(page, "累计 2 次")


@override_settings(HEZUO_PUBLIC_RATE_PER_MINUTE=5)
class RateLimitTestCase(JobsTestCase):
    def setUp(self):
        caches["public"].clear()

    def test_a_client_over_the_limit_gets_429_in_chinese(self):
        for _ in range(5):
            self.assertEqual(self.client.get(f"/j/{self.welder.token}/", REMOTE_ADDR="10.0.0.1").status_code, 200)
        response = self.client.get(f"/j/{self.welder.token}/", REMOTE_ADDR="10.0.0.1")
        self.assertContains(response, "访问过于频繁", status_code=429)
        self.assertEqual(response["Retry-After"], "60")
        self.assertEqual(PostingScan.objects.get().count, 5)  # the refused view is not a scan

    def test_other_clients_are_not_limited(self):
        for _ in range(6):
            self.client.get(f"/j/{self.welder.token}/", REMOTE_ADDR="10.0.0.1")
        self.assertEqual(self.client.get(f"/j/{self.welder.token}/", REMOTE_ADDR="10.0.0.2").status_code, 200)

    def test_the_address_is_not_kept_in_the_cache_key(self):
        self.client.get(f"/j/{self.welder.token}/", REMOTE_ADDR="10.0.0.77")
        keys = list(caches["public"]._cache.keys())
        self.assertTrue(keys)
        self.assertFalse(any("10.0.0.77" in key for key in keys))


@override_settings(HEZUO_PUBLIC_HOST="jobs.huzhou.example", ALLOWED_HOSTS=["jobs.huzhou.example", "testserver"])
class PublicHostTestCase(JobsTestCase):
    def setUp(self):
        caches["public"].clear()

    def get(self, path):
        return self.client.get(path, HTTP_HOST="jobs.huzhou.example")

    def test_the_public_host_serves_the_job_pages(self):
        self.assertContains(self.get(f"/j/{self.welder.token}/"), "电焊工")
        self.assertContains(self.get(f"/j/e/{self.baishan.token}/"), "在招岗位")
        self.assertEqual(self.get("/healthz").status_code, 200)

    def test_the_public_host_serves_nothing_else(self):
        self.client.force_login(self.alice)  # even with a session
        for path in ("/", "/accounts/login/", "/postings/", f"/recruitment-events/{self.baishan.pk}/", "/admin/",
                     "/imports/"):
            with self.subTest(path):
                response = self.get(path)
                self.assertEqual(response.status_code, 404)
                self.assertContains(response, "未找到", status_code=404)

    def test_the_intranet_host_still_serves_everything(self):
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get("/postings/").status_code, 200)
        self.assertEqual(self.client.get(f"/j/{self.welder.token}/").status_code, 200)
