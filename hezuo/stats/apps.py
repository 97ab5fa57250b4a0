from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "hezuo.stats"
    verbose_name = "统计与驾驶舱"
