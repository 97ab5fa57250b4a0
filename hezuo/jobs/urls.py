from django.urls import path

from hezuo.jobs import views

app_name = "jobs"
urlpatterns = [
    path("events/<int:pk>/postings/", views.event_postings, name="event_postings"),
    path("events/<int:pk>/results/", views.event_results, name="event_results"),
    path("postings/<int:pk>/state/", views.posting_state, name="posting_state"),
]
