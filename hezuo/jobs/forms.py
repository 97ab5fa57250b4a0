from django.forms import modelform_factory

from hezuo.core.views import RecordForm
from hezuo.jobs.models import RecruitmentEvent

RESULTS = ["intentions", "signed", "transferred", "transferred_poor"]


def results_form(event, data=None):
    """An event's results (成效), entered on its page after the event: the record form's
    fields and rules, four of them."""
    Form = modelform_factory(RecruitmentEvent, form=RecordForm, fields=RESULTS)
    return Form(data, instance=event)
