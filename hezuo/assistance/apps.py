from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "hezuo.assistance"
    verbose_name = "帮扶"
