"""Django's flush empties every table, the audit trail included: refused, except where
settings.HEZUO_AUDIT_ALLOW_FLUSH says so (the test suite, whose TransactionTestCase and live
server flush after each test)."""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush

from hezuo.audit import chain


class Command(flush.Command):
    def handle(self, **options):
        if not settings.HEZUO_AUDIT_ALLOW_FLUSH:
            raise CommandError("flush 会清空审计日志，已拒绝。")
        with chain.unlocked():
            return super().handle(**options)
