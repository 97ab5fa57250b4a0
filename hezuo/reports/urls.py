from django.urls import path

from hezuo.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("download/", views.download_report, name="download"),
]
