"""`hezuo users grant NAME ROLE [--unit UNIT]`, `hezuo users unlock NAME`,
`hezuo users reset-second-factor NAME`: the console, the only place the admin roles
(系统管理员, 安全管理员, 审计管理员) are given. Each change is an audit event whose actor is the
console (no user; `via` = console)."""

from django.core.management.base import BaseCommand, CommandError

from hezuo.accounts import services
from hezuo.accounts.models import User
from hezuo.org.models import Unit

ROLE_NAMES = {**{value: value for value in User.Role.values if value},
              **{label: value for value, label in User.Role.choices if value}, "none": ""}


class Command(BaseCommand):
    help = "授予角色、解除锁定、重置动态口令（控制台操作，记入审计日志）"

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        grant = commands.add_parser("grant", help="授予角色：city district leader admin security auditor none")
        grant.add_argument("username")
        grant.add_argument("role")
        grant.add_argument("--unit", help="所属单位名称（区县填报员必填）")
        commands.add_parser("unlock", help="解除登录锁定").add_argument("username")
        commands.add_parser("reset-second-factor", help="重置动态口令").add_argument("username")

    def handle(self, *args, action, username, **options):
        try:
            account = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户不存在：{username}")
        if action == "grant":
            role = ROLE_NAMES.get(options["role"])
            if role is None:
                raise CommandError(f"未知角色：{options['role']}（可用：{'、'.join(v for v in User.Role.values if v)}、none）")
            unit = None
            if options.get("unit"):
                unit = Unit.objects.filter(name=options["unit"]).first()
                if unit is None:
                    raise CommandError(f"单位不存在：{options['unit']}")
            try:
                services.grant_role(services.CONSOLE, account, role, unit)
            except ValueError as error:
                raise CommandError(str(error))
            self.stdout.write(f"{account.username}：{account.get_role_display()}"
                              + (f" · {account.unit}" if account.unit else ""))
        elif action == "unlock":
            services.unlock(services.CONSOLE, account)
            self.stdout.write(f"已解除 {account.username} 的登录锁定")
        else:
            services.reset_second_factor(services.CONSOLE, account)
            self.stdout.write(f"已重置 {account.username} 的动态口令")
