from django.apps import AppConfig


class PeriodsConfig(AppConfig):
    name = "hezuo.periods"
    verbose_name = "期间锁定"

    def ready(self):
        from auditlog.registry import auditlog

        from hezuo.periods.models import PeriodLock

        auditlog.register(PeriodLock)
