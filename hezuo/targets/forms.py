from decimal import Decimal

from django import forms

from hezuo import numbers
from hezuo.org.models import Program, Unit
from hezuo.targets.indicators import BUILTIN
from hezuo.targets.models import Indicator, Target

VALUE_HELP = "金额可写 1540万元、0.2亿元 或 15400000（元）；人次、个数写数字；占比写百分数，如 80"


def read_value(text, unit, label):
    """A typed value in the indicator's unit: amounts as exact 元 (万元/亿元 written are read).
    A target or an actual is a definite number: 约、多、超 … are refused, not dropped."""
    try:
        if unit == "元":
            parsed = numbers.read_amount(text, "元")
        else:
            parsed = numbers.parse_number(text)
    except (numbers.ChineseNumberError, ValueError, ArithmeticError):
        raise forms.ValidationError(f"{label}无法识别，请填写数字，如 {'1540万元' if unit == '元' else '2264'}")
    if parsed.qualifier:
        raise forms.ValidationError(f"{label}应为确定的数字，不能带“{parsed.qualifier}”等字")
    return numbers.to_decimal(parsed.value).quantize(Decimal("0.01"))


class TargetForm(forms.ModelForm):
    """A target: which indicator (built-in, computed; or the office's own, entered by hand)."""

    which = forms.ChoiceField(label="指标", error_messages={"required": "请选择指标", "invalid_choice": "所选指标不存在"})
    amount = forms.CharField(label="目标值", help_text=VALUE_HELP, error_messages={"required": "请填写目标值"})

    class Meta:
        model = Target
        fields = ["program", "year", "unit"]
        error_messages = {"program": {"required": "请选择工作类别"}, "year": {"required": "请填写年度"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        custom = [(f"custom:{i.pk}", f"{i.name}（自定义，{i.unit}，手工填报）") for i in Indicator.objects.all()]
        self.fields["which"].choices = [("", "请选择指标")] + [
            ("内置指标（按记录自动计算）", [(key, f"{i.label}（{i.unit}）") for key, i in BUILTIN.items()])] + (
            [("自定义指标（手工填报完成值）", custom)] if custom else [])
        self.fields["program"].queryset = Program.objects.order_by("sort_order", "id")
        self.fields["program"].empty_label = "请选择工作类别"
        self.fields["unit"].queryset = Unit.objects.order_by("path")
        self.fields["unit"].empty_label = "全市"
        self.fields["year"].min_value = 2000
        target = self.instance
        if target.pk:
            self.initial["which"] = f"custom:{target.custom_id}" if target.custom_id else target.indicator
            self.initial["amount"] = numbers.format_amount(target.value, "万元", 6) if target.measure_unit == "元" \
                else numbers.format_count(target.value)
        self.order_fields(["which", "program", "year", "unit", "amount"])

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("年度应在 2000—2100 之间")
        return year

    def clean(self):
        data = super().clean()
        which = data.get("which")
        if which:
            if which.startswith("custom:"):
                custom = Indicator.objects.filter(pk=which.removeprefix("custom:")).first()
                if custom is None:
                    self.add_error("which", "所选自定义指标不存在")
                    return data
                self.instance.custom, self.instance.indicator = custom, ""
                unit = custom.unit
            else:
                self.instance.custom, self.instance.indicator = None, which
                unit = BUILTIN[which].unit
            if data.get("amount"):
                try:
                    value = read_value(data["amount"], unit, "目标值")
                except forms.ValidationError as error:
                    self.add_error("amount", error)
                    return data
                if value <= 0:
                    self.add_error("amount", "目标值应大于 0")
                else:
                    self.instance.value = value
        return data


class ActualForm(forms.ModelForm):
    """The hand-entered actual of a target on an office-defined indicator."""

    amount = forms.CharField(label="完成值", help_text=VALUE_HELP, error_messages={"required": "请填写完成值"})

    class Meta:
        model = Target
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = f"完成值（{self.instance.measure_unit}）"

    def clean_amount(self):
        value = read_value(self.cleaned_data["amount"], self.instance.measure_unit, "完成值")
        if value < 0:
            raise forms.ValidationError("完成值不能为负数")
        self.instance.actual_value = value
        return value


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit"]
        error_messages = {"name": {"required": "请填写指标名称", "unique": "已有同名的指标"},
                          "unit": {"required": "请填写计量单位"}}
