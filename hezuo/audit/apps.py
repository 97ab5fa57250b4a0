from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hezuo.audit"
    verbose_name = "审计"
