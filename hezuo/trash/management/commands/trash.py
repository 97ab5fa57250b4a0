from django.conf import settings
from django.core.management.base import BaseCommand

from hezuo.trash.services import purge


class Command(BaseCommand):
    help = "The 回收站: `purge` removes deleted records kept longer than HEZUO_TRASH_KEEP_DAYS (run daily)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("purge", help="remove trash entries older than HEZUO_TRASH_KEEP_DAYS; they cannot be restored")

    def handle(self, *args, action, **options):
        count = purge()
        self.stdout.write(f"已从回收站清除 {count} 条超过 {settings.HEZUO_TRASH_KEEP_DAYS} 天的删除记录")
