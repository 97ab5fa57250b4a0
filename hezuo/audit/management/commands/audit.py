"""hezuo audit verify | seal | archive — the audit trail's hash chain (hezuo/audit/chain.py)."""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from hezuo.audit import chain


class Command(BaseCommand):
    help = "核对、封存、归档审计日志（哈希链）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="从最近的归档点逐条核对审计链，报告第一处断裂（断裂时退出码非零）")
        verify.add_argument("--archive", metavar="FILE", help="核对一个归档文件，而非数据库")
        sub.add_parser("seal", help="封存尚未封存的条目（进程中断后遗留的；先用 verify 核实）")
        archive = sub.add_parser("archive", help="把保留期已满的条目连同封存写入文件，并记录归档点")
        archive.add_argument("--before", required=True, type=datetime.date.fromisoformat, metavar="YYYY-MM-DD")
        archive.add_argument("--output", required=True, metavar="FILE")

    def handle(self, *args, action, **options):
        return getattr(self, action)(**options)

    def verify(self, archive=None, **options):
        result = chain.verify_archive(archive) if archive else chain.verify()
        if result.ok:
            self.stdout.write(str(result))
            return
        self.stderr.write(str(result))
        sys.exit(1)

    def seal(self, **options):
        count = chain.seal()
        self.stdout.write(f"已封存 {count} 条" if count else "没有未封存的条目")

    def archive(self, before, output, **options):
        try:
            done = chain.archive(before, output)
        except chain.ArchiveRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"已归档 {done.entries} 条（第 {done.first}–{done.last} 号）到 {done.path}，"
                          f"归档点第 {done.last} 号 {done.digest[:16]}")
