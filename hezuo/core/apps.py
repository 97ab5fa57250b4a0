from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hezuo.core"
    verbose_name = "核心"

    def ready(self):
        from auditlog.registry import auditlog

        from hezuo.core import kinds

        # Every record kind is audited field by field; bookkeeping fields are noise.
        for kind in kinds.load().values():
            auditlog.register(kind.model, exclude_fields=["version", "updated_at", "updated_by", "prefix", "full_name",
                                                          "path"])
        from django.contrib.auth import get_user_model

        auditlog.register(get_user_model(), exclude_fields=["password", "last_login"])
