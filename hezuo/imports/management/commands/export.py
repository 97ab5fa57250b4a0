from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hezuo import access
from hezuo.imports.services.exporter import export_workbook


class Command(BaseCommand):
    help = "Export all data as the standard workbook (.xlsx), which `hezuo import` reads back."

    def add_arguments(self, parser):
        parser.add_argument("out", help="the .xlsx file to write")
        parser.add_argument("--year", type=int, help="only records of this year (units, regions, pairings: all)")

    def handle(self, *args, out, year=None, **options):
        path = Path(out)
        if path.is_dir():
            raise CommandError(f"{out} 是目录，请给出要写入的文件名，如 {path / '区域合作数据.xlsx'}")
        if not path.parent.exists():
            raise CommandError(f"目录 {path.parent} 不存在")
        if path.suffix.lower() != ".xlsx":
            raise CommandError("导出文件的扩展名应为 .xlsx")
        result = export_workbook(path, access.CONSOLE, year=year)
        scope = f"{year} 年" if year else "全部年度"
        self.stdout.write(f"已导出{scope}数据到 {path}：")
        for name, rows in result.sheets:
            self.stdout.write(f"  {name}：{rows} 行")
        self.stdout.write(f"  合计：{result.rows} 行")
