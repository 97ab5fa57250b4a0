from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hezuo import access
from hezuo.jobs import qrcodes
from hezuo.jobs.models import RecruitmentEvent


class Command(BaseCommand):
    help = ("A recruitment event's printable QR codes: `--output FILE.pdf` the A4 labels (3 × 7, cut marks) and "
            "a poster page per employer; `--output FILE.zip` one PNG per posting. The codes point to "
            "HEZUO_PUBLIC_BASE_URL.")

    def add_arguments(self, parser):
        parser.add_argument("--event", required=True, help="the recruitment event's name")
        parser.add_argument("--output", required=True, help="the file to write: .pdf or .zip")

    def handle(self, *args, event, output, **options):
        path = Path(output)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in qrcodes.FORMATS:
            raise CommandError("输出文件应以 .pdf（标签）或 .zip（图片）结尾")
        if not path.parent.exists():
            raise CommandError(f"目录不存在：{path.parent}")
        found = RecruitmentEvent.objects.filter(name=event.strip()).first()
        if found is None:
            raise CommandError(f"没有名为“{event}”的招聘活动")

        def progress(done, total):
            if done == total or done % 500 == 0:
                self.stderr.write(f"  {done}/{total}")

        try:
            total = qrcodes.write_file(access.CONSOLE, found, fmt, path, progress)
        except qrcodes.Empty as empty:
            raise CommandError(str(empty)) from None
        self.stdout.write(f"已生成 {path}：{total} 个岗位二维码")
