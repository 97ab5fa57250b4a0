from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hezuo.reports"
    verbose_name = "年度工作总结"
