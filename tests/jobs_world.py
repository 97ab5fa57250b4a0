"""The labour cooperation world tests run in: on top of tests/base.py, a recruitment event of
南浔区 (Bob's) and one of 吴兴区 (Charlie's), employers with valid credit codes, postings."""

import datetime
from decimal import Decimal

from django.utils import timezone

from hezuo.jobs import credit
from hezuo.jobs.models import Employer, Posting, RecruitmentEvent
from tests.base import BaseTestCase



def today():
    return timezone.localdate()


def code(number):
    """A valid credit code, the n-th of the tests'."""
    return credit.with_check(f"91330503MA2B{number:05d}")


def make_event(name, unit, program, region, start=datetime.date(2024, 11, 12)):
    return RecruitmentEvent.objects.create(name=name, program=program, unit=unit, destination=region,
                                           start_date=start, end_date=start + datetime.timedelta(days=2))


def make_posting(event, employer, title, **values):
    values = {"headcount": 10, "salary_min": Decimal("5000"), "salary_max": Decimal("8000"),
              "work_place": "湖州市南浔区", "contact_person": "王经理", "contact_phone": "0572-3012345",
              "valid_until": today() + datetime.timedelta(days=30), **values}
    return Posting.objects.create(event=event, employer=employer, title=title, **values)


def make_job_records(unit, program, region, tag, number):
    """An event, an employer and a posting owned by `unit`: {slug: obj}, like base.make_records."""
    event = make_event(f"{tag}劳务协作招聘会", unit, program, region)
    employer = Employer.objects.create(name=f"{tag}制衣有限公司", credit_code=code(number), unit=unit)
    posting = make_posting(event, employer, f"{tag}缝纫工")
    return {"recruitment-events": event, "employers": employer, "postings": posting}


def job_entries(case):
    """(own, other) of the job kinds for a test case of tests/base.py: 南浔区's and 吴兴区's."""
    own = make_job_records(case.nanxun_agri, case.xinjiang, case.kalpin, "南浔", 1000)
    other = make_job_records(case.wuxing, case.east_west, case.guang_an, "吴兴", 3000)
    return {slug: (own[slug], other[slug]) for slug in own}


class JobsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.baishan = make_event("南浔赴柯坪劳务协作招聘会", cls.nanxun, cls.xinjiang, cls.kalpin)
        cls.wuxing_event = make_event("吴兴赴广安招聘会", cls.wuxing, cls.east_west, cls.guang_an)
        cls.elevator = Employer.objects.create(name="南浔电梯有限公司", credit_code=code(1), unit=cls.nanxun)
        cls.textile = Employer.objects.create(name="吴兴纺织有限公司", credit_code=code(2), unit=cls.wuxing)
        cls.welder = make_posting(cls.baishan, cls.elevator, "电焊工", state=Posting.State.PUBLISHED,
                                  benefits="包住宿，交通补贴500元")
        cls.fitter = make_posting(cls.baishan, cls.elevator, "装配工")
        cls.weaver = make_posting(cls.wuxing_event, cls.textile, "挡车工")
