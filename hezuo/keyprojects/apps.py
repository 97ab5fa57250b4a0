from django.apps import AppConfig


class KeyProjectsConfig(AppConfig):
    name = "hezuo.keyprojects"
    verbose_name = "重点项目"

    def ready(self):
        from auditlog.registry import auditlog

        from hezuo.keyprojects.models import AnnualPlan, MonthlyReport, ProvinceRate, ReportPhoto

        for model in (AnnualPlan, MonthlyReport, ProvinceRate, ReportPhoto):
            auditlog.register(model, exclude_fields=["version", "updated_at", "updated_by"])
