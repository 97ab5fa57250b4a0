from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from hezuo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html", extra_context={
        "lockout_failures": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password, name="password"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("no-role/", views.no_role, name="no_role"),
    path("password-policy/", views.password_policy, name="password_policy"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_edit, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/role/", views.grant, name="grant"),
    path("users/<int:pk>/unlock/", views.unlock, name="unlock"),
    path("users/<int:pk>/second-factor/reset/", views.reset_second_factor, name="reset_second_factor"),
]
