from django.core.management.base import BaseCommand, CommandError

from hezuo.backups.services.backup import BackupError, data_entries, make_backup
from hezuo.backups.services.databases import ENGINE_LABELS


def megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"


class Command(BaseCommand):
    help = ("Back up the database and every file of HEZUO_DATA_DIR (but the live database, static/ and "
            "temporary files) into one archive with a manifest of checksums; `hezuo restore` reads it back.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("out", help="the archive to write (.tar.gz), or a directory to write "
                                        "hezuo-backup-<date>-<time>.tar.gz into")

    def handle(self, *args, out, **options):
        try:
            result = make_backup(out)
        except BackupError as error:
            raise CommandError(str(error))
        manifest = result.manifest
        database = manifest["database"]
        files = data_entries(manifest)
        self.stdout.write(f"已备份到 {result.path}（{megabytes(result.size)}，仅所有者可读写）")
        self.stdout.write(f"  SHA-256：{result.sha256}")
        self.stdout.write(f"  数据库：{ENGINE_LABELS[database['engine']]} {database['version']}，"
                          f"已应用迁移 {len(manifest['migrations'])} 个")
        self.stdout.write(f"  数据目录文件：{len(files)} 个，共 {megabytes(sum(entry['size'] for entry in files))}")
        for link in result.links:
            self.stdout.write(f"  跳过符号链接：{link}")
        self.stdout.write("  不包含：")
        for item in manifest["not_included"]:
            self.stdout.write(f"    - {item}")
        for note in result.notes:
            self.stdout.write(f"  注意：{note}")
        self.stdout.write("请把备份文件复制到本机以外的安全位置（它含有密钥和个人信息）。")
