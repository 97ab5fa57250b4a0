from django.apps import AppConfig


class ExchangesConfig(AppConfig):
    name = "hezuo.exchanges"
    verbose_name = "人员与交流"
