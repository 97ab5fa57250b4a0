from django import forms

from hezuo.org.models import Unit
from hezuo.reporting.models import ReportingTask


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label="报送内容", choices=ReportingTask.Kind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100,
                              error_messages={"min_value": "年度应在 2000—2100 之间",
                                              "max_value": "年度应在 2000—2100 之间"})
    month = forms.IntegerField(label="月份", min_value=1, max_value=12,
                               error_messages={"min_value": "月份应为 1—12", "max_value": "月份应为 1—12"})
    deadline = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"invalid": "截止日期：请填写有效日期，如 2024-12-10"})
    title = forms.CharField(label="任务名称", max_length=100, required=False,
                            help_text="不填则为“2024年11月 月度数据报送”的形式")
    units = forms.ModelMultipleChoiceField(label="报送单位", queryset=Unit.objects.none(),
                                           widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": "报送单位：请至少选择一个单位",
                                                           "invalid_choice": "所选报送单位不存在，请从列表中选择"})
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.exclude(kind=Unit.Kind.OFFICE)
        for name, field in self.fields.items():
            if name != "units":
                field.error_messages["required"] = f"{field.label}：此项必填"
