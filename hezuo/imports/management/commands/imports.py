from django.core.management.base import BaseCommand

from hezuo.imports.models import ExportRecord, ImportRecord
from hezuo.imports.services.exports import expire_old
from hezuo.imports.services.leases import recover_all
from hezuo.imports.services.pipeline import rerun as rerun_import, start_import


class Command(BaseCommand):
    help = ("Background imports and exports: `recover` marks those whose process died as failed "
            "(--rerun imports their kept files again); `expire` deletes export files past their keeping time.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        recover = actions.add_parser("recover", help="find imports and exports whose process died; mark them failed")
        recover.add_argument("--rerun", action="store_true",
                             help="import the kept file of each interrupted import again, as its uploader")
        actions.add_parser("expire", help="delete export files kept longer than HEZUO_EXPORT_KEEP_DAYS")

    def handle(self, *args, action, rerun=False, **options):
        if action == "expire":
            self.stdout.write(f"已删除 {expire_old()} 个过期的导出文件")
            return
        imports = recover_all(ImportRecord)
        exports = recover_all(ExportRecord)
        for record in imports:
            self.stdout.write(f"导入记录 #{record.pk}“{record.original_name}”：运行进程 {record.holder or '未知'} "
                              f"已中止，已标为{record.get_status_display()}。")
        for record in exports:
            self.stdout.write(f"导出记录 #{record.pk}“{record.name}”：运行进程 {record.holder or '未知'} 已中止，已标为失败。")
        if not imports and not exports:
            self.stdout.write("没有中止的后台导入或导出。")
        if rerun:
            # Also those found earlier (by a page) and not run again yet.
            for record in ImportRecord.objects.filter(status=ImportRecord.Status.FAILED, retry__isnull=True) \
                    .exclude(error="").order_by("pk"):
                again, created = rerun_import(record, record.uploaded_by)
                if created:
                    start_import(again)
                    again.refresh_from_db()
                    self.stdout.write(f"导入记录 #{record.pk} 已重新导入为 #{again.pk}（{again.get_status_display()}）。")
