"""Replaces django-auditlog's auditlogflush (hezuo.audit comes before auditlog in
INSTALLED_APPS, and the first app listed wins): the audit trail is never flushed."""

from django.core.management.base import BaseCommand, CommandError

from hezuo.audit.chain import MIN_RETENTION_DAYS


class Command(BaseCommand):
    help = "已停用：审计日志不能清空或删除"

    def add_arguments(self, parser):
        # auditlog's options, so that any way of calling it gets the refusal, not a usage error
        parser.add_argument("-y", "--yes", action="store_true")
        parser.add_argument("-b", "--before-date")
        parser.add_argument("-t", "--truncate", action="store_true")

    def handle(self, *args, **options):
        raise CommandError(f"审计日志不能清空或删除。条目至少保留 {MIN_RETENTION_DAYS} 天，期满后用 "
                           "hezuo audit archive --before YYYY-MM-DD --output 文件 归档（连同封存写入文件）。")
