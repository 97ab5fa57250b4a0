from django.urls import path

from hezuo.keyprojects import views

app_name = "keyprojects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/report/", views.report_month, name="report"),
    path("province/", views.province_rates, name="province"),
]
