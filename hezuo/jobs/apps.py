from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "hezuo.jobs"
    verbose_name = "劳务协作"
