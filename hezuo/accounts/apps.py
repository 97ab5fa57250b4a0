from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hezuo.accounts"
    verbose_name = "账号"
