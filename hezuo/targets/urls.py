from django.urls import path

from hezuo.targets import views

app_name = "targets"
urlpatterns = [
    path("", views.target_list, name="list"),
    path("new/", views.target_edit, name="new"),
    path("<int:pk>/edit/", views.target_edit, name="edit"),
    path("<int:pk>/delete/", views.target_delete, name="delete"),
    path("<int:pk>/actual/", views.actual_edit, name="actual"),
    path("indicators/new/", views.indicator_new, name="indicator_new"),
]
