from django.apps import AppConfig


class TrashConfig(AppConfig):
    name = "hezuo.trash"
    verbose_name = "回收站"
