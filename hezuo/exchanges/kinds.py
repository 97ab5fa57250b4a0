from hezuo.exchanges.models import Activity, Cadre, Dispatch
from hezuo.kinds import Kind, Related, register

register(Kind(
    model=Dispatch, slug="dispatches", group="人员与交流", icon="✈",
    fields=["batch_name", "kind", "program", "unit", "destination", "start_date", "end_date", "person_times", "note"],
    columns=["batch_name", "kind", "program", "unit", "destination", "start_date", "person_times"],
    filters={"kind": "kind", "since": "start_date", "until": "start_date"},
    search=("batch_name",),
    sorts=("start_date", "person_times", "batch_name"),
    default_sort="-start_date",
    totals=("person_times",),
    select_related=("program", "unit", "destination"),
    related=[Related("cadres", "dispatch", ["name", "gender", "position", "phone"])],
))
register(Kind(
    model=Cadre, slug="cadres", group="人员与交流", icon="☺",
    fields=["dispatch", "name", "gender", "employer", "position", "phone", "id_number"],
    columns=["name", "gender", "dispatch", "position", "phone"],
    search=("name", "position"),
    sorts=("name",),
    default_sort="name",
    select_related=("dispatch",),
))
register(Kind(
    model=Activity, slug="activities", group="人员与交流", icon="✦",
    fields=["name", "kind", "program", "unit", "partner_region", "date", "location", "batches", "person_times",
            "enterprises", "signed_projects", "signed_investment", "description"],
    columns=["name", "kind", "program", "unit", "date", "batches", "person_times", "signed_projects",
             "signed_investment"],
    filters={"kind": "kind", "since": "date", "until": "date"},
    sorts=("date", "person_times", "signed_investment", "name"),
    default_sort="-date",
    totals=("batches", "person_times", "signed_projects", "signed_investment"),
    select_related=("program", "unit", "partner_region"),
))
