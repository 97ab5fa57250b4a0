from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hezuo import access
from hezuo.reports.sentences import TemplateError
from hezuo.reports.services import templates


class Command(BaseCommand):
    help = ("The annual summary's sentence templates: list them with their current version, show one's "
            "current text, or restore the shipped text as a new version.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="every template and its current version")
        show = sub.add_parser("show", help="a template's current text")
        show.add_argument("name", help="开篇, or a top-level program's name (对口支援 …)")
        restore = sub.add_parser("restore", help="make the shipped text the current one again (a new version)")
        restore.add_argument("name")

    def handle(self, *args, action, name=None, **options):
        if action == "list":
            for family in templates.families():
                self.stdout.write(f"{family.name}\t{describe(family)}")
            return
        family = templates.family(name)
        if family is None:
            raise CommandError(f"没有“{name}”的句式模板（可用：{'、'.join(templates.family_names())}）")
        if action == "show":
            self.stdout.write(family.text, ending="" if family.text.endswith("\n") else "\n")
            return
        try:
            version = templates.restore(access.CONSOLE, family.name)
        except (TemplateError, templates.Unchanged) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已将“{family.name}”恢复为系统默认句式（第{version.number}版）")


def describe(family):
    if family.current is None:
        return "系统默认" if family.shipped is not None else "无模板"
    version = family.current
    kind = "系统默认" if version.restored else "已修改"
    return f"第{version.number}版 {kind} {version.author} {timezone.localtime(version.created_at):%Y-%m-%d %H:%M}"
