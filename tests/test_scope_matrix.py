"""Who may read and write what: every kind in the registry × every role × every page.

Bob (南浔区) owns `own`; `other` belongs to Charlie's 吴兴区, so Bob facing `other` is the
outsider case. Dictionaries are not owned by a unit; for them `own` and `other` are two
entries chosen to show a difference (see EXPECTED and setUpTestData).

Each outcome is the status the page answers, and the database must agree with it:
a write that answers DONE happened, any other answer left the database as it was.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from hezuo.core.kinds import REGISTRY
from hezuo.org.models import Program, Region, Unit
from tests.base import BaseTestCase
from tests.jobs_world import job_entries
from tests.record_data import form_data, new_record_data

OK = 200  # the page is shown
DONE = 302  # the write happened; the page redirects
INVALID = 422  # the form refuses what was posted: a choice outside the user's dropdown
FORBIDDEN = 403  # may see it, may not change it
NOT_FOUND = 404  # outside the user's scope: nobody learns it exists


@dataclass
class Expected:
    list: int  # the list page (and whether it lists own / other follows `detail`)
    detail: tuple  # detail page of (own, other)
    new_form: int  # the create page
    create: tuple  # POST a new record like (own, other)
    change: tuple  # edit and delete, GET and POST, of (own, other); a GET shows OK where the POST is DONE


DICTIONARIES = ("programs", "units")  # not owned by a unit; kept by the city office and the admin
REGIONS = "regions"  # a dictionary whose package entries nobody may change
CITY_ONLY = ("pairings",)  # owned by a unit, but only the city office writes them

EXPECTED = {
    # kinds: role  list  detail (own, other)  new form  create (own, other)  edit and delete (own, other)
    "records": {
        "alice": Expected(OK, (OK, OK), OK, (DONE, DONE), (DONE, DONE)),
        "bob": Expected(OK, (OK, NOT_FOUND), OK, (DONE, INVALID), (DONE, NOT_FOUND)),
        "lily": Expected(OK, (OK, OK), FORBIDDEN, (FORBIDDEN, FORBIDDEN), (FORBIDDEN, FORBIDDEN)),
        "adam": Expected(NOT_FOUND, (NOT_FOUND, NOT_FOUND), NOT_FOUND, (NOT_FOUND, NOT_FOUND), (NOT_FOUND, NOT_FOUND)),
    },
    "city-only": {
        "alice": Expected(OK, (OK, OK), OK, (DONE, DONE), (DONE, DONE)),
        "bob": Expected(OK, (OK, NOT_FOUND), FORBIDDEN, (FORBIDDEN, FORBIDDEN), (FORBIDDEN, NOT_FOUND)),
        "lily": Expected(OK, (OK, OK), FORBIDDEN, (FORBIDDEN, FORBIDDEN), (FORBIDDEN, FORBIDDEN)),
        "adam": Expected(NOT_FOUND, (NOT_FOUND, NOT_FOUND), NOT_FOUND, (NOT_FOUND, NOT_FOUND), (NOT_FOUND, NOT_FOUND)),
    },
    # own: an entry under Bob's side; other: one under Charlie's
    "dictionaries": {
        "alice": Expected(OK, (OK, OK), OK, (DONE, DONE), (DONE, DONE)),
        "bob": Expected(OK, (OK, OK), FORBIDDEN, (FORBIDDEN, FORBIDDEN), (FORBIDDEN, FORBIDDEN)),
        "lily": Expected(OK, (OK, OK), FORBIDDEN, (FORBIDDEN, FORBIDDEN), (FORBIDDEN, FORBIDDEN)),
        "adam": Expected(OK, (OK, OK), OK, (DONE, DONE), (DONE, DONE)),
    },
    # own: a town a user added; other: a county from the national package (a copy of it
    # is refused too: users add only towns and villages)
    "regions": {
        "alice": Expected(OK, (OK, OK), OK, (DONE, INVALID), (DONE, FORBIDDEN)),
        "bob": Expected(OK, (OK, OK), FORBIDDEN, (FORBIDDEN, FORBIDDEN), (FORBIDDEN, FORBIDDEN)),
        "lily": Expected(OK, (OK, OK), FORBIDDEN, (FORBIDDEN, FORBIDDEN), (FORBIDDEN, FORBIDDEN)),
        "adam": Expected(OK, (OK, OK), OK, (DONE, INVALID), (DONE, FORBIDDEN)),
    },
}


def group_of(slug):
    if slug == REGIONS:
        return "regions"
    if slug in DICTIONARIES:
        return "dictionaries"
    if slug in CITY_ONLY:
        return "city-only"
    return "records"


def page_status(outcome):
    """What the GET of a page answers when its POST would have `outcome`."""
    return OK if outcome in (DONE, INVALID) else outcome


def search_term(kind, obj):
    """Text the list's search box finds `obj` by (the regions list has thousands of rows)."""
    value = obj
    for part in kind.search[0].split("__"):
        value = getattr(value, part)
    return value


@contextmanager
def rolled_back():
    """Undo whatever the requests inside did, so each kind starts from the same data."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class ScopeMatrixTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Dictionary entries nothing refers to, so that deleting them can succeed.
        bob_side = Program.objects.create(name="援疆产业", parent=cls.xinjiang, sort_order=10)
        charlie_side = Program.objects.create(name="东西部协作消费", parent=cls.east_west, sort_order=11)
        shuanglin = Unit.objects.create(name="南浔区双林镇", parent=cls.nanxun)
        zhili = Unit.objects.create(name="吴兴区织里镇", parent=cls.wuxing)
        town = Region(code="652929100", name="柯坪镇", level=Region.Level.TOWN, parent=cls.kalpin)
        town.save()
        cls.entries = {slug: (cls.own[slug], cls.other[slug]) for slug in cls.own}
        cls.entries.update({
            "programs": (bob_side, charlie_side),
            "units": (shuanglin, zhili),
            "regions": (town, cls.kalpin),
            **job_entries(cls),
        })

    def kinds(self, role):
        for slug, kind in REGISTRY.items():
            yield slug, kind, EXPECTED[group_of(slug)][role], self.entries[slug]

    def test_it_covers_every_kind_in_the_registry(self):
        self.assertEqual(set(self.entries), set(REGISTRY))

    # Reading

    def check_reads(self, role):
        self.client.force_login(getattr(self, role))
        for slug, kind, expected, entries in self.kinds(role):
            for obj, detail in zip(entries, expected.detail):
                with self.subTest(kind=slug, obj=str(obj)):
                    r = self.client.get(reverse(f"{slug}:list"), {"q": search_term(kind, obj)})
                    self.assertEqual(r.status_code, expected.list)
                    if r.status_code == OK:
                        listed = obj.pk in [row.pk for row in r.context["page"]]
                        self.assertEqual(listed, detail == OK)

                    r = self.client.get(reverse(f"{slug}:detail", args=[obj.pk]))
                    self.assertEqual(r.status_code, detail)

    def test_alice_reads_every_units_records(self):
        self.check_reads("alice")

    def test_bob_reads_only_his_units_records(self):
        self.check_reads("bob")

    def test_lily_reads_every_units_records(self):
        self.check_reads("lily")

    def test_adam_reads_dictionaries_and_no_business_records(self):
        self.check_reads("adam")

    # Creating

    def check_creates(self, role):
        self.client.force_login(getattr(self, role))
        for slug, kind, expected, entries in self.kinds(role):
            url = reverse(f"{slug}:create")
            with self.subTest(kind=slug, page="form"):
                self.assertEqual(self.client.get(url).status_code, expected.new_form)
            for obj, outcome in zip(entries, expected.create):
                with self.subTest(kind=slug, like=str(obj)), rolled_back():
                    before = kind.model.objects.count()
                    r = self.client.post(url, new_record_data(obj))
                    self.assertEqual(r.status_code, outcome)
                    self.assertEqual(kind.model.objects.count(), before + (outcome == DONE))

    def test_alice_creates_records_for_any_unit(self):
        self.check_creates("alice")

    def test_bob_creates_records_for_his_units_only(self):
        self.check_creates("bob")

    def test_lily_creates_nothing(self):
        self.check_creates("lily")

    def test_adam_creates_dictionary_entries_only(self):
        self.check_creates("adam")

    # Editing

    def check_edits(self, role):
        user = getattr(self, role)
        self.client.force_login(user)
        for slug, kind, expected, entries in self.kinds(role):
            for obj, outcome in zip(entries, expected.change):
                url = reverse(f"{slug}:edit", args=[obj.pk])
                with self.subTest(kind=slug, obj=str(obj)), rolled_back():
                    self.assertEqual(self.client.get(url).status_code, page_status(outcome))

                    r = self.client.post(url, form_data(obj))
                    self.assertEqual(r.status_code, outcome)
                    saved = kind.model.objects.get(pk=obj.pk)
                    if outcome == DONE:
                        self.assertEqual((saved.version, saved.updated_by), (obj.version + 1, user))
                    else:
                        self.assertEqual(saved.version, obj.version)

    def test_alice_edits_every_units_records(self):
        self.check_edits("alice")

    def test_bob_edits_only_his_units_records(self):
        self.check_edits("bob")

    def test_lily_edits_nothing(self):
        self.check_edits("lily")

    def test_adam_edits_dictionary_entries_only(self):
        self.check_edits("adam")

    # Deleting

    def check_deletes(self, role):
        self.client.force_login(getattr(self, role))
        for slug, kind, expected, entries in self.kinds(role):
            for obj, outcome in zip(entries, expected.change):
                url = reverse(f"{slug}:delete", args=[obj.pk])
                with self.subTest(kind=slug, obj=str(obj)), rolled_back():
                    self.assertEqual(self.client.get(url).status_code, page_status(outcome))

                    r = self.client.post(url, {"version": obj.version})
                    self.assertEqual(r.status_code, outcome)
                    exists = kind.model.objects.filter(pk=obj.pk).exists()
                    self.assertEqual(exists, outcome != DONE)

    def test_alice_deletes_every_units_records(self):
        self.check_deletes("alice")

    def test_bob_deletes_only_his_units_records(self):
        self.check_deletes("bob")

    def test_lily_deletes_nothing(self):
        self.check_deletes("lily")

    def test_adam_deletes_dictionary_entries_only(self):
        self.check_deletes("adam")

    def test_bob_cannot_move_his_records_into_charlies_unit(self):
        self.client.force_login(self.bob)
        for slug, kind, expected, (own, other) in self.kinds("bob"):
            if kind.model.scope_path is None or expected.change[0] != DONE:
                continue
            owner_field = kind.model.scope_path.split("__")[0]  # unit, project, dispatch or park
            data = form_data(own, **{owner_field: form_data(other)[owner_field]})
            with self.subTest(kind=slug), rolled_back():
                r = self.client.post(reverse(f"{slug}:edit", args=[own.pk]), data)
                self.assertEqual(r.status_code, INVALID)
                self.assertIn(owner_field, r.context["form"].errors)
                self.assertEqual(kind.model.objects.get(pk=own.pk).version, own.version)


class DropdownScopeTestCase(BaseTestCase):
    """A district reporter's dropdowns offer only what is in his scope."""

    def choices(self, url, field):
        r = self.client.get(url)
        self.assertEqual(r.status_code, OK)
        return [str(label) for value, label in r.context["form"].fields[field].choices if value != ""]

    def test_bobs_project_form_offers_only_his_units(self):
        self.client.force_login(self.bob)
        units = self.choices(reverse("projects:create"), "unit")
        self.assertEqual(units, ["南浔区", "南浔区农业农村局"])

    def test_bobs_project_form_offers_only_his_parks(self):
        self.client.force_login(self.bob)
        parks = self.choices(reverse("projects:create"), "park")
        self.assertEqual(parks, ["南浔产业园"])

    def test_bobs_fund_form_offers_only_his_projects(self):
        self.client.force_login(self.bob)
        projects = self.choices(reverse("funds:create"), "project")
        self.assertEqual(projects, ["南浔-001 南浔示范项目"])

    def test_bobs_edit_form_offers_only_his_projects(self):
        self.client.force_login(self.bob)
        fund = self.own["funds"]
        projects = self.choices(reverse("funds:edit", args=[fund.pk]), "project")
        self.assertEqual(projects, ["南浔-001 南浔示范项目"])

    def test_bobs_list_filter_offers_only_his_units(self):
        self.client.force_login(self.bob)
        r = self.client.get(reverse("projects:list"))
        units = [str(label) for value, label in r.context["filters"].fields["unit"].choices if value != ""]
        self.assertEqual(units, ["南浔区", "南浔区农业农村局"])

    def test_alices_project_form_offers_every_unit(self):
        self.client.force_login(self.alice)
        units = self.choices(reverse("projects:create"), "unit")
        self.assertCountEqual(units, ["市区域合作办", "南浔区", "南浔区农业农村局", "吴兴区"])

