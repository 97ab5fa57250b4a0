from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hezuo import access
from hezuo.org.models import Unit
from hezuo.reports.sentences import TemplateError
from hezuo.reports.services import export


class UnitReader(access.ConsoleActor):
    """The console reading as one unit's district reporter would: that unit and the units
    under it (access.py's district scope), so a summary of the unit holds its figures only."""

    effective_role = access.Role.DISTRICT
    is_console = False

    def __init__(self, unit):
        self.unit, self.unit_id = unit, unit.pk
        self.display_name = f"系统管理命令（{unit.name}）"


def reader_for(name):
    """The actor a summary of unit `name` is read as; the console for the whole city."""
    if not name:
        return access.CONSOLE
    units = list(Unit.objects.filter(name=name.strip()))
    if not units:
        raise CommandError(f"单位“{name}”不存在（单位名称须与“单位”字典中的名称完全一致）")
    if len(units) > 1:
        raise CommandError(f"单位名称“{name}”不唯一，无法确定是哪一个单位")
    unit = units[0]
    return access.CONSOLE if unit.parent_id is None else UnitReader(unit)


class Command(BaseCommand):
    help = ("Write the annual summary (docx, pdf, html, md) or the standard statistical tables (xlsx) of a year; "
            "with --unit, of one unit (a district) and the units under it.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=list(export.FORMATS), required=True)
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument("--unit", help="a unit's name: its own summary (its figures only, titled with it)")

    def handle(self, *args, year, format, output, unit=None, **options):
        if not 1900 <= year <= 9999:
            raise CommandError("年度应为四位数字，如 2024")
        reader = reader_for(unit)
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"目录不存在：{path.parent}")
        try:
            with open(path, "wb") as out:
                export.write(format, reader, year, out)
        except TemplateError as error:
            path.unlink(missing_ok=True)
            raise CommandError(str(error)) from None
        self.stdout.write(f"已生成 {path}")
