from django import forms
from django.utils import timezone

from hezuo.core.filters import PickSelect
from hezuo.org.models import Program


def year_choices():
    this_year = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this_year + 1, 2014, -1)]


class PeriodForm(forms.Form):
    """The year a statistics page shows; `default_year` when none is asked for."""

    year = forms.TypedChoiceField(label="年度", choices=year_choices, coerce=int, widget=PickSelect)

    def __init__(self, data, default_year):
        data = data.copy()
        data.setdefault("year", str(default_year))
        super().__init__(data)


class ProgramChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"　{obj.name}" if obj.parent_id else obj.name  # sub-programs indented under their parent


class DashboardForm(PeriodForm):
    program = ProgramChoiceField(Program.objects.all(), label="工作类别", required=False, empty_label="全部工作类别",
                                 widget=PickSelect)


class StatsForm(PeriodForm):
    through_month = forms.TypedChoiceField(
        label="统计期间", required=False, coerce=int, empty_value=None,
        choices=[("", "全年")] + [(str(m), f"1—{m}月" if m > 1 else "1月") for m in range(1, 12)], widget=PickSelect)
