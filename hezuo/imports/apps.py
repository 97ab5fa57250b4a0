from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "hezuo.imports"
    verbose_name = "导入导出"
