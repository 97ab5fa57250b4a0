"""The audit log reads like the record's own page: field labels, names instead of ids,
Chinese choice labels, amounts in 万元 with the exact 元 on hover, local time to the second,
and personal data masked for the audit admin, who may not see it."""

import re

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from hezuo.accounts.models import User
from hezuo.audit import chain
from hezuo.exchanges.models import Cadre
from hezuo.projects.models import Project
from tests.base import BaseTestCase
from tests.record_data import form_data


class AuditReadableTestCase(BaseTestCase):
    def setUp(self):
        self.project = self.own["projects"]

    def last_entry(self, obj):
        content_type = ContentType.objects.get_for_model(obj)
        return LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk)).latest("id")

    def edit_project(self):
        self.client.force_login(self.alice)
        data = form_data(self.project, program=self.east_west.pk, category=Project.Category.RURAL,
                         total_investment_0="1350", total_investment_1="万元")
        r = self.client.post(reverse("projects:edit", args=[self.project.pk]), data)
        self.assertEqual(r.status_code, 302)
        return self.last_entry(self.project)

    def detail_text(self, entry):
        self.client.force_login(self.otto)
        r = self.client.get(reverse("audit:change", args=[entry.pk]))
        self.assertEqual(r.status_code, 200)
        return r, r.content.decode()

    def test_it_shows_an_edit_with_names_labels_amounts_and_local_time(self):
        entry = self.edit_project()
        r, page = self.detail_text(entry)

        self.assertContains(r, '<tr><td>工作类别</td><td class="before">援疆</td><td class="after">东西部协作</td></tr>',
                            html=True)
        self.assertContains(r, "<td>项目类别</td>", html=True)
        self.assertContains(r, '<td class="after">乡村振兴</td>', html=True)
        self.assertNotIn("rural", page)
        self.assertContains(r, '<span title="5,000,000.00元">500万元</span>', html=True)
        self.assertContains(r, '<span title="13,500,000.00元">1350万元</span>', html=True)
        self.assertNotIn("13500000.00", page)
        local = timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S")
        self.assertIn(local, page)
        self.assertNotRegex(page, r"\d{2}:\d{2}:\d{2}\.\d{6}")

    def test_the_list_names_the_action_kind_and_changed_fields(self):
        self.edit_project()
        self.client.force_login(self.otto)
        r = self.client.get(reverse("audit:changes"), {"content_type": ContentType.objects.get_for_model(Project).pk})
        self.assertContains(r, "<td data-label=\"操作\">修改</td>", html=True)
        self.assertContains(r, "工作类别、")
        self.assertNotRegex(r.content.decode(), r"\d{2}:\d{2}:\d{2}\.\d{6}")

    def test_a_created_record_shows_its_values_without_empty_ones_or_none(self):
        r, page = self.detail_text(self.last_entry(self.project))
        self.assertContains(r, "新增项目")
        self.assertContains(r, "<td>实施单位</td>", html=True)
        self.assertContains(r, '<td class="after">南浔区农业农村局</td>', html=True)
        self.assertNotIn("None", page)
        self.assertNotRegex(page, r"\d{2}:\d{2}:\d{2}\.\d{6}")
        self.assertNotIn("<td>创建时间</td>", page)  # who and when head the entry

    def test_a_time_value_reads_in_local_time_to_the_second(self):
        user = User.objects.create(username="dora", role=User.Role.DISTRICT, unit=self.wuxing)
        r, page = self.detail_text(self.last_entry(user))
        joined = timezone.localtime(user.date_joined).strftime("%Y-%m-%d %H:%M:%S")
        label = User._meta.get_field("date_joined").verbose_name
        self.assertContains(r, f'<tr><td>{label}</td><td class="after">{joined}</td></tr>', html=True)
        self.assertNotRegex(page, r"\d{2}:\d{2}:\d{2}\.\d{6}")

    def test_a_deleted_target_shows_its_id_and_that_it_is_gone(self):
        entry = self.edit_project()
        entry.changes["unit"] = ["999999", str(self.nanxun_agri.pk)]
        with chain.unlocked():  # entries cannot be changed, but this one must name a unit since deleted
            LogEntry.objects.filter(pk=entry.pk).update(changes=entry.changes)
        r, _page = self.detail_text(entry)
        self.assertContains(r, "#999999（已删除）")

    def test_it_masks_a_cadres_id_number_and_phone_for_the_audit_admin(self):
        cadre = self.own["cadres"]
        r, page = self.detail_text(self.last_entry(cadre))
        self.assertNotIn("330501198001011234", page)
        self.assertNotIn("13812345678", page)
        self.assertContains(r, "330501********1234")
        self.assertContains(r, "138****5678")

    def test_it_masks_an_edit_of_personal_data_too(self):
        cadre = self.own["cadres"]
        self.client.force_login(self.bob)
        r = self.client.post(reverse("cadres:edit", args=[cadre.pk]), form_data(cadre, phone="13900001111"))
        self.assertEqual(r.status_code, 302)
        r, page = self.detail_text(self.last_entry(Cadre.objects.get(pk=cadre.pk)))
        self.assertNotIn("13900001111", page)
        self.assertContains(r, "139****1111")

    def test_it_masks_an_accounts_phone_for_the_audit_admin(self):
        user = User.objects.get(pk=self.charlie.pk)
        user.phone = "13700002222"
        user.save()
        r, page = self.detail_text(self.last_entry(user))
        self.assertNotIn("13700002222", page)
        self.assertContains(r, "137****2222")

    def test_a_role_change_reads_with_role_labels_and_unit_names(self):
        self.client.force_login(self.otto)
        user = User.objects.get(pk=self.charlie.pk)
        user.role, user.unit = User.Role.CITY, self.city_office
        user.save()
        r, page = self.detail_text(self.last_entry(user))
        self.assertContains(r, '<tr><td>角色</td><td class="before">区县填报员</td><td class="after">市级业务人员</td></tr>',
                            html=True)
        self.assertContains(r, '<td class="after">市区域合作办</td>', html=True)
        self.assertNotRegex(page, r'<td class="(before|after)">\d+</td>')

    def test_sign_in_events_show_their_chinese_label(self):
        from hezuo.audit.events import record_event

        record_event("login", actor=self.bob)
        self.client.force_login(self.otto)
        r = self.client.get(reverse("audit:changes"), {"action": LogEntry.Action.ACCESS})
        self.assertContains(r, '<td data-label="操作">登录成功</td>', html=True)
        self.assertNotIn("login", re.sub(r"<[^>]+>", "", r.content.decode()).replace("logins", ""))

    def test_the_list_costs_the_same_queries_however_many_entries_it_shows(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.edit_project()
        self.client.force_login(self.otto)
        url = reverse("audit:changes")
        self.client.get(url)
        with CaptureQueriesContext(connection) as before:
            self.client.get(url)
        self.client.force_login(self.alice)
        for n in range(30):
            self.project.refresh_from_db()
            data = form_data(self.project, name=f"改名{n}", program=(self.xinjiang if n % 2 else self.aid).pk)
            self.assertEqual(self.client.post(reverse("projects:edit", args=[self.project.pk]), data).status_code, 302)
        self.client.force_login(self.otto)
        with CaptureQueriesContext(connection) as after:
            r = self.client.get(url)
        self.assertEqual(len(r.context["rows"]), 30)
        # One query per model the entries name (the world's creations, shown before, name more).
        self.assertLessEqual(len(after), len(before))
