from hezuo import access
from hezuo.kinds import Kind, Related, register
from hezuo.projects.models import FundRecord, Project

register(Kind(
    model=Project, slug="projects", group="项目与资金", icon="▤",
    fields=["code", "name", "program", "unit", "partner_region", "category", "year", "total_investment",
            "status", "park", "key_level", "start_date", "end_date", "description"],
    columns=["code", "name", "program", "unit", "partner_region", "year", "total_investment", "status"],
    filters={"status": "status", "category": "category", "key_level": "key_level"},
    search=("name", "code"),
    sorts=("code", "name", "year", "total_investment", "status"),
    default_sort="-year",
    totals=("total_investment",),
    select_related=("program", "unit", "partner_region"),
    related=[Related("funds", "project", ["date", "stage", "amount", "source"], rows_by="stage")],
    pick_key="code",
    detail_extra="projects/project_extra.html",
    # Pairings of units above the user's own are not theirs to see.
    detail_context=lambda project, user: {"pairings": access.visible(user, project.pairings())},
))
register(Kind(
    model=FundRecord, slug="funds", group="项目与资金", icon="¥",
    fields=["project", "date", "stage", "amount", "source", "note"],
    columns=["project", "date", "stage", "amount", "source"],
    filters={"stage": "stage", "source": "source", "since": "date", "until": "date"},
    search=("project__name", "project__code"),
    sorts=("date", "amount", "stage"),
    default_sort="-date",
    totals=("amount",),
    breakdown="stage",
    select_related=("project",),
))
