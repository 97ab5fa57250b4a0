from hezuo.kinds import Kind, Related, register
from hezuo.org.models import Pairing, Program, Region, Unit

register(Kind(
    model=Pairing, slug="pairings", group="基础数据", icon="⇄",
    fields=["unit", "region", "program", "start_year", "end_year", "note"],
    columns=["unit", "region", "program", "start_year", "end_year"],
    search=("region__name", "unit__name"),
    sorts=("start_year", "unit", "region"),
    select_related=("unit", "region", "program"),
))
register(Kind(
    model=Program, slug="programs", group="基础数据", icon="☰",
    fields=["name", "parent", "sort_order", "description"],
    columns=["name", "parent", "sort_order"],
    filters={"parent": "parent"},
    sorts=("sort_order", "name"),
    default_sort="sort_order",
    select_related=("parent",),
    related=[Related("programs", "parent", ["name", "sort_order"])],
))
register(Kind(
    model=Unit, slug="units", group="基础数据", icon="▣",
    fields=["name", "parent", "kind", "sort_order"],
    columns=["name", "parent", "kind"],
    filters={"kind": "kind", "unit": "parent"},
    sorts=("name", "kind"),
    default_sort="path",
    select_related=("parent",),
    related=[Related("units", "parent", ["name", "kind"]), Related("pairings", "unit", ["region", "program", "start_year"])],
))
register(Kind(
    model=Region, slug="regions", group="基础数据", icon="◎",
    fields=["parent", "code", "name"],
    columns=["code", "name", "level", "parent", "full_name"],
    filters={"level": "level", "region": "parent"},
    search=("name", "code"),
    sorts=("code", "name", "level"),
    default_sort="code",
    select_related=("parent",),
    related=[Related("regions", "parent", ["code", "name", "level"])],
))
