from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "hezuo.org"
    verbose_name = "组织与字典"
