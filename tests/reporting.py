"""What the reporting tests share: a task of May 2024 (the month of the base records) issued
to 南浔区 and 吴兴区, and aware times of 2024."""

import datetime

from django.utils import timezone

from hezuo.reporting import services


def at(month, day, hour=10):
    return timezone.make_aware(datetime.datetime(2024, month, day, hour))


def may_task(case, **kwargs):
    values = {"year": 2024, "month": 5, "deadline": datetime.date(2024, 6, 10),
              "units": [case.nanxun, case.wuxing], "at": at(6, 1)}
    values.update(kwargs)
    return services.issue_task(case.alice, **values)
