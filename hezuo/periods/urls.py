from django.urls import path

from hezuo.periods import views

app_name = "periods"
urlpatterns = [
    path("", views.period_list, name="list"),
    path("lock/", views.lock_month, name="lock"),
    path("close-year/", views.close_year, name="close_year"),
    path("<int:pk>/unlock/", views.unlock, name="unlock"),
]
