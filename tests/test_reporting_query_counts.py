"""The reporting pages cost the same number of queries however many tasks, units, records
and changes they show."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hezuo.org.models import Unit
from hezuo.reporting import services
from tests.base import BaseTestCase
from tests.record_data import copy_of
from tests.reporting import at, may_task


class ReportingQueryCountTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        first = may_task(cls).submissions.get(unit=cls.nanxun)
        services.submit(first, cls.bob, at=at(6, 2))
        services.approve(first, cls.alice, at=at(6, 3))
        cls.task = may_task(cls, title="2024年5月 更正", deadline=datetime.date(2024, 6, 30))
        cls.submission = services.submit(cls.task.submissions.get(unit=cls.nanxun), cls.bob)

    def count(self, user, url):
        self.client.force_login(user)
        self.client.get(url)  # per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def grow(self, n):
        """More tasks and units, more records in 南浔区's May, some of them changed."""
        more_units = [Unit.objects.create(name=f"南浔区镇{n}-{i}", parent=self.nanxun) for i in range(3)]
        for i in range(3):
            may_task(self, month=5, title=f"增加的任务{n}-{i}", units=[self.nanxun, self.wuxing, *more_units])
        for i in range(5):
            fund = copy_of(self.own["funds"], n * 10 + i)
            fund.amount += Decimal(100)
            fund.save()
            copy_of(self.own["consumption"], n * 10 + i)

    def test_the_pages_keep_their_query_count(self):
        pages = [(self.alice, reverse("reporting:tasks")), (self.alice, reverse("reporting:task", args=[self.task.pk])),
                 (self.alice, reverse("reporting:board")), (self.alice, reverse("home")),
                 (self.bob, reverse("home")), (self.bob, reverse("reporting:tasks")),
                 (self.alice, reverse("reporting:submission", args=[self.submission.pk]))]
        before = [self.count(user, url) for user, url in pages]
        self.grow(1)
        after = [self.count(user, url) for user, url in pages]
        self.assertEqual(after, before)
