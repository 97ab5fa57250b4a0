from hezuo.assistance.models import ConsumptionRecord, InKindAid
from hezuo.kinds import Kind, register

register(Kind(
    model=ConsumptionRecord, slug="consumption", group="帮扶", icon="🛒",
    fields=["date", "program", "unit", "origin", "product", "channel", "amount", "note"],
    columns=["date", "product", "program", "unit", "origin", "channel", "amount"],
    filters={"channel": "channel", "since": "date", "until": "date"},
    search=("product",),
    sorts=("date", "amount", "product"),
    default_sort="-date",
    totals=("amount",),
    select_related=("program", "unit", "origin"),
))
register(Kind(
    model=InKindAid, slug="in-kind", group="帮扶", icon="❖",
    fields=["item", "program", "unit", "region", "date", "quantity", "quantity_unit", "value", "beneficiaries",
            "outcome"],
    columns=["item", "program", "unit", "region", "date", "quantity", "value", "beneficiaries"],
    search=("item",),
    sorts=("date", "item", "value"),
    default_sort="-date",
    totals=("value", "beneficiaries"),
    select_related=("program", "unit", "region"),
))
