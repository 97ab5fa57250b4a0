from django.urls import path

from hezuo.vocabulary import views

app_name = "vocabulary"
urlpatterns = [
    path("", views.aliases, name="aliases"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
