from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from hezuo import access
from hezuo.accounts.forms import UserForm
from hezuo.accounts.models import User


def require_admin(user):
    if access.role_of(user) != access.Role.ADMIN:
        raise PermissionDenied("只有系统管理员可以管理用户")


def user_list(request):
    require_admin(request.user)
    users = User.objects.select_related("unit").order_by("role", "username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(username__icontains=q) | users.filter(display_name__icontains=q)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": q})


def user_edit(request, pk=None):
    require_admin(request.user)
    user = get_object_or_404(User, pk=pk) if pk else None
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
        messages.success(request, f"已保存用户：{saved.username}")
        return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "edited": user},
                  status=422 if request.method == "POST" else 200)
