from django.urls import path

from hezuo.imports import views

app_name = "imports"
urlpatterns = [
    # Upload and follow an import (helper: upload pages).
    path("", views.import_list, name="list"),
    path("new/", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/problems.xlsx", views.problems_workbook, name="problems"),
    path("<int:pk>/file/", views.original_file, name="file"),
    # Export (helper: export).
    path("template.xlsx", views.blank_template, name="template"),
    path("export.xlsx", views.export_all, name="export"),
]
