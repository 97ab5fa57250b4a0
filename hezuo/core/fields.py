"""Form fields shared by every record kind."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from hezuo import numbers, text


class AmountWidget(forms.MultiWidget):
    template_name = "core/widgets/amount.html"

    def __init__(self, attrs=None):
        widgets = [
            forms.TextInput(attrs={"inputmode": "decimal", "class": "amount-input", "autocomplete": "off"}),
            forms.Select(choices=[("万元", "万元"), ("元", "元")], attrs={"class": "amount-unit"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if value in (None, ""):
            return [None, "万元"]
        value = numbers.to_decimal(value)
        wan = numbers.in_unit(value, "万元")
        # Show 万元 when that is exact to the fen, else 元, so nothing is rounded on edit.
        if (wan * 100) == (wan * 100).to_integral_value():
            return [numbers._trim(wan, 6), "万元"]
        return [format(value, "f"), "元"]


class AmountFormField(forms.MultiValueField):
    """An amount typed in 万元 or 元; cleans to exact Decimal 元."""

    widget = AmountWidget

    def __init__(self, *, max_digits=None, decimal_places=None, max_value=None, min_value=None, **kwargs):
        kwargs.pop("localize", None)
        fields = [forms.CharField(required=False), forms.ChoiceField(choices=[("万元", "万元"), ("元", "元")])]
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or data_list[0] in (None, ""):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        text, unit = data_list[0], data_list[1] or "万元"
        try:
            number = Decimal(str(text).replace(",", "").replace("，", "").strip())
        except InvalidOperation:
            raise ValidationError("请输入数字金额，例如 2838 或 2838.5", code="invalid")
        if not number.is_finite():
            raise ValidationError("请输入数字金额", code="invalid")
        if number < 0:
            raise ValidationError("金额不能为负数", code="negative")
        value = numbers.from_unit(number, unit)
        if value >= Decimal("1e16"):
            raise ValidationError("金额过大，请检查单位是否选错", code="too_large")
        return value


class RegionWidget(forms.TextInput):
    """A text box whose suggestions htmx fetches from /regions/suggest/ as the user types."""

    template_name = "core/widgets/region.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "class": "region-input", "placeholder": "输入地区名称或区划代码",
                          **(attrs or {})})


class RegionField(forms.ModelChoiceField):
    """Pick a region among ~3,400 by typing: a text box with suggestions, the code decides.

    Accepts the code ("652929"), an exact unique name ("柯坪县"), or a suggestion as shown
    ("652929 柯坪县 · 新疆维吾尔自治区 阿克苏地区").
    """

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("widget", RegionWidget)
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
        value = text.form_value(value or "").strip()
        if not value:
            return None
        first = value.split()[0]
        if first.isdigit():
            region = self.queryset.filter(code=first).first()
            if region is None:
                raise ValidationError(f"没有区划代码为 {first} 的地区", code="invalid_choice")
            return region
        matches = list(self.queryset.filter(name=value)[:2])
        if not matches:
            raise ValidationError(f"没有名为“{value}”的地区，请从提示列表中选择", code="invalid_choice")
        if len(matches) > 1:
            raise ValidationError(f"有多个地区名为“{value}”，请从提示列表中选择带区划代码的一项", code="ambiguous")
        return matches[0]
