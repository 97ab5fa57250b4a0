from django.core.management.base import BaseCommand, CommandError

from hezuo import access, gate
from hezuo.jobs import services
from hezuo.jobs.models import RecruitmentEvent


class Command(BaseCommand):
    help = ("Labour cooperation: `publish --event NAME [--user NAME]` publishes an event's 待审核 postings; "
            "`expire` stores 已下线 on published postings past their valid_until (run daily).")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        publish = commands.add_parser("publish", help="publish every 待审核 posting of an event")
        publish.add_argument("--event", required=True, help="the recruitment event's name")
        publish.add_argument("--user", help="publish as this user (their role and data scope apply); "
                                            "default: operator")
        commands.add_parser("expire", help="take expired postings offline")

    def handle(self, *args, command, **options):
        if command == "expire":
            count = services.expire()
            self.stdout.write(f"已将 {count} 个过期岗位下线")
            return
        actor = access.console_actor(options.get("user"))
        if actor is None:
            raise CommandError(f"没有用户名为 {options['user']} 的用户")
        event = access.visible(actor, RecruitmentEvent.objects.filter(name=options["event"].strip())).first()
        if event is None:
            raise CommandError(f"没有名为“{options['event']}”的招聘活动（或不在该用户的数据范围内）")
        try:
            result = services.publish_event(actor, event)
        except gate.WriteRefused as refused:
            raise CommandError(f"未发布任何岗位：{refused}")
        self.stdout.write(f"{event}：已发布 {result.changed} 个岗位")
        if result.expired:
            self.stdout.write(f"{len(result.expired)} 个已过有效期，未发布")
