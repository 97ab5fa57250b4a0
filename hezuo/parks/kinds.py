from hezuo.kinds import Kind, Related, register
from hezuo.parks.models import Enterprise, Park, ParkFigure

register(Kind(
    model=Park, slug="parks", group="园区·飞地", icon="⌂",
    fields=["name", "kind", "program", "unit", "partner_region", "location", "established_year", "area_mu",
            "description"],
    columns=["name", "kind", "program", "unit", "partner_region", "established_year"],
    filters={"kind": "kind"},
    sorts=("name", "established_year"),
    default_sort="name",
    select_related=("program", "unit", "partner_region"),
    related=[
        Related("park-figures", "park", ["year", "enterprise", "fixed_asset_investment", "industrial_output",
                                         "output", "employment", "credited_to"]),
        Related("enterprises", "park", ["name", "industry", "settled_year", "from_our_side"]),
        Related("projects", "park", ["code", "name", "year", "total_investment"]),
    ],
))
register(Kind(
    model=Enterprise, slug="enterprises", group="园区·飞地", icon="⚙",
    fields=["park", "name", "credit_code", "industry", "from_our_side", "settled_year"],
    columns=["name", "park", "industry", "settled_year", "from_our_side"],
    sorts=("name", "settled_year"),
    default_sort="name",
    select_related=("park",),
    related=[Related("park-figures", "enterprise", ["year", "output", "employment"])],
))
register(Kind(
    model=ParkFigure, slug="park-figures", group="园区·飞地", icon="≋",
    fields=["park", "enterprise", "year", "fixed_asset_investment", "industrial_output", "output", "employment",
            "projects_introduced", "investment_introduced", "credited_to", "cumulative"],
    columns=["park", "enterprise", "year", "fixed_asset_investment", "industrial_output", "output", "employment",
             "credited_to"],
    filters={"credited_to": "credited_to", "cumulative": "cumulative", "whole_park": "enterprise__isnull"},
    search=("park__name", "enterprise__name"),
    sorts=("year", "fixed_asset_investment", "industrial_output"),
    default_sort="-year",
    totals=("fixed_asset_investment", "industrial_output", "output", "employment"),
    select_related=("park", "enterprise"),
))
