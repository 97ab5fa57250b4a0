from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hezuo.demo"
    verbose_name = "演示数据"
