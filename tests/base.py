"""The world tests run in: named users per role, a small unit tree, programs, and one
record of every kind for two districts.

- Alice: 市区域合作办 officer (city), sees and changes everything.
- Bob: reporter of 南浔区 (district), scope is 南浔区 and its sub-unit 南浔区农业农村局.
- Charlie: reporter of 吴兴区 (district), an outsider to Bob's data.
- Lily: leader, reads everything, changes nothing.
- Adam: system admin: accounts and dictionaries; no business records.
- Sara: security admin: roles, account locks, password policy.
- Otto: audit admin: reads the audit trail, changes nothing.
"""

import datetime
from decimal import Decimal

from django.test import TestCase

from hezuo.accounts.models import User
from hezuo.assistance.models import ConsumptionRecord, InKindAid
from hezuo.exchanges.models import Activity, Cadre, Dispatch
from hezuo.honors.models import Case, Honor, Level
from hezuo.org.models import Pairing, Program, Region, Unit
from hezuo.parks.models import Enterprise, Park, ParkFigure
from hezuo.projects.models import FundRecord, Project

PASSWORD = "test-password-1"


def make_programs():
    """The programs tests use, from the default dictionary every installation starts with."""
    return tuple(Program.objects.get(name=name) for name in ("对口支援", "援疆", "东西部协作"))


def make_records(unit, program, region, tag):
    """One record of every unit-owned kind, owned by `unit`; returns {slug: obj}."""
    day = datetime.date(2024, 5, 6)
    park = Park.objects.create(name=f"{tag}产业园", kind=Park.Kind.PARK, program=program, unit=unit,
                               partner_region=region)
    project = Project.objects.create(code=f"{tag}-001", name=f"{tag}示范项目", program=program, unit=unit,
                                     partner_region=region, year=2024, total_investment=Decimal("5000000"),
                                     park=park)
    fund = FundRecord.objects.create(project=project, date=day, stage=FundRecord.Stage.ARRANGED,
                                     amount=Decimal("1200000.00"))
    dispatch = Dispatch.objects.create(batch_name=f"{tag}第一批专家", kind=Dispatch.Kind.EXPERT, program=program,
                                       unit=unit, destination=region, start_date=day, person_times=8)
    cadre = Cadre.objects.create(dispatch=dispatch, name=f"{tag}张三", phone="13812345678",
                                 id_number="330501198001011234")
    activity = Activity.objects.create(name=f"{tag}推介会", kind=Activity.Kind.PROMOTION, program=program,
                                       unit=unit, date=day, person_times=30, signed_projects=2,
                                       signed_investment=Decimal("300000000"))
    consumption = ConsumptionRecord.objects.create(date=day, program=program, unit=unit, origin=region,
                                                   product=f"{tag}核桃", amount=Decimal("250000"))
    in_kind = InKindAid.objects.create(item=f"{tag}茶苗", program=program, unit=unit, region=region, date=day,
                                       quantity=Decimal("345"), quantity_unit="万株")
    enterprise = Enterprise.objects.create(park=park, name=f"{tag}电梯有限公司")
    figure = ParkFigure.objects.create(park=park, year=2024, fixed_asset_investment=Decimal("1340000000"))
    honor = Honor.objects.create(name=f"{tag}先进集体", level=Level.PROVINCIAL, unit=unit, year=2024)
    case = Case.objects.create(title=f"{tag}最佳实践案例", level=Level.PROVINCIAL, unit=unit, program=program,
                               year=2024)
    pairing = Pairing.objects.create(unit=unit, region=region, program=program, start_year=2021)
    return {
        "projects": project, "funds": fund, "dispatches": dispatch, "cadres": cadre, "activities": activity,
        "consumption": consumption, "in-kind": in_kind, "parks": park, "enterprises": enterprise,
        "park-figures": figure, "honors": honor, "cases": case, "pairings": pairing,
    }


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city_office = Unit.objects.create(name="市区域合作办", kind=Unit.Kind.OFFICE)
        cls.nanxun = Unit.objects.create(name="南浔区", parent=cls.city_office)
        cls.nanxun_agri = Unit.objects.create(name="南浔区农业农村局", parent=cls.nanxun,
                                              kind=Unit.Kind.DEPARTMENT)
        cls.wuxing = Unit.objects.create(name="吴兴区", parent=cls.city_office)
        cls.aid, cls.xinjiang, cls.east_west = make_programs()
        cls.kalpin = Region.objects.get(code="652929")  # 柯坪县
        cls.guang_an = Region.objects.get(code="511602")  # 广安区

        def user(username, role, unit=None):
            u = User(username=username, role=role, unit=unit, display_name=username.capitalize())
            u.set_password(PASSWORD)
            u.save()
            return u

        cls.alice = user("alice", User.Role.CITY, cls.city_office)
        cls.bob = user("bob", User.Role.DISTRICT, cls.nanxun)
        cls.charlie = user("charlie", User.Role.DISTRICT, cls.wuxing)
        cls.lily = user("lily", User.Role.LEADER)
        cls.adam = user("adam", User.Role.ADMIN)
        cls.sara = user("sara", User.Role.SECURITY)
        cls.otto = user("otto", User.Role.AUDITOR)

        cls.own = make_records(cls.nanxun_agri, cls.xinjiang, cls.kalpin, "南浔")
        cls.other = make_records(cls.wuxing, cls.east_west, cls.guang_an, "吴兴")


class DemoTestCase(TestCase):
    """The Huzhou 2024 demo and its logins: alice = city (市区域合作办), bob = nanxun (南浔区
    reporter), leader, admin."""

    @classmethod
    def setUpTestData(cls):
        from hezuo.demo.huzhou import load_demo

        load_demo()
        users = {u.username: u for u in User.objects.filter(username__in=["city", "nanxun", "leader", "admin"])}
        cls.alice, cls.bob, cls.leader, cls.admin = (users[n] for n in ("city", "nanxun", "leader", "admin"))
