from django.urls import path

from hezuo.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.change_list, name="changes"),
    path("<int:pk>/", views.change_detail, name="change"),
    path("logins/", views.login_list, name="logins"),
]
