"""The registry of record kinds: what each kind's pages list, filter, sort and edit.

Every record kind gets the same five pages (list, detail, create, edit, delete) from
hezuo/core/views.py; a Kind says what differs. Apps declare theirs in `<app>/kinds.py`.
A neutral module: it imports no app, so every app may register its kinds here (the apps'
layering: docs/architecture.md).
"""

from dataclasses import dataclass, field


@dataclass
class Related:
    """A table of child records shown on a parent's detail page."""

    slug: str  # the child kind
    lookup: str  # the child's foreign key to the parent
    columns: list
    # Entered several at a time from the parent's page (core/entry.py), one row per choice of
    # this field (a fund's 环节: 安排, 下达, 拨付, 支出); None: no several-row form.
    rows_by: str = None


@dataclass
class Kind:
    model: type
    slug: str
    group: str
    fields: list
    columns: list
    filters: dict = field(default_factory=dict)  # besides the model's declared ones (see __post_init__)
    search: tuple = ("name",)
    sorts: tuple = ()
    default_sort: str = ""
    totals: tuple = ()
    select_related: tuple = ()
    related: list = field(default_factory=list)
    detail_extra: str = ""  # template included on the detail page
    detail_context: object = None  # (obj, user) -> extra context for detail_extra
    icon: str = "•"
    # A choice field whose values split the totals where one sum across them means nothing
    # (a fund's 环节: 安排 + 拨付). Read where a set of records is summed for people (the trash).
    breakdown: str = ""
    # A unique field people type to pick a record (项目编号): a form's dropdown of this kind
    # becomes a search box (core.fields.RecordPickField) fed by the kind's suggest page.
    pick_key: str = ""

    def __post_init__(self):
        # The program, year, unit and region filters are the model's declaration (its
        # program_path, year_path, scope_path, region_path); `filters` adds the kind's own
        # and may override one (None drops it).
        merged = {**self.model.declared_paths(), **self.filters}
        self.filters = {name: path for name, path in merged.items() if path is not None}

    def queryset(self):
        """All rows of the kind, with the joins its list columns need."""
        rows = self.model.objects.all()
        # select_related() with no names would join every non-null foreign key.
        return rows.select_related(*self.select_related) if self.select_related else rows

    @property
    def title(self):
        return self.model._meta.verbose_name

    def url_name(self, view):
        return f"{self.slug}:{view}"


REGISTRY = {}
NAV_GROUPS = ["项目与资金", "人员与交流", "帮扶", "劳务协作", "园区·飞地", "荣誉与案例", "基础数据"]


def register(kind):
    REGISTRY[kind.slug] = kind
    return kind


def kind_for_model(model):
    for kind in REGISTRY.values():
        if kind.model is model:
            return kind
    return None


def load():
    """Import every installed app's kinds.py (once, in INSTALLED_APPS order) so the registry
    is complete."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("kinds")
    return REGISTRY
