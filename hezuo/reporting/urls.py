from django.urls import path

from hezuo.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.task_list, name="tasks"),
    path("new/", views.task_new, name="task_new"),
    path("<int:pk>/", views.task_detail, name="task"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("board/", views.board, name="board"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/submit/", views.submission_submit, name="submit"),
    path("submissions/<int:pk>/approve/", views.submission_approve, name="approve"),
    path("submissions/<int:pk>/return/", views.submission_return, name="return"),
    path("submissions/<int:pk>/reopen/", views.submission_reopen, name="reopen"),
    path("notices/read/", views.notices_read, name="notices_read"),
]
