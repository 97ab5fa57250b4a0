from django.urls import path

from hezuo.keyprojects import views

app_name = "keyprojects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/report/", views.report_month, name="report"),
    path("<int:pk>/plan/", views.set_plan, name="plan"),
    path("province/", views.province_rates, name="province"),
    path("reports/<int:pk>/photos/", views.add_photo, name="add_photo"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/thumbnail/", views.photo, {"thumbnail": True}, name="thumbnail"),
]
