from django.apps import AppConfig


class HonorsConfig(AppConfig):
    name = "hezuo.honors"
    verbose_name = "荣誉与案例"
