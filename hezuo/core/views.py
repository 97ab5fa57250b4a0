"""The five pages every record kind has: list, detail, create, edit, delete.

Each view validates, calls access.py or a service, and renders.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.forms import DateInput, ModelChoiceField, ModelForm, Select, Textarea, modelform_factory
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from hezuo import access, gate, rules
from hezuo.core.busy import DatabaseBusy
from hezuo.core.filters import PickSelect

from hezuo.audit import display as audit_display
from hezuo.audit import queries as audit_queries
from hezuo.core.entry import DeleteForm, preselect_only_choices
from hezuo.core import errors
from hezuo.core.errors import same_site_url
from hezuo.core.fields import RecordPickField, RegionField
from hezuo.core.paging import paginate
from hezuo.core.queries import list_footer
from hezuo.core.queries import list_rows
from hezuo.core.services.records import StillReferenced, VersionConflict, delete_preview, delete_record, save_record
from hezuo.core.table import Table
from hezuo.kinds import REGISTRY, kind_for_model
from hezuo.org.models import Region
from hezuo.text import formfield as text_formfield

HISTORY_SHOWN = 10  # entries of the 修改记录 panel; older ones a link away


def get_kind(slug, user):
    kind = REGISTRY[slug]
    if not access.can_read_kind(user, kind.model):
        raise Http404("页面不存在或不在您的数据范围内")
    return kind


def formfield_for(db_field, **kwargs):
    if db_field.is_relation and db_field.related_model is Region:
        return RegionField(Region.objects.all(), required=not db_field.blank, label=db_field.verbose_name)
    picked = kind_for_model(db_field.related_model) if db_field.is_relation else None
    if picked and picked.pick_key:  # hundreds of projects: a search box, not a dropdown
        return RecordPickField(picked.queryset(), key=picked.pick_key, url_name=picked.url_name("suggest"),
                               required=not db_field.blank, label=db_field.verbose_name,
                               placeholder=f"输入{picked.model._meta.get_field(picked.pick_key).verbose_name}或名称查找")
    if db_field.get_internal_type() == "DateField":
        kwargs["widget"] = DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    if db_field.get_internal_type() == "TextField":
        kwargs["widget"] = Textarea(attrs={"rows": 4})
    return text_formfield(db_field, **kwargs)


class RecordForm(ModelForm):
    """The form of every record kind: its values also pass the row rules (hezuo/rules.py)."""

    def clean(self):
        cleaned = super().clean()
        rules.check_form(self)
        return cleaned


def form_class(kind):
    Form = modelform_factory(kind.model, form=RecordForm, fields=kind.fields, formfield_callback=formfield_for)
    for field in Form.base_fields.values():
        grouped = not isinstance(field, ModelChoiceField) and any(
            isinstance(label, (list, tuple)) for _value, label in getattr(field, "choices", ()))
        if type(field.widget) is Select and not grouped:  # its <option>s written in Python
            field.widget = PickSelect(attrs=field.widget.attrs, choices=field.widget.choices)
            if isinstance(field, ModelChoiceField):
                field.queryset = field.queryset  # the widget follows the field's rows from now on
    return Form


def record_list(request, slug):
    kind = get_kind(slug, request.user)
    queryset, filters, sort = list_rows(kind, request.user, request.GET)
    totals, count = {}, None
    if kind.totals:
        totals, count = list_footer(request.user, kind, queryset)
    page = paginate(queryset, request.GET, settings.PAGE_SIZE, count)
    table = Table(kind, request.user, kind.columns, page.object_list)
    return render(request, "core/list.html", {
        "kind": kind,
        "filters": filters,
        "page": page,
        "table": table,
        "totals": table.totals_row(totals),
        "sort": sort,
        "can_create": access.can_create(request.user, kind.model),
    })


def record_detail(request, slug, pk):
    kind = get_kind(slug, request.user)
    # The joins of the list's columns and of the page's 创建/最后修改 line, in the one read.
    obj = access.get_visible_or_404(request.user, kind.model, pk,
                                    kind.queryset().select_related("created_by", "updated_by"))
    can_change = access.can_change(request.user, obj)
    # A record of a closed period says so where 编辑/删除 would be, instead of offering them.
    closed = gate.closed_for(request.user, gate.CHANGE, obj) if can_change else None
    related = []
    for rel in kind.related:
        child = REGISTRY[rel.slug]
        if not access.can_read_kind(request.user, child.model):
            continue
        rows = access.visible(request.user, child.queryset().filter(**{rel.lookup: obj}))
        table = Table(child, request.user, rel.columns, rows[:200])
        related.append({"kind": child, "table": table, "lookup": rel.lookup,
                        "can_create": can_change and access.can_create(request.user, child.model),
                        "several_url": reverse(kind.url_name(f"add_{rel.slug}"), args=[obj.pk])
                        if rel.rows_by is not None else None})
    extra = kind.detail_context(obj, request.user) if kind.detail_context else {}
    # The 修改记录 panel is read when the reader opens it (record_history), not with every
    # view of the page; a link to older entries (?history_before=) shows it here at once.
    before = _int(request.GET.get("history_before"))
    return render(request, "core/detail.html", {
        **extra,
        "warnings": rules.warnings_for(obj),
        **(history_context(obj, request.user, before) if before else {}),
        "content_type_id": ContentType.objects.get_for_model(kind.model).pk,
        "kind": kind,
        "obj": obj,
        "fields": Table(kind, request.user, [], [obj]).detail_fields(obj),
        "related": related,
        "can_change": can_change and closed is None,
        "closed": closed,
    })


def record_history(request, slug, pk):
    """A record's 修改记录 panel, fetched by htmx when the reader opens it on the record's page;
    without JavaScript (or from a link to older entries) a page of its own."""
    kind = get_kind(slug, request.user)
    obj = access.get_visible_or_404(request.user, kind.model, pk)
    context = {"kind": kind, "obj": obj,
               **history_context(obj, request.user, _int(request.GET.get("history_before")))}
    response = render(request, "audit/history.html" if request.htmx else "core/history.html", context)
    patch_vary_headers(response, ["HX-Request"])  # one URL, the panel or the page
    return response


def history_context(obj, user, before):
    entries, more = audit_queries.record_history(obj, before=before, limit=HISTORY_SHOWN)
    return {"history_shown": True, "history": audit_display.readable(entries, user),
            "history_more": entries[-1].pk if more else None}


def _int(text):
    return int(text) if text and text.isdigit() else None


def record_create(request, slug):
    kind = get_kind(slug, request.user)
    access.check_create(request.user, kind.model)
    Form = form_class(kind)
    initial = {name: request.GET[name] for name in kind.fields if name in request.GET}
    back = same_site_url(request, request.POST.get("next") or request.GET.get("next"))
    form = Form(request.POST or None, initial=initial)
    access.limit_choices(form, request.user)
    if request.method != "POST":
        preselect_only_choices(form)
    if request.method == "POST" and form.is_valid():
        try:
            result = save_record(form, request.user)
        except (PermissionDenied, DatabaseBusy) as error:
            form.add_error(None, str(error))
            status = 503 if isinstance(error, DatabaseBusy) else 409 if getattr(error, "lock", None) else 422
        else:
            messages.success(request, f"已新增{kind.title}：{result.obj}")
            # Opened from a parent's page (＋ 新增资金 on a project): back to that page.
            return redirect(back or reverse(kind.url_name("detail"), args=[result.obj.pk]))
    else:
        status = 422 if request.method == "POST" else 200
    return render(request, "core/form.html", {"kind": kind, "form": form, "creating": True, "back": back},
                  status=status)


def refused_page(request, kind, obj, error, verb):
    """A write the gate refused because of where the record is (a closed period): the gate's
    words on a page of their own, since nothing typed into the form could change them."""
    return errors.refused(request, error, verb, reverse(kind.url_name("detail"), args=[obj.pk]))


def record_edit(request, slug, pk):
    kind = get_kind(slug, request.user)
    obj = access.get_visible_or_404(request.user, kind.model, pk)
    access.check_change(request.user, obj)
    closed = gate.closed_for(request.user, gate.CHANGE, obj)
    if closed:
        return refused_page(request, kind, obj, closed, "修改")
    Form = form_class(kind)
    form = Form(request.POST or None, instance=obj)
    access.limit_choices(form, request.user)
    # The version the form was opened at: a POST without one is refused as a conflict.
    version = request.POST.get("version") if request.method == "POST" else obj.version
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                save_record(form, request.user, expected_version=version)
            except VersionConflict as conflict:
                form.add_error(None, str(conflict))
                status = 409
            except PermissionDenied as error:
                form.add_error(None, str(error))
                status = getattr(error, "status", 422) if getattr(error, "lock", None) else 422
            except DatabaseBusy as error:
                form.add_error(None, str(error))
                status = 503
            else:
                messages.success(request, f"已保存{kind.title}：{obj}")
                return redirect(kind.url_name("detail"), pk=obj.pk)
    return render(request, "core/form.html", {"kind": kind, "form": form, "obj": obj, "version": version},
                  status=status)


def record_delete(request, slug, pk):
    """The delete page shows what goes with the record; deleting moves all of it to the 回收站."""
    kind = get_kind(slug, request.user)
    obj = access.get_visible_or_404(request.user, kind.model, pk)
    access.check_change(request.user, obj)
    closed = gate.closed_for(request.user, gate.DELETE, obj)
    if closed:
        return refused_page(request, kind, obj, closed, "删除")
    form = DeleteForm(request.POST or None)
    error, status, found = None, 200, None
    try:
        found = delete_preview(obj)
    except StillReferenced as problem:
        error, status = str(problem), 409
    if request.method == "POST" and found is not None:
        status = 422
        if form.is_valid():
            try:
                delete_record(obj, request.user, expected_version=request.POST.get("version"),
                              reason=form.cleaned_data["reason"])
            except (VersionConflict, StillReferenced) as problem:
                error, status = str(problem), 409
            except gate.WriteRefused as problem:  # what goes with it lies in a closed period
                return refused_page(request, kind, obj, problem, "删除")
            except DatabaseBusy:
                error, status = "系统正忙（正在写入其他数据，如批量导入），这条记录没有删除。请稍等片刻后再点击确认删除。", 503
            else:
                goes = "，连同" + "、".join(g.text() for g in found.groups) if found.groups else ""
                messages.success(request, f"已删除{kind.title}：{obj}{goes}。已移入回收站，"
                                          f"{settings.HEZUO_TRASH_KEEP_DAYS} 天内可由市级业务人员恢复。")
                return redirect(kind.url_name("list"))
    return render(request, "core/confirm_delete.html", {
        "kind": kind, "obj": obj, "form": form, "error": error, "found": found,
        "keep_days": settings.HEZUO_TRASH_KEEP_DAYS,
    }, status=status)


QUALITY_SHOWN = 20  # rows of each rule on the 数据质量 page
QUALITY_RULE_SHOWN = 1000  # rows on a rule's own page: more is not read on a page, but fixed at the source


def data_quality(request):
    """数据质量: every 提醒 in the user's scope, grouped by rule, each linking to its record."""
    access.check_statistics(request.user)
    projects = access.visible(request.user, REGISTRY["projects"].model.objects.all())
    chosen = request.GET.get("rule")
    groups = []
    for rule, warnings in rules.warnings_by_rule(projects):
        if chosen and rule.code != chosen:
            continue
        shown = warnings[:QUALITY_RULE_SHOWN if chosen else QUALITY_SHOWN]
        groups.append({"rule": rule, "count": len(warnings), "warnings": shown,
                       "hidden": len(warnings) - len(shown)})
    if chosen and not groups:
        raise Http404("没有这条规则")
    return render(request, "core/data_quality.html", {
        "groups": groups, "chosen": chosen, "total": sum(group["count"] for group in groups),
        "clear": [group["rule"] for group in groups if not group["count"]],
        "row_rules": rules.ROW_RULES, "stored": [] if chosen else stored_errors(request.user),
    })


def stored_errors(user):
    """Records in `user`'s scope that break an error rule: saved before the rule existed, or
    by hand. One query per record kind that has such rules."""
    found = []
    for kind in REGISTRY.values():
        if not access.can_read_kind(user, kind.model) or not rules.has_row_rules(kind.model):
            continue
        for obj, violations in rules.stored_errors(access.visible(user, kind.queryset())):
            found.append({"kind": kind, "obj": obj, "violations": violations,
                          "url": reverse(kind.url_name("detail"), args=[obj.pk])})
    return found


def region_suggest(request):
    """<option>s for a region text box (htmx sends the box's own value): at most 20, towns and
    villages of the package included (hezuo.org.regions.suggest)."""
    from hezuo.org.regions import suggest

    text = request.GET.get("q") or next(iter(request.GET.values()), "")
    return render(request, "core/region_options.html", {"options": suggest(text)})


def home(request):
    from hezuo.core.queries import home_summary

    return render(request, "core/home.html", {"summary": home_summary(request.user)})


def record_urls(kind, list_view=record_list):
    """The pages of a kind. `list_view` serves its list (hezuo/urls.py puts the imports app's
    list export, ?format=xlsx, in front of it)."""
    from django.urls import include, path

    from hezuo.core import entry

    patterns = [
        path("", list_view, {"slug": kind.slug}, name="list"),
        path("new/", record_create, {"slug": kind.slug}, name="create"),
        path("<int:pk>/", record_detail, {"slug": kind.slug}, name="detail"),
        path("<int:pk>/history/", record_history, {"slug": kind.slug}, name="history"),
        path("<int:pk>/edit/", record_edit, {"slug": kind.slug}, name="edit"),
        path("<int:pk>/delete/", record_delete, {"slug": kind.slug}, name="delete"),
    ]
    if kind.pick_key:
        patterns.append(path("suggest/", entry.record_suggest, {"slug": kind.slug}, name="suggest"))
    patterns += [path(f"<int:pk>/{rel.slug}/new/", entry.add_children, {"slug": kind.slug, "child": rel.slug},
                      name=f"add_{rel.slug}") for rel in kind.related if rel.rows_by is not None]
    return path(f"{kind.slug}/", include((patterns, kind.slug), namespace=kind.slug))


def detail_url(obj):
    from hezuo.kinds import kind_for_model

    kind = kind_for_model(type(obj))
    return reverse(kind.url_name("detail"), args=[obj.pk]) if kind else None
