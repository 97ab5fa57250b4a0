from django.apps import AppConfig


class ParksConfig(AppConfig):
    name = "hezuo.parks"
    verbose_name = "园区"
