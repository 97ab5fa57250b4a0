"""Form fields shared by every record kind."""

from django import forms
from django.core.exceptions import ValidationError

from hezuo import numbers, text


class SuggestWidget(forms.TextInput):
    """A text box whose suggestions (a <datalist>) htmx fetches from `url_name` as the user
    types. Choosing a suggestion fills the box; without htmx the user types the key, which
    the field reads just the same."""

    template_name = "core/widgets/suggest.html"

    def __init__(self, url_name, attrs=None):
        self.url_name = url_name
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        context["widget"]["suggest_url"] = reverse(self.url_name)
        return context


class RegionWidget(SuggestWidget):
    def __init__(self, attrs=None):
        super().__init__("region_suggest", {"class": "region-input", "placeholder": "输入地区名称或区划代码",
                                            **(attrs or {})})


class RegionField(forms.ModelChoiceField):
    """Pick a region by typing: a text box with suggestions, read by the one region resolver.

    Accepts whatever the importer accepts (hezuo.org.regions): a code ("652929"), a unique
    name ("柯坪县", "喀拉库提村"), a path ("柯坪县柯坪镇喀拉库提村"), or a suggestion as shown
    ("652929 新疆维吾尔自治区 阿克苏地区 柯坪县"). A town or village of the package that is not
    loaded yet is loaded when the form is checked, with its town (`load=False`, for filters,
    refuses it instead: nothing refers to it yet).
    """

    def __init__(self, queryset, load=True, **kwargs):
        kwargs.setdefault("widget", RegionWidget)
        self.load = load
        super().__init__(queryset, **kwargs)

    def clean(self, value):
        # Remember what the typed text named, for showing it again (prepare_value).
        region = None
        try:
            region = super().clean(value)
        finally:
            if isinstance(value, str):
                self.__dict__.setdefault("typed", {})[value] = region
        return region

    def prepare_value(self, value):
        if hasattr(value, "code"):
            return f"{value.code} {value.full_name}"
        if value in (None, ""):
            return ""
        if isinstance(value, str) and not value.isdigit():
            return value  # a form shown again after an error keeps what the user typed
        typed = self.__dict__.get("typed", {})
        if value in typed:
            # A code that was typed (a filter's "510000") is shown with the region's name, or
            # as typed: never read as an id, which a code can also be, nor read again.
            return f"{typed[value].code} {typed[value].full_name}" if typed[value] else value
        region = self.queryset.filter(pk=value).first()
        return f"{region.code} {region.full_name}" if region else value

    def to_python(self, value):
        from hezuo.org.regions import RegionError, resolve

        value = text.form_value(value or "").strip()
        if not value:
            return None
        code = value.split()[0]
        if code.isdigit():
            # What the box submits after a suggestion or a filter link: the code, or the code
            # with the region's full name. One indexed query, not the resolver's.
            region = self.queryset.filter(code=code).first()
            if region is not None and value in (code, f"{region.code} {region.full_name}"):
                return region
        try:
            region = resolve(value, load=self.load)
        except RegionError as error:
            raise ValidationError(str(error), code="invalid_choice") from None
        if not self.queryset.filter(pk=region.pk).exists():
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return region


class RecordPickField(forms.ModelChoiceField):
    """Pick one record among hundreds by typing its key or name (a project by 项目编号 or
    名称): a text box with suggestions from the kind's suggest page, scoped like the list.

    Accepts the key ("HZ-2024-001"), a suggestion as shown ("HZ-2024-001 某某项目"), or a
    name that is unique among what the user may pick. Anything else is the field's
    `invalid_choice` (set by access.limit_choices: it never says whose a record is).
    """

    def __init__(self, queryset, *, key, url_name, placeholder="", **kwargs):
        self.key = key
        kwargs.setdefault("widget", SuggestWidget(url_name, {"class": "pick-input", "placeholder": placeholder}))
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj):
        return str(obj)

    def prepare_value(self, value):
        if isinstance(value, self.queryset.model):
            return str(value)
        if value in (None, ""):
            return ""
        if isinstance(value, str) and not value.isdigit():
            return value  # a form shown again after an error keeps what the user typed
        obj = self.queryset.filter(pk=value).first()
        return str(obj) if obj else value

    def to_python(self, value):
        value = text.form_value(value or "").strip()
        if not value:
            return None
        invalid = ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})
        # The key as typed, else the first word of a suggestion ("HZ-2024-001 某某项目").
        found = None
        for key in dict.fromkeys([value, value.split()[0]]):
            found = found or self.queryset.filter(**{self.key: key}).first()
        if found is None:
            names = list(self.queryset.filter(name=value)[:2])
            if len(names) > 1:
                title = self.queryset.model._meta.verbose_name
                raise ValidationError(f"有多个名为“{value}”的{title}，请从提示列表中选择带编号的一项", code="ambiguous")
            found = names[0] if names else None
        if found is None:
            raise invalid
        return found

    def validate(self, value):
        forms.Field.validate(self, value)

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "").strip()


def parse_month(value):
    """(year, month) of a month as people write it (numbers.parse_month), or a ValidationError:
    a form's month, or a page's ?month=."""
    try:
        return numbers.parse_month(value or "")
    except numbers.ChineseNumberError as error:
        raise ValidationError(f"月份格式不对：{error}") from None


class MonthField(forms.CharField):
    """A month (2024-03, 2024年3月 …), cleaned to (year, month)."""

    def __init__(self, *, placeholder="2024-03", **kwargs):
        kwargs.setdefault("label", "月份")
        kwargs.setdefault("error_messages", {"required": "请填写月份"})
        super().__init__(widget=forms.TextInput(attrs={"type": "month", "placeholder": placeholder}), **kwargs)

    def clean(self, value):
        return parse_month(super().clean(value))
