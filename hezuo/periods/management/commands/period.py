import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hezuo import access, numbers
from hezuo.org.models import Unit
from hezuo.periods import services
from hezuo.periods.models import PeriodLock


def parse_month(text):
    """2024-03 (or 2024年3月 …: numbers.parse_month) → (2024, 3), or CommandError in Chinese."""
    try:
        return numbers.parse_month(text or "")
    except numbers.ChineseNumberError as error:
        raise CommandError(f"月份格式不对：{error}") from None


def parse_year(text):
    if not re.fullmatch(r"\d{4}", str(text).strip()):
        raise CommandError(f"年度“{text}”格式不对，应为四位年份，如 2024")
    return int(text)


class Command(BaseCommand):
    help = ("Close and reopen periods: `lock --unit NAME --month YYYY-MM --reason TEXT`, "
            "`unlock --unit NAME --month YYYY-MM --reason TEXT` (or `unlock --year Y --reason TEXT` for a "
            "year's close), `close-year --year Y [--reason TEXT]`, `list`. Acts as the console (city office).")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        lock = actions.add_parser("lock", help="close a unit's month (or, with --year, its year)")
        unlock = actions.add_parser("unlock", help="reopen a unit's month, or a year's close; a reason is required")
        for sub in (lock, unlock):
            sub.add_argument("--unit", help="the unit's name (unlock --year without --unit: the whole year's close)")
            sub.add_argument("--month", help="YYYY-MM")
            sub.add_argument("--year", help="a whole year")
            sub.add_argument("--reason", default="")
        close = actions.add_parser("close-year", help="年度关账: close every unit's records of a year")
        close.add_argument("--year", required=True)
        close.add_argument("--reason", default="")
        actions.add_parser("list", help="the periods closed now")

    def handle(self, *args, action, **options):
        try:
            if action == "list":
                return self.list()
            if action == "close-year":
                found = services.close_year(parse_year(options["year"]), actor=access.CONSOLE, reason=options["reason"])
                self.stdout.write(f"已年度关账：{found.period_label}")
                return
            unit, year, month = self.period(options, action)
            if action == "lock":
                found = services.lock(unit, year, month, actor=access.CONSOLE, reason=options["reason"])
                self.stdout.write(f"已锁定：{found}（{found.get_cause_display()}）")
            else:
                found = services.unlock(unit, year, month, actor=access.CONSOLE, reason=options["reason"])
                self.stdout.write(f"已解锁：{found}，原因：{found.release_reason}")
        except services.PeriodError as error:
            raise CommandError(str(error))

    def period(self, options, action):
        if options["month"] and options["year"]:
            raise CommandError("--month 与 --year 只能写一个")
        if not options["month"] and not options["year"]:
            raise CommandError("请用 --month YYYY-MM 指定月份，或用 --year 指定年度")
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(name=options["unit"].strip()).first()
            if unit is None:
                raise CommandError(f"没有名为“{options['unit']}”的单位")
        elif options["month"] or action == "lock":
            raise CommandError("请用 --unit 指定单位（全市年度关账请用 close-year --year）")
        if options["month"]:
            return (unit, *parse_month(options["month"]))
        return unit, parse_year(options["year"]), None

    def list(self):
        locks = PeriodLock.active.select_related("unit", "locked_by")
        if not locks:
            self.stdout.write("当前没有锁定的期间")
        for found in locks:
            reason = f"，原因：{found.reason}" if found.reason else ""
            self.stdout.write(f"{found}  {found.get_cause_display()}  {found.by_label} "
                              f"{timezone.localtime(found.locked_at):%Y-%m-%d %H:%M}{reason}")
