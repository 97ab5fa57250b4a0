from django.apps import AppConfig


class VocabularyConfig(AppConfig):
    name = "hezuo.vocabulary"
    verbose_name = "字典别名"

    def ready(self):
        from auditlog.registry import auditlog

        from hezuo.vocabulary.models import Alias

        auditlog.register(Alias)
