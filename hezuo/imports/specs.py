"""The standard workbook (标准填报模板): one sheet per record kind, and what each column is.

Import, export and the blank template all read these specs, so the three cannot drift
apart. A column's `kind` says how a cell becomes a field value (hezuo/imports/cells.py);
`key` columns identify a record, so re-importing a row updates it instead of adding one.
"""

from dataclasses import dataclass, field

from hezuo.assistance.models import ConsumptionRecord
from hezuo.exchanges.models import Activity, Dispatch
from hezuo.org.models import Pairing, Region, Unit
from hezuo.projects.models import FundRecord, Project


@dataclass(frozen=True)
class Column:
    header: str  # without unit: the unit goes in parentheses, e.g. 金额（万元）
    field: str
    kind: str  # text, int, year, date, amount, choice, key_level, unit, region, program, project
    required: bool = True
    unit: str = ""  # default unit for amounts: 元, 万元 or 亿元
    width: int = 14
    note: str = ""

    @property
    def title(self):
        return f"{self.header}（{self.unit}）" if self.unit else self.header


@dataclass(frozen=True)
class SheetSpec:
    name: str
    model: type
    columns: tuple
    key: tuple  # fields that identify a record
    note: str = ""
    date_field: str = ""  # for --year filtering on export
    year_field: str = ""
    order: tuple = field(default=("pk",))

    def column(self, field_name):
        return next(c for c in self.columns if c.field == field_name)

    @property
    def required_headers(self):
        return [c.header for c in self.columns if c.required]


SHEETS = (
    SheetSpec("单位", Unit, (
        Column("单位名称", "name", "text", width=24),
        Column("上级单位", "parent", "unit", required=False, width=20),
        Column("类型", "kind", "choice", required=False),
    ), key=("name",), order=("path",), note="本方单位。上级单位须是系统中已有的单位，或本表中出现在它之前的单位。"),
    SheetSpec("地区", Region, (
        Column("地区名称", "name", "text"),
        Column("上级地区", "parent", "region", width=24),
        Column("区划代码", "code", "text", note="乡镇9位、村12位，以上级地区代码开头"),
    ), key=("code",), order=("code",), note="只需填写系统中没有的乡镇、村；省市县三级来自国家区划数据。"),
    SheetSpec("结对关系", Pairing, (
        Column("本地单位", "unit", "unit", width=20),
        Column("结对地区", "region", "region", width=20),
        Column("工作类别", "program", "program"),
        Column("起始年份", "start_year", "year"),
    ), key=("unit", "region", "program"), order=("unit__path", "region__code")),
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
        Column("是否重点项目", "key_level", "key_level", required=False, note="否、省重点或市重点"),
    ), key=("code",), year_field="year", order=("year", "code")),
    SheetSpec("资金", FundRecord, (
        Column("项目编号", "project", "project", width=18),
        Column("日期", "date", "date", width=12),
        Column("环节", "stage", "choice", width=8),
        Column("金额", "amount", "amount", unit="万元"),
        Column("资金来源", "source", "choice", width=20),
    ), key=("project", "date", "stage", "source"), year_field="year", order=("date", "project__code", "stage"),
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
    ), key=("batch_name", "unit", "start_date"), year_field="year", order=("start_date", "batch_name")),
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
    ), key=("name", "unit", "date"), year_field="year", order=("date", "name")),
    SheetSpec("消费帮扶", ConsumptionRecord, (
        Column("日期", "date", "date", width=12),
        Column("工作类别", "program", "program"),
        Column("实施单位", "unit", "unit", width=20),
        Column("产地", "origin", "region", width=20),
        Column("产品名称", "product", "text", width=24),
        Column("销售渠道", "channel", "choice"),
        Column("金额", "amount", "amount", unit="万元"),
    ), key=("date", "unit", "origin", "product", "channel"), year_field="year",
        order=("date", "product")),
)

BY_NAME = {spec.name: spec for spec in SHEETS}
# Sheets of the standard template that later capabilities will import; recognised, not yet read.
PLANNED_SHEETS = ("重点项目月报", "全省进度", "目标任务", "岗位")
# Sheets the exporter adds to the template for people (instructions, the lists behind the
# drop-downs); the importer skips them without a word.
INSTRUCTIONS_SHEET = "填写说明"
LISTS_SHEET = "下拉选项"
TEMPLATE_SHEETS = (INSTRUCTIONS_SHEET, LISTS_SHEET)
