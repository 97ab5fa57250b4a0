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
    path("<int:pk>/rerun/", views.rerun_import, name="rerun"),
    path("<int:pk>/map/", views.map_unknown, name="map"),
    path("<int:pk>/confirm/", views.confirm_import, name="confirm"),
    path("<int:pk>/repreview/", views.repreview, name="repreview"),
    # Export (helper: export).
    path("template.xlsx", views.blank_template, name="template"),
    path("export.xlsx", views.export_all, name="export"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/progress/", views.export_progress, name="export_progress"),
    path("exports/<int:pk>/file/", views.export_file, name="export_file"),
    # A recruitment event's printable QR codes (hezuo.jobs.qrcodes): an export like the others.
    path("qrcodes/<int:pk>.<str:fmt>", views.event_qrcodes, name="event_qrcodes"),
]
