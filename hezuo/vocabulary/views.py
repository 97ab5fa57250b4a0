from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hezuo import access
from hezuo.vocabulary import services
from hezuo.vocabulary.models import Alias


def aliases(request):
    """字典别名: for each dictionary column, its values with the built-in synonyms and the
    office's aliases; city officers add and remove aliases."""
    if access.role_of(request.user) not in access.BUSINESS_ROLES:
        raise PermissionDenied("您的账号不能查看字典别名")
    columns = services.columns()
    counts = {}
    for key in Alias.objects.values_list("field", flat=True):
        counts[key] = counts.get(key, 0) + 1
    chosen = services.column(request.GET.get("field", "")) or columns[0]
    errors, typed = {}, {}
    if request.method == "POST":
        typed = {"text": request.POST.get("text", ""), "label": request.POST.get("label", "")}
        try:
            alias = services.save_alias(request.user, chosen.key, typed["text"], typed["label"])
        except ValidationError as error:
            errors = {name: "；".join(texts) for name, texts in error.message_dict.items()}
        else:
            messages.success(request, f"已添加别名：“{alias.text}”表示“{typed['label']}”")
            return redirect(f"{reverse('vocabulary:aliases')}?field={chosen.key}")
    accepted = chosen.words()
    saved = list(Alias.objects.filter(field=chosen.key).select_related("created_by"))
    by_label = {label: {"label": label, "synonyms": [], "aliases": []} for label in accepted.labels}
    for word in services.synonyms_of(chosen):
        by_label[word.label]["synonyms"].append(word.text)
    for alias in saved:
        label = accepted.by_value.get(alias.value)
        if label is not None:
            by_label[label]["aliases"].append(alias)
    return render(request, "vocabulary/aliases.html", {
        "columns": [(c, counts.get(c.key, 0)) for c in columns], "chosen": chosen,
        "rows": list(by_label.values()), "errors": errors, "typed": typed,
        "can_manage": access.can_manage_aliases(request.user),
    }, status=422 if errors else 200)


@require_POST
def delete(request, pk):
    alias = get_object_or_404(Alias, pk=pk)
    services.delete_alias(request.user, alias)
    messages.success(request, f"已删除别名“{alias.text}”")
    return redirect(f"{reverse('vocabulary:aliases')}?field={alias.field}")
