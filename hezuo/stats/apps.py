from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save


class StatsConfig(AppConfig):
    name = "hezuo.stats"
    verbose_name = "统计与驾驶舱"

    def ready(self):
        from hezuo.stats.freshness import WATCHED, changed

        for label in WATCHED:
            model = apps.get_model(label)
            post_save.connect(changed, sender=model, dispatch_uid=f"stats-changed-save-{label}")
            post_delete.connect(changed, sender=model, dispatch_uid=f"stats-changed-delete-{label}")
