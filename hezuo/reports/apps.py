from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hezuo.reports"
    verbose_name = "年度工作总结"

    def ready(self):
        from auditlog.registry import auditlog

        from hezuo.reports.models import TemplateVersion

        auditlog.register(TemplateVersion)
