"""The audit log, for the audit admin only, and read-only: there is no page that
changes or deletes an entry."""

from auditlog.models import LogEntry
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from hezuo import access
from hezuo.audit import display, queries

ACTIONS = [("", "全部"), (0, "新增"), (1, "修改"), (2, "删除"), (3, "登录等事件")]


class ChangeFilter(forms.Form):
    actor = forms.ModelChoiceField(get_user_model().objects.all(), label="操作人", required=False, empty_label="全部")
    content_type = forms.ModelChoiceField(None, label="记录类型", required=False, empty_label="全部")
    action = forms.TypedChoiceField(choices=ACTIONS, coerce=int, empty_value=None, label="操作", required=False)
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label="记录名称", required=False)
    object_id = forms.IntegerField(label="记录编号", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = queries.audited_content_types().values()
        self.fields["content_type"].queryset = ContentType.objects.filter(pk__in=[ct.pk for ct in types])
        self.fields["content_type"].label_from_instance = lambda ct: ct.model_class()._meta.verbose_name


class LoginFilter(forms.Form):
    username = forms.CharField(label="用户名", required=False)
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


def require_auditor(user):
    access.check_audit(user)


@require_safe
def change_list(request):
    require_auditor(request.user)
    form = ChangeFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(queries.change_entries(filters), 30).get_page(request.GET.get("page"))
    rows = display.readable(page.object_list, request.user)
    return render(request, "audit/change_list.html", {"form": form, "page": page, "rows": rows})


@require_safe
def change_detail(request, pk):
    require_auditor(request.user)
    entry = get_object_or_404(LogEntry.objects.select_related("actor", "content_type"), pk=pk)
    return render(request, "audit/change_detail.html", {"row": display.readable([entry], request.user)[0]})


@require_safe
def login_list(request):
    require_auditor(request.user)
    form = LoginFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(queries.login_events(filters), 30).get_page(request.GET.get("page"))
    return render(request, "audit/login_list.html", {"form": form, "page": page})
