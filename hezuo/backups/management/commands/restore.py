from django.core.management.base import BaseCommand, CommandError

from hezuo.backups.services.backup import BackupError, data_entries, read_archive, restore_backup
from hezuo.backups.services.databases import ENGINE_LABELS


class Command(BaseCommand):
    help = ("Restore an archive of `hezuo backup` into the configured (empty) database and HEZUO_DATA_DIR. "
            "The whole archive is checked first; a corrupt or foreign one is refused and nothing is touched.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive written by `hezuo backup`")
        parser.add_argument("--force", action="store_true",
                            help="replace a database and data directory that already hold data")
        parser.add_argument("--check", action="store_true", help="only check the archive; touch nothing")

    def handle(self, *args, archive, force=False, check=False, **options):
        try:
            if check:
                manifest, sha256 = read_archive(archive)
            else:
                result = restore_backup(archive, force=force)
                manifest, sha256 = result.manifest, result.sha256
        except BackupError as error:
            raise CommandError(str(error))
        database = manifest["database"]
        files = data_entries(manifest)
        summary = (f"Hezuo {manifest['hezuo_version']} 于 {manifest['created_at']} 备份，"
                   f"{ENGINE_LABELS[database['engine']]} {database['version']}，数据目录文件 {len(files)} 个")
        if check:
            self.stdout.write(f"备份完好：{summary}（SHA-256 {sha256}）")
            return
        self.stdout.write(f"已恢复 {archive}：{summary}")
        if result.replaced:
            self.stdout.write(f"  已替换：{result.replaced}")
        if result.migrated:
            self.stdout.write(f"  已升级数据库：运行了 {len(result.migrated)} 个迁移")
        self.stdout.write("  接下来：运行 hezuo collectstatic --noinput，再启动应用服务和后台任务进程。")
