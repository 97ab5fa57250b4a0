from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TargetsConfig(AppConfig):
    name = "hezuo.targets"
    verbose_name = "目标任务"

    def ready(self):
        from auditlog.registry import auditlog

        from hezuo import sections
        from hezuo.changes import changed
        from hezuo.targets import indicators
        from hezuo.targets.models import Indicator, Target

        # Audited field by field, as the record kinds are: who set a target and a hand actual, and when.
        for model in (Target, Indicator):
            auditlog.register(model, exclude_fields=["version", "updated_at", "updated_by"])
        sections.provide("stats.targets", indicators.stats_json)
        sections.provide("dashboard.targets", indicators.for_dashboard)
        # The dashboard is kept under the data's change counter: a target changes it too.
        for model in (Target, Indicator):
            label = model._meta.label
            post_save.connect(changed, sender=model, dispatch_uid=f"targets-changed-save-{label}")
            post_delete.connect(changed, sender=model, dispatch_uid=f"targets-changed-delete-{label}")
