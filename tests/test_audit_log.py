"""Every change made through a page is in the audit log, written in the same transaction:
who, from where, and each field before and after. Only the admin reads the log; nobody
can change it. Sign-ins, good and bad, are logged too."""

from unittest import mock

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError
from django.urls import reverse

from hezuo.projects.models import Project
from tests.base import PASSWORD, BaseTestCase
from tests.record_data import form_data, new_record_data

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE


class AuditLogTestCase(BaseTestCase):
    def setUp(self):
        self.project = self.own["projects"]
        # The records of the test world were logged as they were made; look only at what follows.
        self.last_setup_entry = LogEntry.objects.order_by("id").last().pk

    def entries_for(self, obj):
        content_type = ContentType.objects.get_for_model(obj)
        entries = LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk))
        return entries.filter(pk__gt=self.last_setup_entry).order_by("id")

    def rename_project(self, user, name="南浔示范项目（二期）", **changes):
        self.client.force_login(user)
        data = form_data(self.project, name=name, **changes)
        return self.client.post(reverse("projects:edit", args=[self.project.pk]), data)

    # Writing the log

    def test_it_logs_an_edit_with_actor_address_and_field_changes(self):
        r = self.rename_project(self.bob, total_investment_0="600", total_investment_1="万元")
        self.assertEqual(r.status_code, 302)

        entry = self.entries_for(self.project).get()
        self.assertEqual(entry.action, UPDATE)
        self.assertEqual(entry.actor, self.bob)
        self.assertEqual(entry.remote_addr, "127.0.0.1")
        self.assertEqual(entry.changes_dict, {
            "name": ["南浔示范项目", "南浔示范项目（二期）"],
            "total_investment": ["5000000.00", "6000000.00"],
        })

    def test_it_records_the_connection_address_not_a_forwarded_header(self):
        self.client.force_login(self.bob)
        data = form_data(self.project, name="改名")
        self.client.post(reverse("projects:edit", args=[self.project.pk]), data, HTTP_X_FORWARDED_FOR="6.6.6.6")
        self.assertEqual(self.entries_for(self.project).get().remote_addr, "127.0.0.1")

    def test_it_leaves_no_entry_when_the_version_check_fails(self):
        r = self.rename_project(self.bob, version=self.project.version - 1)
        self.assertEqual(r.status_code, 409)
        self.assertFalse(self.entries_for(self.project).exists())

    def test_it_leaves_no_entry_when_the_save_rolls_back(self):
        save = Project.save

        def save_then_fail(project, *args, **kwargs):
            save(project, *args, **kwargs)
            raise DatabaseError("磁盘已满")

        with mock.patch.object(Project, "save", save_then_fail), self.assertRaises(DatabaseError):
            self.rename_project(self.bob)

        self.assertFalse(self.entries_for(self.project).exists())
        self.assertEqual(Project.objects.get(pk=self.project.pk).name, "南浔示范项目")

    def test_it_logs_a_create(self):
        self.client.force_login(self.bob)
        r = self.client.post(reverse("projects:create"), new_record_data(self.project))
        self.assertEqual(r.status_code, 302)

        created = Project.objects.get(code="南浔-001-1")
        entry = self.entries_for(created).get()
        self.assertEqual((entry.action, entry.actor, entry.remote_addr), (CREATE, self.bob, "127.0.0.1"))
        self.assertEqual(entry.changes_dict["name"], ["None", "南浔示范项目"])

    def test_it_logs_a_delete(self):
        self.client.force_login(self.bob)
        fund = self.own["funds"]
        r = self.client.post(reverse("funds:delete", args=[fund.pk]), {"version": fund.version})
        self.assertEqual(r.status_code, 302)

        entry = self.entries_for(fund).get()
        self.assertEqual((entry.action, entry.actor, entry.remote_addr), (DELETE, self.bob, "127.0.0.1"))
        self.assertEqual(entry.object_repr, "南浔-001 安排 2024-05-06")

    # Reading the log

    def test_admin_browses_the_change_log(self):
        self.rename_project(self.bob)
        self.client.force_login(self.otto)
        r = self.client.get(reverse("audit:changes"))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "南浔-001 南浔示范项目（二期）")
        self.assertContains(r, "修改")

    def test_admin_filters_the_change_log_by_actor_type_and_action(self):
        self.rename_project(self.bob)
        self.client.force_login(self.alice)
        fund = self.other["funds"]
        self.client.post(reverse("funds:delete", args=[fund.pk]), {"version": fund.version})
        bobs_edit = self.entries_for(self.project).get()
        alices_delete = self.entries_for(fund).get()

        self.client.force_login(self.otto)

        def listed(**filters):
            r = self.client.get(reverse("audit:changes"), filters)
            self.assertEqual(r.status_code, 200)
            return [entry.pk for entry in r.context["page"]
                    if entry.pk > self.last_setup_entry and entry.action != LogEntry.Action.ACCESS]

        self.assertEqual(listed(actor=self.bob.pk), [bobs_edit.pk])
        self.assertEqual(listed(actor=self.alice.pk), [alices_delete.pk])
        self.assertEqual(listed(content_type=ContentType.objects.get_for_model(Project).pk), [bobs_edit.pk])
        self.assertEqual(listed(action=DELETE), [alices_delete.pk])
        self.assertEqual(listed(action=UPDATE, actor=self.alice.pk), [])

    def test_admin_opens_an_entry_showing_the_changes_in_chinese(self):
        self.rename_project(self.bob)
        entry = self.entries_for(self.project).get()

        self.client.force_login(self.otto)
        r = self.client.get(reverse("audit:change", args=[entry.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "修改项目：南浔-001 南浔示范项目（二期）")
        self.assertContains(
            r, '<tr><td>项目名称</td><td class="before">南浔示范项目</td><td class="after">南浔示范项目（二期）</td></tr>',
            html=True,
        )
        self.assertContains(r, "127.0.0.1")
        self.assertContains(r, "Bob")

    def test_only_the_audit_admin_reads_the_log(self):
        self.rename_project(self.bob)
        entry = self.entries_for(self.project).get()
        urls = [reverse("audit:changes"), reverse("audit:change", args=[entry.pk]), reverse("audit:logins")]
        for user in (self.alice, self.bob, self.lily, self.adam, self.sara):
            self.client.force_login(user)
            for url in urls:
                with self.subTest(user=user.username, url=url):
                    r = self.client.get(url)
                    self.assertEqual(r.status_code, 403)

    def test_it_offers_no_way_to_change_or_delete_an_entry(self):
        self.rename_project(self.bob)
        entry = self.entries_for(self.project).get()
        self.client.force_login(self.otto)  # signing in is an entry too
        before = list(LogEntry.objects.values())

        detail = reverse("audit:change", args=[entry.pk])
        attempts = [detail, f"{detail}edit/", f"{detail}delete/", "/admin/auditlog/logentry/"]
        for url in attempts:
            with self.subTest(url=url):
                r = self.client.post(url, {"changes": "{}", "action": DELETE, "actor": ""})
                self.assertIn(r.status_code, (404, 405) if url != detail else (200, 405))
        self.assertEqual(list(LogEntry.objects.values()), before)

    # Sign-ins

    def test_sign_ins_good_and_bad_appear_on_the_login_log(self):
        login = reverse("accounts:login")
        self.client.post(login, {"username": "bob", "password": "wrong-password"})
        r = self.client.post(login, {"username": "charlie", "password": PASSWORD})
        self.assertRedirects(r, reverse("home"), fetch_redirect_response=False)

        self.client.force_login(self.otto)
        r = self.client.get(reverse("audit:logins"))
        self.assertEqual(r.status_code, 200)
        events = [(e["username"], e["ip_address"], e["ok"]) for e in r.context["page"]]
        self.assertIn(("bob", "127.0.0.1", False), events)
        self.assertIn(("charlie", "127.0.0.1", True), events)
        self.assertContains(r, "登录失败")
        self.assertContains(r, "登录成功")

        r = self.client.get(reverse("audit:logins"), {"username": "bob"})
        self.assertEqual({e["username"] for e in r.context["page"]}, {"bob"})
