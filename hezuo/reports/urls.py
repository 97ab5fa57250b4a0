from django.urls import path

from hezuo.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("download/", views.download_report, name="download"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<str:name>/", views.template_edit, name="template"),
    path("templates/<str:name>/preview/", views.template_preview, name="template_preview"),
    path("templates/<str:name>/restore/", views.template_restore, name="template_restore"),
]
