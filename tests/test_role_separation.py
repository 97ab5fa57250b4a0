"""Separation of duties (三权分立): the system admin keeps accounts but grants no role; the
security admin grants business roles (and a district reporter's unit) to accounts holding no
admin role; the admin roles are given only from the console; nobody changes their own role;
every change of role is in the audit trail the audit admin reads."""

from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from hezuo import access
from hezuo.accounts.models import User
from tests.base import BaseTestCase

Role = User.Role


def edit_url(user):
    return reverse("accounts:user_edit", args=[user.pk])


def grant_url(user):
    return reverse("accounts:grant", args=[user.pk])


def role_events(user):
    return LogEntry.objects.filter(additional_data__event="role_changed", object_pk=str(user.pk))


class RoleSeparationTestCase(BaseTestCase):
    def account_data(self, user, **changes):
        data = {"username": user.username, "display_name": user.display_name, "phone": user.phone,
                "email": user.email, "is_active": "on", "password": ""}
        data.update(changes)
        return data

    def test_the_admin_cannot_give_itself_a_business_role(self):
        """The finding: the admin set its own role to 市级业务人员 at /accounts/users/<own id>/."""
        self.client.force_login(self.adam)
        r = self.client.post(edit_url(self.adam), self.account_data(self.adam, role=Role.CITY))
        self.assertEqual(r.status_code, 403)
        self.adam.refresh_from_db()
        self.assertEqual(self.adam.role, Role.ADMIN)
        project = self.own["projects"]
        self.assertEqual(self.client.get(reverse("projects:edit", args=[project.pk])).status_code, 404)

    def test_the_admins_account_form_has_no_role(self):
        self.client.force_login(self.adam)
        r = self.client.get(edit_url(self.bob))
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, 'name="role"')
        self.assertNotContains(r, 'name="unit"')
        r = self.client.post(edit_url(self.bob), self.account_data(self.bob, phone="0572-1234567", role=Role.CITY))
        self.assertRedirects(r, reverse("accounts:users"), fetch_redirect_response=False)
        self.bob.refresh_from_db()
        self.assertEqual((self.bob.phone, self.bob.role), ("0572-1234567", Role.DISTRICT))

    def test_no_page_edits_an_account_holding_an_admin_role(self):
        for actor in (self.adam, self.sara, self.otto):
            self.client.force_login(actor)
            for account in (self.adam, self.sara, self.otto):
                with self.subTest(actor=actor.username, account=account.username):
                    self.assertEqual(self.client.get(edit_url(account)).status_code, 403)
                    self.assertEqual(self.client.get(grant_url(account)).status_code, 403)

    def test_only_the_security_admin_grants_roles_from_a_page(self):
        for actor in (self.adam, self.otto, self.alice, self.bob, self.lily):
            self.client.force_login(actor)
            r = self.client.post(grant_url(self.charlie), {"role": Role.CITY})
            self.assertEqual(r.status_code, 403, actor.username)
        self.charlie.refresh_from_db()
        self.assertEqual(self.charlie.role, Role.DISTRICT)

    def test_the_security_admin_grants_a_business_role_and_it_is_audited(self):
        self.client.force_login(self.sara)
        r = self.client.post(grant_url(self.bob), {"role": Role.CITY, "unit": self.city_office.pk})
        self.assertRedirects(r, reverse("accounts:users"), fetch_redirect_response=False)
        self.bob.refresh_from_db()
        self.assertEqual((self.bob.role, self.bob.unit), (Role.CITY, self.city_office))
        event = role_events(self.bob).get()
        self.assertEqual(event.actor, self.sara)
        self.assertEqual(event.additional_data["before"], {"role": "区县填报员", "unit": "南浔区"})
        self.assertEqual(event.additional_data["after"], {"role": "市级业务人员", "unit": "市区域合作办"})
        change = LogEntry.objects.filter(action=LogEntry.Action.UPDATE, object_pk=str(self.bob.pk)).get()
        self.assertEqual(change.changes_dict["role"], ["district", "city"])

    def test_the_audit_admin_sees_role_changes(self):
        self.client.force_login(self.sara)
        self.client.post(grant_url(self.bob), {"role": Role.LEADER})
        self.client.force_login(self.otto)
        r = self.client.get(reverse("audit:changes"))
        self.assertContains(r, "角色变更：Bob")

    def test_the_security_admin_cannot_grant_an_admin_role(self):
        self.client.force_login(self.sara)
        for role in (Role.ADMIN, Role.SECURITY, Role.AUDITOR):
            r = self.client.post(grant_url(self.bob), {"role": role})
            self.assertEqual(r.status_code, 422, role)
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.role, Role.DISTRICT)
        self.assertFalse(role_events(self.bob).exists())

    def test_a_district_reporter_needs_a_unit(self):
        self.client.force_login(self.sara)
        r = self.client.post(grant_url(self.lily), {"role": Role.DISTRICT})
        self.assertContains(r, "区县填报员必须指定所属单位", status_code=422)

    def test_nobody_changes_their_own_role_nor_grants_above_their_own(self):
        for actor in (self.adam, self.sara, self.otto, self.alice, self.bob, self.lily):
            self.assertEqual(access.grantable_roles(actor, actor), (), actor.username)
            for account in (self.adam, self.sara, self.otto):
                self.assertEqual(access.grantable_roles(actor, account), (), (actor.username, account.username))
        self.assertEqual(set(access.grantable_roles(self.sara, self.bob)), {Role.NONE, *access.BUSINESS_ROLES})

    def test_a_new_account_has_no_role_until_one_is_granted(self):
        self.client.force_login(self.adam)
        r = self.client.post(reverse("accounts:user_create"), {
            "username": "dora", "display_name": "Dora", "password": "Initial-2024!", "is_active": "on",
            "role": Role.CITY})
        self.assertRedirects(r, reverse("accounts:users"), fetch_redirect_response=False)
        dora = User.objects.get(username="dora")
        self.assertEqual(dora.role, Role.NONE)
        self.assertTrue(dora.must_change_password)

        dora.must_change_password = False
        dora.save()
        self.client.force_login(dora)
        for url in (reverse("home"), reverse("projects:list"), reverse("stats:dashboard")):
            self.assertRedirects(self.client.get(url), reverse("accounts:no_role"), fetch_redirect_response=False)
        self.assertContains(self.client.get(reverse("accounts:no_role")), "请联系安全管理员为您授予角色")

    def test_the_console_grants_admin_roles_as_the_console(self):
        call_command("users", "grant", "lily", "security", stdout=open("/dev/null", "w"))
        self.lily.refresh_from_db()
        self.assertEqual(self.lily.role, Role.SECURITY)
        event = role_events(self.lily).get()
        self.assertIsNone(event.actor)
        self.assertEqual(event.additional_data["via"], "console")
        call_command("users", "grant", "lily", "区县填报员", "--unit", "南浔区", stdout=open("/dev/null", "w"))
        self.lily.refresh_from_db()
        self.assertEqual((self.lily.role, self.lily.unit), (Role.DISTRICT, self.nanxun))

    def test_the_console_refuses_an_unknown_role_or_a_district_without_unit(self):
        with self.assertRaisesMessage(CommandError, "未知角色：boss"):
            call_command("users", "grant", "lily", "boss")
        with self.assertRaisesMessage(CommandError, "区县填报员必须指定所属单位"):
            call_command("users", "grant", "lily", "district")
