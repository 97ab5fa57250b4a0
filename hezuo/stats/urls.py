from django.urls import path

from hezuo.stats import views

app_name = "stats"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/map.json", views.map_outline, name="map_outline"),
    path("stats/", views.stats_table, name="table"),
]
