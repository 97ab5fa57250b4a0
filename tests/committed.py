"""A small world committed to the database, for TransactionTestCases whose other processes
or connections must see it: a `hezuo db_worker` process, a second SQLite connection.

Their database is emptied after each test (the national region tree too), so each test
makes just what it needs: one county, one program, three units, Alice, Bob and Charlie,
and Bob's project NX-2024-101.
"""

from decimal import Decimal

from django.db import connection

from hezuo.accounts.models import User
from hezuo.org.models import Program, Region, Unit
from hezuo.projects.models import Project
from tests.base import PASSWORD


def committed_world(case):
    case.city_office = Unit.objects.create(name="市区域合作办", kind=Unit.Kind.OFFICE)
    case.nanxun = Unit.objects.create(name="南浔区", parent=case.city_office)
    case.wuxing = Unit.objects.create(name="吴兴区", parent=case.city_office)
    case.xinjiang = Program.objects.get_or_create(name="援疆")[0]
    case.kalpin = Region.objects.filter(code="652929").first() or Region.objects.create(
        code="652929", name="柯坪县", level=Region.Level.COUNTY)
    for username, role, unit in (("alice", User.Role.CITY, case.city_office), ("bob", User.Role.DISTRICT, case.nanxun),
                                 ("charlie", User.Role.DISTRICT, case.wuxing)):
        user = User(username=username, role=role, unit=unit, display_name=username.capitalize())
        user.set_password(PASSWORD)
        user.save()
        setattr(case, username, user)
    case.project = Project.objects.create(code="NX-2024-101", name="柯坪县湖州新村庭院改造", program=case.xinjiang,
                                          unit=case.nanxun, partner_region=case.kalpin, year=2024,
                                          total_investment=Decimal("28380000"))


def database_url():
    """The test database as a DATABASE_URL, for a process started by the test."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
