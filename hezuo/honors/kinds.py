from hezuo.honors.models import Case, Honor
from hezuo.kinds import Kind, register

register(Kind(
    model=Honor, slug="honors", group="荣誉与案例", icon="★",
    fields=["name", "level", "unit", "program", "year", "awarded_by", "recipient", "description"],
    columns=["name", "level", "unit", "program", "year", "recipient"],
    filters={"level": "level"},
    sorts=("year", "name", "level"),
    default_sort="-year",
    select_related=("unit", "program"),
))
register(Kind(
    model=Case, slug="cases", group="荣誉与案例", icon="✎",
    fields=["title", "level", "selection", "unit", "program", "year", "summary"],
    columns=["title", "level", "selection", "unit", "program", "year"],
    filters={"level": "level"},
    search=("title",),
    sorts=("year", "title"),
    default_sort="-year",
    select_related=("unit", "program"),
))
