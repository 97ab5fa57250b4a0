from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hezuo.accounts"
    verbose_name = "账号"

    def ready(self):
        from auditlog.registry import auditlog

        from hezuo.accounts import signals  # noqa: F401
        from hezuo.accounts.models import PasswordPolicy

        auditlog.register(PasswordPolicy)
