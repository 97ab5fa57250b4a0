from django.urls import path

from hezuo.trash import views

app_name = "trash"
urlpatterns = [
    path("", views.trash_list, name="list"),
    path("<int:pk>/restore/", views.trash_restore, name="restore"),
]
