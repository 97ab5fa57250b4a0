"""The standard workbook (标准填报模板): one sheet per record kind, and what each column is.

Import, export and the blank template all read these specs, so the three cannot drift
apart. A sheet is a declaration: its model, its columns, its key and its shape.

- A column's `kind` names its resolver in hezuo/imports/cells.py (KINDS): how a cell becomes
  a value (text, int, year, date, amount, choice …), or, for a reference kind (unit, program,
  region, project …), which TARGETS entry it names.
- A column whose field is `parent__part` is one part of the key of a record the row hangs
  under (a cadre's 派遣批次 is named by its batch name, unit and start date): the parts
  together name one record of the parent's own sheet.
- `key` columns identify a record, so re-importing a row updates it instead of adding one.
- `shape` picks the writer (hezuo/imports/services/writers.py): "tree" (rows may hang under
  earlier rows of the same sheet, saved one by one), "flat" (inserted in bulk), "child"
  (inserted in bulk under a record of another sheet, copying what it declares in `copies`).
"""

from dataclasses import dataclass, field

from hezuo.assistance.models import ConsumptionRecord, InKindAid
from hezuo.exchanges.models import Activity, Cadre, Dispatch
from hezuo.honors.models import Case, Honor
from hezuo.jobs.models import Employer, Posting, RecruitmentEvent
from hezuo.org.models import Pairing, Program, Region, Unit
from hezuo.parks.models import Enterprise, Park, ParkFigure
from hezuo.projects.models import FundRecord, Project


@dataclass(frozen=True)
class Column:
    header: str  # without unit: the unit goes in parentheses, e.g. 金额（万元）
    field: str  # a model field, or parent__part (see the module's docstring)
    kind: str  # a key of cells.KINDS
    required: bool = True
    unit: str = ""  # default unit for amounts: 元, 万元 or 亿元
    width: int = 14
    note: str = ""
    about: str = ""  # a column that is no field itself but speaks about this one (是否重点项目 → key_level)
    personal: bool = False  # personal data: masked in exports for roles without the right (access.sees_personal_data)

    @property
    def title(self):
        return f"{self.header}（{self.unit}）" if self.unit else self.header

    @property
    def parent(self):
        """The reference this column is one part of, or ""."""
        return self.field.partition("__")[0] if "__" in self.field else ""

    @property
    def part(self):
        return self.field.partition("__")[2]

    def model_field(self, model):
        """The model field the cells are read for: the parent's own for a part column."""
        if self.about:
            return model._meta.get_field(self.about)
        if self.parent:
            return model._meta.get_field(self.parent).related_model._meta.get_field(self.part)
        return model._meta.get_field(self.field)


@dataclass(frozen=True)
class Target:
    """A kind of record that rows name: by which fields, what users call it, where it is made."""

    model: type
    key: tuple  # model fields that name one record, in the order the workbook writes them
    noun: str  # 单位, 项目 …
    by: str = "名为"  # 名为 / 编号为: how a message says what was written
    sheet: str = ""  # the sheet of this workbook that creates them
    scoped: bool = False  # a district reporter names only those of their own units

    @property
    def scope_path(self):
        """The lookup from a record to the unit owning it; None for dictionaries."""
        return getattr(self.model, "scope_path", None)


# Reference kinds and what they name. Regions are not here: they have a resolver of their
# own (codes, names, code + name; hezuo.imports.services.lookups.Lookups.resolve_region).
TARGETS = {
    "unit": Target(Unit, ("name",), "单位", sheet="单位"),
    "program": Target(Program, ("name",), "工作类别"),
    "project": Target(Project, ("code",), "项目", by="编号为", sheet="项目", scoped=True),
    "park": Target(Park, ("name",), "园区", sheet="园区·飞地", scoped=True),
    "dispatch": Target(Dispatch, ("batch_name", "unit", "start_date"), "派遣批次", sheet="人员派遣", scoped=True),
    "enterprise": Target(Enterprise, ("park", "name"), "企业", sheet="入驻企业", scoped=True),
    # Keyed by model name, as every target (lookups find a record's owner by it).
    "recruitmentevent": Target(RecruitmentEvent, ("name",), "招聘活动", scoped=True),
    # Employers are named by their credit code; the 岗位 sheet creates those it names that
    # are not in the system yet (SheetSpec.makes). Not scoped: an enterprise recruits at the
    # events of several units.
    "employer": Target(Employer, ("credit_code",), "用工企业", by="统一社会信用代码为", sheet="岗位"),
}


@dataclass(frozen=True)
class SheetSpec:
    name: str
    model: type
    columns: tuple
    key: tuple  # fields that identify a record
    note: str = ""
    order: tuple = field(default=("pk",))
    shape: str = "flat"  # tree, flat or child: which writer writes it
    copies: tuple = ()  # child sheets: (field, parent field) copied from the parent record
    combine: tuple = ()  # functions making a field of several cells: values → None or (field, message)
    # Parents the sheet creates when its part columns name one not in the system yet (a 岗位
    # row's 企业名称 and 统一社会信用代码 make a new 用工企业): MakesParent declarations.
    makes: tuple = ()

    @property
    def year_field(self):
        """The year its rows count in (`hezuo export --year`): the model's declared year_path;
        "" when it has none, or is in force over years (a pairing), and is written whole."""
        path = getattr(self.model, "year_path", None)
        return path if isinstance(path, str) else ""

    def column(self, field_name):
        return next(c for c in self.columns if c.field == field_name)

    @property
    def required_headers(self):
        return [c.header for c in self.columns if c.required]

    @property
    def stored(self):
        """The model fields a row of this sheet sets: its plain columns, and the parents its
        part columns name."""
        fields = []
        for column in self.columns:
            if column.about:
                continue
            name = column.parent or column.field
            if name not in fields:
                fields.append(name)
        return tuple(fields)

    @property
    def parents(self):
        """{parent field: its target kind} for the records named by part columns."""
        return {c.parent: self.model._meta.get_field(c.parent).related_model._meta.model_name
                for c in self.columns if c.parent}


@dataclass(frozen=True)
class MakesParent:
    """A child sheet creates the parent records its part columns name and the system does
    not hold yet, from those parts; the new record belongs to the unit of the record the
    row's `unit_from` column names (a new employer: its posting's event's unit)."""

    parent: str  # the child's foreign key
    unit_from: str  # a reference field of the row whose record's unit the new parent takes


def key_level_of(values):
    """是否重点项目 says whether a project is key, 重点级别 at which level. 是 alone names no
    level: it is refused with a question, never read as 省重点."""
    flag = values.pop("is_key", None)
    level = values.setdefault("key_level", "")  # every row of a sheet carries the same fields
    if isinstance(flag, str):  # a level written as the flag (older templates)
        if level and level != flag:
            return "key_level", "是否重点项目与重点级别不一致，请改正其中之一"
        values["key_level"] = flag
    elif flag is True and not level:
        return "key_level", "是否重点项目为“是”，请在“重点级别”列填写省重点或市重点"
    elif flag is False:
        if level:
            return "key_level", "是否重点项目为“否”，重点级别应为空"
        values["key_level"] = ""
    return None


SHEETS = (
    SheetSpec("单位", Unit, (
        Column("单位名称", "name", "text", width=24),
        Column("上级单位", "parent", "unit", required=False, width=20),
        Column("类型", "kind", "choice", required=False),
    ), key=("name",), order=("path",), shape="tree", note="本方单位。上级单位须是系统中已有的单位，或本表中出现在它之前的单位。"),
    SheetSpec("地区", Region, (
        Column("地区名称", "name", "text"),
        Column("上级地区", "parent", "region", width=24),
        Column("区划代码", "code", "text", note="乡镇9位、村12位，以上级地区代码开头"),
    ), key=("code",), order=("code",), shape="tree", note="只需填写系统中没有的乡镇、村；省市县三级来自国家区划数据。"),
    SheetSpec("结对关系", Pairing, (
        Column("本地单位", "unit", "unit", width=20),
        Column("结对地区", "region", "region", width=20),
        Column("工作类别", "program", "program"),
        Column("起始年份", "start_year", "year"),
    ), key=("unit", "region", "program"), order=("unit__path", "region__code")),
    SheetSpec("园区·飞地", Park, (
        Column("名称", "name", "text", width=30),
        Column("类型", "kind", "choice", width=12),
        Column("工作类别", "program", "program"),
        Column("建设单位", "unit", "unit", width=20),
        Column("合作地区", "partner_region", "region", width=20),
        Column("所在地", "location", "region", required=False, width=20),
        Column("设立年份", "established_year", "year", required=False, width=10),
        Column("规划面积", "area_mu", "decimal", required=False, unit="亩", width=12),
        Column("简介", "description", "text", required=False, width=40),
    ), key=("name",), order=("name",), note="园区、飞地、共富产业园等合作平台。名称在全系统唯一。"),
    SheetSpec("项目", Project, (
        Column("项目编号", "code", "text", width=18),
        Column("项目名称", "name", "text", width=36),
        Column("工作类别", "program", "program"),
        Column("实施单位", "unit", "unit", width=20),
        Column("结对地区", "partner_region", "region", width=20),
        Column("项目类别", "category", "choice"),
        Column("年度", "year", "year", width=8),
        Column("总投资", "total_investment", "amount", unit="万元"),
        Column("状态", "status", "choice", width=10),
        Column("是否重点项目", "is_key", "key_flag", required=False, about="key_level", note="是或否"),
        Column("重点级别", "key_level", "choice", required=False, note="省重点或市重点；是否重点项目为“是”时必填"),
        Column("开工日期", "start_date", "date", required=False, width=12),
        Column("完工日期", "end_date", "date", required=False, width=12),
        Column("建设内容", "description", "text", required=False, width=40),
        Column("所在园区", "park", "park", required=False, width=24, note="须是系统中已有的园区，或在本文件“园区·飞地”表中新增"),
    ), key=("code",), order=("year", "code"), combine=(key_level_of,)),
    SheetSpec("资金", FundRecord, (
        Column("项目编号", "project", "project", width=18),
        Column("日期", "date", "date", width=12),
        Column("环节", "stage", "choice", width=8),
        Column("金额", "amount", "amount", unit="万元"),
        Column("资金来源", "source", "choice", width=20),
        Column("备注", "note", "text", required=False, width=30, note="如拨付文件的文号"),
    ), key=("project", "date", "stage", "source"), order=("date", "project__code", "stage"),
        shape="child", copies=(("program", "project"),),  # FundRecord.program: see docs/architecture.md
        note="同一项目同一天同一环节同一来源只能有一行；再次导入同一行会更新金额。"),
    SheetSpec("人员派遣", Dispatch, (
        Column("批次名称", "batch_name", "text", width=30),
        Column("人员类型", "kind", "choice"),
        Column("工作类别", "program", "program"),
        Column("派出单位", "unit", "unit", width=20),
        Column("派往地区", "destination", "region", width=20),
        Column("开始日期", "start_date", "date", width=12),
        Column("结束日期", "end_date", "date", required=False, width=12),
        Column("人次", "person_times", "int", width=8),
    ), key=("batch_name", "unit", "start_date"), order=("start_date", "batch_name")),
    SheetSpec("援派干部人才", Cadre, (
        Column("姓名", "name", "text", width=10),
        Column("性别", "gender", "choice", required=False, width=6),
        Column("批次名称", "dispatch__batch_name", "text", width=30),
        Column("派出单位", "dispatch__unit", "unit", width=20),
        Column("开始日期", "dispatch__start_date", "date", width=12),
        Column("原工作单位", "employer", "text", required=False, width=24),
        Column("挂职岗位", "position", "text", required=False, width=24),
        Column("联系电话", "phone", "text", required=False, personal=True),
        Column("身份证号", "id_number", "text", required=False, width=20, personal=True),
    ), key=("dispatch", "name"),
        order=("dispatch__start_date", "dispatch__batch_name", "name"), shape="child",
        note="每人一行。批次名称、派出单位、开始日期三列合起来指明“人员派遣”中的一个批次。"
             "联系电话、身份证号是个人信息：无权查看的角色导出时为脱敏值，脱敏值导入时保持原值不变。"),
    SheetSpec("交流活动", Activity, (
        Column("活动名称", "name", "text", width=36),
        Column("活动类型", "kind", "choice"),
        Column("工作类别", "program", "program"),
        Column("主办单位", "unit", "unit", width=20),
        Column("日期", "date", "date", width=12),
        Column("地点", "location", "text", required=False),
        Column("批次", "batches", "int", required=False, width=8),
        Column("人次", "person_times", "int", required=False, width=8),
        Column("企业数", "enterprises", "int", required=False, width=8),
        Column("签约项目数", "signed_projects", "int", required=False, width=10),
        Column("签约金额", "signed_investment", "amount", required=False, unit="亿元"),
    ), key=("name", "unit", "date"), order=("date", "name")),
    SheetSpec("消费帮扶", ConsumptionRecord, (
        Column("日期", "date", "date", width=12),
        Column("工作类别", "program", "program"),
        Column("实施单位", "unit", "unit", width=20),
        Column("产地", "origin", "region", width=20),
        Column("产品名称", "product", "text", width=24),
        Column("销售渠道", "channel", "choice"),
        Column("金额", "amount", "amount", unit="万元"),
    ), key=("date", "unit", "origin", "product", "channel"),
        order=("date", "product")),
    SheetSpec("物资帮扶", InKindAid, (
        Column("物资名称", "item", "text", width=24),
        Column("工作类别", "program", "program"),
        Column("实施单位", "unit", "unit", width=20),
        Column("受援地区", "region", "region", width=20),
        Column("日期", "date", "date", width=12),
        Column("数量", "quantity", "decimal", width=10),
        Column("计量单位", "quantity_unit", "text", width=10, note="如：万株、公斤、台、套"),
        Column("折合金额", "value", "amount", required=False, unit="万元"),
        Column("受益人数", "beneficiaries", "int", required=False, width=10),
        Column("成效", "outcome", "text", required=False, width=40),
    ), key=("item", "unit", "region", "date"), order=("date", "item")),
    SheetSpec("入驻企业", Enterprise, (
        Column("企业名称", "name", "text", width=30),
        Column("所在园区", "park", "park", width=24),
        Column("统一社会信用代码", "credit_code", "text", required=False, width=22),
        Column("行业", "industry", "text", required=False),
        Column("本地企业投资", "from_our_side", "bool", required=False, width=12, note="是：我方企业投资；否：其他企业"),
        Column("入驻年份", "settled_year", "year", required=False, width=10),
    ), key=("park", "name"), order=("park__name", "name"), shape="child"),
    SheetSpec("园区年度数据", ParkFigure, (
        Column("园区", "park", "park", width=24),
        Column("企业名称", "enterprise__name", "text", required=False, width=30, note="为空表示园区整体"),
        Column("年度", "year", "year", width=8),
        Column("固定资产投资", "fixed_asset_investment", "amount", required=False, unit="万元"),
        Column("规上工业总产值", "industrial_output", "amount", required=False, unit="万元"),
        Column("产值", "output", "amount", required=False, unit="万元"),
        Column("带动就业", "employment", "int", required=False, unit="人", width=10),
        Column("引进项目数", "projects_introduced", "int", required=False, width=10),
        Column("引进项目总投资", "investment_introduced", "amount", required=False, unit="万元"),
        Column("统计归属", "credited_to", "choice", required=False, width=12),
        Column("累计数", "cumulative", "bool", required=False, width=8, note="是：截至该年末的累计数；否：当年数"),
    ), key=("park", "enterprise", "year"), order=("year", "park__name", "enterprise__name"),
        shape="child", note="企业名称为空的行是园区整体的数据；填写企业名称时，企业须在“入驻企业”中。"),
    SheetSpec("荣誉", Honor, (
        Column("荣誉名称", "name", "text", width=36),
        Column("级别", "level", "choice", width=10),
        Column("获得单位", "unit", "unit", width=20),
        Column("工作类别", "program", "program", required=False),
        Column("年度", "year", "year", width=8),
        Column("授予机关", "awarded_by", "text", required=False, width=24),
        Column("获得者", "recipient", "text", required=False, note="个人荣誉填姓名"),
        Column("说明", "description", "text", required=False, width=40),
    ), key=("name", "unit", "year"), order=("year", "name")),
    SheetSpec("典型案例", Case, (
        Column("案例名称", "title", "text", width=36),
        Column("入选级别", "level", "choice", width=10),
        Column("入选名单", "selection", "text", required=False, width=30),
        Column("报送单位", "unit", "unit", width=20),
        Column("工作类别", "program", "program"),
        Column("年度", "year", "year", width=8),
        Column("案例摘要", "summary", "text", required=False, width=40),
    ), key=("title", "unit", "year"), order=("year", "title")),
)

# Labour cooperation (劳务协作): job postings, each row also naming its employer, which the
# import creates when new (MakesParent). The event must exist (its page creates it).
JOB_POSTINGS = SheetSpec("岗位", Posting, (
    Column("企业名称", "employer__name", "text", width=30, note="新企业按统一社会信用代码新增，归属招聘活动的组织单位"),
    Column("统一社会信用代码", "employer__credit_code", "credit_code", width=22),
    Column("岗位名称", "title", "text", width=20),
    Column("岗位类别", "category", "text", required=False),
    Column("招聘人数", "headcount", "int", width=10),
    Column("薪资下限", "salary_min", "monthly_pay", required=False, unit="元/月"),
    Column("薪资上限", "salary_max", "monthly_pay", required=False, unit="元/月"),
    Column("工作地点", "work_place", "text", width=20),
    Column("岗位要求", "requirements", "text", required=False, width=30),
    Column("福利待遇", "benefits", "text", required=False, width=30, note="如包住宿、交通补贴"),
    Column("联系人", "contact_person", "text", width=10),
    Column("联系电话", "contact_phone", "text"),
    Column("有效期至", "valid_until", "date", width=12),
    Column("招聘活动", "event", "recruitmentevent", width=24),
), key=("event", "employer", "title", "work_place"),
    order=("event__start_date", "event__name", "employer__name", "title", "work_place"), shape="child",
    makes=(MakesParent("employer", unit_from="event"),),
    note="每个岗位一行；同一招聘活动中同一企业的同名岗位按工作地点区分。企业按统一社会信用代码识别，"
         "系统中没有的企业随岗位一起新增。导入的岗位为“待审核”，发布后才出现在公开页面。")
SHEETS += (JOB_POSTINGS,)

BY_NAME = {spec.name: spec for spec in SHEETS}
# Sheets of the standard template that later capabilities will import; recognised, not yet read.
PLANNED_SHEETS = ("重点项目月报", "全省进度", "目标任务")
# Sheets the exporter adds to the template for people (instructions, the lists behind the
# drop-downs); the importer skips them without a word.
INSTRUCTIONS_SHEET = "填写说明"
LISTS_SHEET = "下拉选项"
TEMPLATE_SHEETS = (INSTRUCTIONS_SHEET, LISTS_SHEET)
