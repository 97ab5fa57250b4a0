from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hezuo import access
from hezuo.reports.sentences import TemplateError
from hezuo.reports.services import export


class Command(BaseCommand):
    help = "Write the annual summary (docx, pdf, html, md) or the standard statistical tables (xlsx) of a year."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=list(export.FORMATS), required=True)
        parser.add_argument("--output", required=True, help="the file to write")

    def handle(self, *args, year, format, output, **options):
        if not 1900 <= year <= 9999:
            raise CommandError("年度应为四位数字，如 2024")
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"目录不存在：{path.parent}")
        try:
            with open(path, "wb") as out:
                export.write(format, access.CONSOLE, year, out)
        except TemplateError as error:
            path.unlink(missing_ok=True)
            raise CommandError(str(error)) from None
        self.stdout.write(f"已生成 {path}")
