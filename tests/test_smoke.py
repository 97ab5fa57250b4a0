from django.urls import reverse

from tests.base import BaseTestCase


class SmokeTestCase(BaseTestCase):
    def test_it_shows_the_project_list(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("projects:list"))
        self.assertContains(r, "南浔示范项目")
