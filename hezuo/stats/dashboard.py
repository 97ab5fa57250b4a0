"""The dashboard (驾驶舱): the statistics of one year, arranged for leaders.

Everything shown is a `Figure` from hezuo/stats/queries.py with the URL of the list that
sums to it; `Dashboard.figures` lists every one of them, which is what the drill-down test
walks. Charts get their data as JSON (`Dashboard.data`, rendered with json_script); amounts
there are 万元 numbers for the axes, plus the text people read and the URL a click opens.
"""

from dataclasses import dataclass, field

from django.conf import settings

from hezuo import access, numbers, sections
from hezuo.jobs.queries import for_dashboard as jobs_block
from hezuo.keyprojects.queries import progress
from hezuo.org.models import Region
from hezuo.periods.services import reviewed_periods
from hezuo.projects.models import FundRecord
from hezuo.stats import geo
from hezuo.stats.queries import BY_KEY, Figure, monthly_funds, paired_places, reviewed, statistics

TOP_REGIONS = 10
REGION_MEASURES = ["projects", "funds_arranged", "funds_disbursed", "consumption", "dispatch_person_times"]
STAGES = [(FundRecord.Stage.ARRANGED, "安排"), (FundRecord.Stage.ALLOCATED, "下达"),
          (FundRecord.Stage.DISBURSED, "拨付"), (FundRecord.Stage.SPENT, "支出")]


@dataclass
class Card:
    label: str
    figure: object
    extra: object = None  # a second, smaller figure (batches beside person-times …)
    key: str = ""  # the measure of `figure`
    reviewed: str = ""  # the part of the figure in reviewed periods (已审核), written for people

    @property
    def reviewed_title(self):
        return "审核通过并锁定的月份（及已年度关账的年份）中的数据"


@dataclass
class Place:
    region: Region
    figure: object  # pairings in force
    programs: list
    coord: list | None


@dataclass
class Dashboard:
    year: int
    program: object
    total: object  # the total row of the statistics: every figure of the user's scope
    cards: list
    program_rows: list
    monthly: dict
    top_regions: list
    region_measures: list
    places: list
    home: object
    home_coord: list | None
    figures: list = field(default_factory=list)
    reviewed: str = ""  # the periods of the year approved or closed, in the user's scope
    targets: list = field(default_factory=list)  # 目标任务: hezuo.targets Progress, through hezuo.sections
    key_projects: object = None  # 滞后项目: keyprojects.queries.Progress of the program's key projects
    jobs: dict = field(default_factory=dict)  # 劳务协作: jobs.queries.for_dashboard of the program

    def frozen(self):
        """The dashboard with every figure made and the counts behind them let go: what is kept."""
        for row in [self.total, *self.program_rows, *self.top_regions]:
            row.figures.freeze()
        return self

    @property
    def region_table(self):
        return [(row, [row[m.key] for m in self.region_measures]) for row in self.top_regions]

    @property
    def unplaced(self):
        return [p for p in self.places if p.coord is None]

    @property
    def data(self):
        return {
            "programs": {
                "categories": [row.label for row in self.program_rows],
                "series": [{"name": label, "data": [point(row[f"funds_{stage}"]) for row in self.program_rows]}
                           for stage, label in STAGES],
            },
            "months": {
                "categories": [f"{m}月" for m in range(1, 13)],
                "series": [{"name": dict(STAGES)[stage], "data": [point(f) for f in figures]}
                           for stage, figures in self.monthly.items()],
            },
            "map": {
                "outline": geo.outline_url(),
                "home": {"name": self.home.name if self.home else "", "coord": self.home_coord},
                "places": [{
                    "name": geo.map_name(p.region.code, p.region.name), "full_name": p.region.full_name,
                    "coord": p.coord, "value": p.figure.value, "text": p.figure.text,
                    "url": p.figure.url, "programs": "、".join(p.programs),
                } for p in self.places if p.coord is not None],
            },
        }


def point(figure):
    """A chart value: 万元 for the axis, the text for the tooltip, the list for a click."""
    return {"value": float(numbers.in_unit(figure.value, "万元")), "text": figure.text, "url": figure.url}


def build(user, year, program=None):
    """The dashboard of `year` in `user`'s scope, for one program (and its sub-programs) or all."""
    # Last year only as totals: the cards compare, the breakdowns do not.
    stats = statistics(user, year, program=program, by=("program", "region"), compare="total")
    total = stats.total
    cards = [
        Card("援助资金（安排）", total["funds_arranged"], key="funds_arranged"),
        Card("援助资金（拨付）", total["funds_disbursed"], key="funds_disbursed"),
        Card("项目数", total["projects"], key="projects"),
        Card("消费帮扶", total["consumption"], key="consumption"),
        Card("派遣人次", total["dispatch_person_times"], total["dispatch_batches"], key="dispatch_person_times"),
        Card("交流活动人次", total["activity_person_times"], total["activity_batches"], key="activity_person_times"),
        Card("签约金额", total["signed_investment"], total["signed_projects"], key="signed_investment"),
        Card("园区固定资产投资", total["park_investment"], None, key="park_investment"),
    ]
    # 已审核: the part of each figure of dated records that lies in approved months.
    done = reviewed(user, year, [card.key for card in cards], program)
    for card in cards:
        if done.get(card.key):
            card.reviewed = Figure(done[card.key], "", card.figure.unit).text
    # The bars are the programs one level below the filter (the top level without one).
    parent = program.pk if program is not None else None
    program_rows = [row for row in stats.programs if row.node.parent_id == parent] or \
        [row for row in stats.programs if program is not None and row.node.pk == program.pk]
    monthly = monthly_funds(user, year, program)
    ranked = sorted(stats.regions, key=lambda r: (r.value("funds_arranged"), r.value("projects"),
                                                  r.value("consumption")), reverse=True)
    top_regions = [r for r in ranked if any(r.value(m) for m in REGION_MEASURES)][:TOP_REGIONS]
    places = [Place(region, figure, programs, geo.locate(region.code))
              for region, figure, programs in paired_places(user, year, program)]
    home = Region.objects.filter(code=settings.HEZUO_HOME_REGION).first()

    dash = Dashboard(year, program, total, cards, program_rows, monthly, top_regions,
                     [BY_KEY[key] for key in REGION_MEASURES], places, home, geo.locate(settings.HEZUO_HOME_REGION))
    dash.reviewed = reviewed_periods(year, access.readable_units(user))
    dash.targets = sections.collect("dashboard.targets", user, year, program) or []
    dash.key_projects = progress(user, year, program=program)
    dash.jobs = jobs_block(user, year, program)
    figures = []
    for card in cards:
        figures += [card.figure] + ([card.extra] if card.extra else [])
    for row in program_rows:
        figures += [row[f"funds_{stage}"] for stage, _label in STAGES]
    for series in monthly.values():
        figures += series
    for row in top_regions:
        figures += [row[m] for m in REGION_MEASURES]
    figures += [p.figure for p in places]
    dash.figures = figures
    return dash
