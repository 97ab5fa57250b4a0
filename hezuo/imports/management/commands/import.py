import sys

from django.core.management.base import BaseCommand, CommandError

from hezuo import access
from hezuo.imports.mapping import MappingError, parse_mappings
from hezuo.imports.services.pipeline import keep_file, run_import


class Command(BaseCommand):
    help = "Import a standard workbook (.xlsx, .xls or .csv): all rows or, on any error, none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        parser.add_argument("--user", help="import as this user (their data scope applies); default: operator")
        parser.add_argument("--map", action="append", default=[], dest="maps", metavar="SHEET.COLUMN:VALUE=LABEL",
                            help="what a word of this file means, e.g. 单位.类型:市级=区域合作办 (repeatable)")
        parser.add_argument("--map-file", action="append", default=[], dest="map_files", metavar="FILE",
                            help="mappings, one a line in the --map form (# starts a comment)")

    def handle(self, *args, file, dry_run=False, user=None, maps=(), map_files=(), **options):
        try:
            mappings = parse_mappings(maps, map_files)
        except MappingError as error:
            raise CommandError(str(error))
        # The operator, as the city office (refused in a closed period like anyone), or --user.
        actor = access.console_actor(user)
        if actor is None:
            raise CommandError(f"没有用户名为 {user} 的用户")
        try:
            record = keep_file(file, actor, dry_run=dry_run, origin="command", mappings=mappings)
        except FileNotFoundError:
            raise CommandError(f"找不到文件 {file}")
        except IsADirectoryError:
            raise CommandError(f"{file} 是目录，不是文件")
        result = run_import(record)
        if result.problems:
            self.stderr.write(f"导入失败，未写入任何数据。共 {len(result.problems)} 处错误：")
            for problem in result.problems:
                self.stderr.write(f"  {problem}")
            sys.exit(1)
        self.stdout.write("\n".join(result.summary_lines()))
