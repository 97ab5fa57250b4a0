import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from hezuo.demo.huzhou import DEMO_PASSWORD, DEMO_USERS, load_demo
from hezuo.org.services import load_regions


class Command(BaseCommand):
    help = "Load the illustrative Huzhou 2024 demo (idempotent) and serve it on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--load-only", action="store_true", help="load the demo data and exit")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start the background task worker (large imports then wait in the queue)")

    def handle(self, *args, load_only=False, addr="127.0.0.1:8000", no_worker=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        regions = load_regions()
        self.stdout.write(f"行政区划：{regions.total} 个（新增 {regions.created} 个）")
        result = load_demo()
        self.stdout.write(f"湖州 2024 演示数据：{result}")
        self.stdout.write("演示账号（密码均为 %s）：" % DEMO_PASSWORD)
        for username, role, unit, _name in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role}{'（' + unit + '）' if unit else ''}")
        if load_only:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"演示站点：http://{addr}/  （按 Ctrl+C 停止）")
        # Large imports run in a background worker (`hezuo db_worker`); it lives and dies with the server.
        worker = None if no_worker else subprocess.Popen(
            [sys.executable, "-m", "hezuo.manage", "db_worker", "--no-reload"])
        # Stopped with SIGTERM (kill, a service manager), Python would exit without `finally`.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            call_command("runserver", addr, use_reloader=False, use_threading=True, skip_checks=True)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
