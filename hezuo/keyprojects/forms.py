from django import forms

from hezuo.core.fields import MonthField
from hezuo.keyprojects.models import AnnualPlan, MonthlyReport


class MonthlyReportForm(forms.ModelForm):
    class Meta:
        model = MonthlyReport
        fields = ["completed_ytd", "completed_total", "progress", "problems", "responsible", "deadline",
                  "resolution", "decline_reason"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "progress": forms.Textarea(attrs={"rows": 2}), "problems": forms.Textarea(attrs={"rows": 2}),
                   "resolution": forms.Textarea(attrs={"rows": 2})}


class AnnualPlanForm(forms.ModelForm):
    """A key project's 年度计划投资 of one year (the year is the page's)."""

    class Meta:
        model = AnnualPlan
        fields = ["amount"]


class ProvinceRateForm(forms.Form):
    month = MonthField(placeholder="2024-11")
    rate = forms.DecimalField(label="全省完成率（%）", max_digits=6, decimal_places=1, min_value=0,
                              error_messages={"required": "请填写全省完成率", "invalid": "全省完成率应为数字，如 108.9",
                                              "min_value": "全省完成率不能为负数",
                                              "max_decimal_places": "全省完成率最多保留一位小数"})
