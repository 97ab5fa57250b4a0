from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class StatsConfig(AppConfig):
    name = "hezuo.stats"
    verbose_name = "统计与驾驶舱"

    def ready(self):
        from hezuo.kinds import load
        from hezuo.changes import changed
        from hezuo.stats.freshness import watched

        # Every record kind too: the list pages keep their footers under the same counter.
        models = watched() | {kind.model for kind in load().values()}
        for model in models:
            label = model._meta.label
            post_save.connect(changed, sender=model, dispatch_uid=f"stats-changed-save-{label}")
            post_delete.connect(changed, sender=model, dispatch_uid=f"stats-changed-delete-{label}")
