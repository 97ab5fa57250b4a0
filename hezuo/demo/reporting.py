"""The demo's reporting cycle: the October 2024 task, 南浔区's month approved and locked,
吴兴区's approved, its approval withdrawn (撤销审核) for a correction, corrected and waiting for
review again; and the November
2024 task with one district waiting for review, one returned with a reason and the rest late.
Written through the services, as the city officer and the reporters would, with the times of
late 2024. The one record changed is a note the demo loader does not set, so the demo's
figures stay and a second load changes nothing."""

import datetime

from auditlog.context import set_actor
from django.utils import timezone

from hezuo import access
from hezuo.accounts.models import User
from hezuo.assistance.models import ConsumptionRecord
from hezuo.org.models import Unit
from hezuo.reporting import services
from hezuo.reporting.models import ReportingTask

OCTOBER = "2024年10月 月度数据报送"
CORRECTION = "2024年10月 月度数据更正报送"  # a task of earlier demos (a reopened month got a task of its own)
REOPEN_REASON = "应吴兴区申请，更正10月消费帮扶记录（云和雪梨展销）的备注，补写展销场合"
CORRECTED_NOTE = "湖州农博会云和馆展销，含线上订单"
NOVEMBER = "2024年11月 月度数据报送"
RETURN_REASON = ("11月只报了3个项目的支出，没有本月的消费帮扶和交流活动记录。"
                 "请核对11月与广安区的消费帮扶（如农产品展销）是否漏报，补录后重新报送；确实没有的请在备注中说明。")


def at(month, day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime(2024, month, day, hour, minute))


def load_reporting():
    """Idempotent: a task already there (by its title) is left as it is."""
    if ReportingTask.objects.filter(title__in=(OCTOBER, CORRECTION, NOVEMBER)).exists():
        return
    city = User.objects.get(username="city")
    units = {unit.name: unit for unit in Unit.objects.filter(kind=Unit.Kind.DISTRICT)}
    reporters = {u.unit.name: u for u in User.objects.filter(username__in=("nanxun", "wuxing")).select_related("unit")}

    def submission(task, name):
        return task.submissions.get(unit=units[name])

    # October: 南浔区 and 吴兴区, both approved; 南浔区's stays locked. 吴兴区 asked to correct a
    # record, so the city withdrew its approval (撤销审核); the correction waits for review.
    october = services.issue_task(city, title=OCTOBER, year=2024, month=10, deadline=datetime.date(2024, 11, 10),
                                  units=[units["南浔区"], units["吴兴区"]],
                                  note="试行月度报送审核：请核对10月资金、活动、消费帮扶等记录后报送。", at=at(11, 1, 9))
    for name, day in (("南浔区", 8), ("吴兴区", 9)):
        services.submit(submission(october, name), reporters[name], at=at(11, day, 16, 20))
        services.approve(submission(october, name), city, at=at(11, 12, 10, 5))
    wuxing = units["吴兴区"]
    services.reopen(submission(october, "吴兴区"), city, REOPEN_REASON, at=at(11, 20, 14, 30))
    record = ConsumptionRecord.objects.filter(unit=wuxing, date__year=2024, date__month=10).order_by("pk").first()
    if record is not None:
        with set_actor(reporters["吴兴区"]):
            record.note, record.version, record.updated_by = CORRECTED_NOTE, record.version + 1, reporters["吴兴区"]
            record.save()
    services.submit(submission(october, "吴兴区"), reporters["吴兴区"], at=at(11, 21, 9, 30))

    # November: every district; 吴兴区 waits for review, 南浔区 was returned, the rest are late.
    november = services.issue_task(city, title=NOVEMBER, year=2024, month=11, deadline=datetime.date(2024, 12, 10),
                                   units=list(units.values()), note="请于12月10日前核对并报送11月数据。",
                                   at=at(12, 1, 9))
    services.submit(submission(november, "南浔区"), reporters["南浔区"], at=at(12, 5, 15, 40))
    services.return_submission(submission(november, "南浔区"), city, RETURN_REASON, at=at(12, 6, 11, 10))
    services.submit(submission(november, "吴兴区"), reporters["吴兴区"], at=at(12, 9, 17, 30))
    services.remind(november, access.CONSOLE, at=at(12, 11, 9))
    # 南浔区's reporter has read what came in October.
    reporter = reporters["南浔区"]
    services.mark_read(reporter, reporter.notices.filter(created_at__lt=at(12, 1)).values_list("pk", flat=True))
