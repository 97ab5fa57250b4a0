from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "hezuo.projects"
    verbose_name = "项目与资金"
