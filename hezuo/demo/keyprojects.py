"""The demo's key-project figures: the 27 province key projects of 2024 (省2024年长三角一体化
发展重大项目), their annual plans, monthly reports January–November and the province's rate,
so that through November they completed 241亿元, 152% of a plan of 158.55亿元, 快于全省 43.1
个百分点 (the province at 108.9%): the seed's figures."""

import datetime
from decimal import Decimal

from hezuo.keyprojects.models import AnnualPlan, MonthlyReport, ProvinceRate
from hezuo.projects.models import Project

YEAR, THROUGH = 2024, 11
ANNUAL_PLAN = Decimal("15855000000")
COMPLETED = Decimal("24100000000")
PROVINCE_RATE = Decimal("108.9")
WAN = Decimal(10000)

# The three behind time progress through November (91.7%), with their completion rates.
LAGGING = {
    "长兴临沪产业合作园基础设施工程": (Decimal("71.2"), "征地拆迁进度滞后，部分地块未交地", "长兴县自然资源和规划局"),
    "嘉湖跨界水体联保共治工程": (Decimal("84.5"), "跨界河道整治方案待两地联合审批", "南浔区水利局"),
    "杭州—桐乡—德清车路云一体化应用试点（德清段）": (Decimal("88.0"), "路侧设备招标延期", "德清县交通运输局"),
}


def to_wan(value):
    return (value / WAN).quantize(Decimal(1)) * WAN


def spread(total, weights):
    """`total` split by `weights` in whole 万元, the last taking what rounding left."""
    whole = sum(weights)
    parts = [to_wan(total * w / whole) for w in weights[:-1]]
    return parts + [total - sum(parts)]


def load_key_project_reports(ld):
    projects = list(Project.objects.filter(year=YEAR, key_level=Project.KeyLevel.PROVINCE).order_by("code"))
    plans = spread(ANNUAL_PLAN, [p.total_investment for p in projects])
    lagging = {p.pk: to_wan(plan * LAGGING[p.name][0] / 100) for p, plan in zip(projects, plans) if p.name in LAGGING}
    ahead = [(p, plan) for p, plan in zip(projects, plans) if p.pk not in lagging]
    # The rest share what the three leave, each at 130%–190% of its plan before scaling.
    ahead_ytd = spread(COMPLETED - sum(lagging.values()), [plan * (130 + i * 23 % 61) for i, (p, plan) in enumerate(ahead)])
    ytd = {**lagging, **{p.pk: amount for (p, _plan), amount in zip(ahead, ahead_ytd)}}
    for project, plan in zip(projects, plans):
        ld.upsert(AnnualPlan, {"project": project, "year": YEAR}, {"amount": plan})
        problem, responsible = LAGGING.get(project.name, (None, "", ""))[1:]
        before = Decimal(0)
        for month in range(1, THROUGH + 1):
            # A slow start after the Spring Festival, then steady work.
            share = Decimal(month * month + 10 * month) / (THROUGH * THROUGH + 10 * THROUGH)
            done = ytd[project.pk] if month == THROUGH else to_wan(ytd[project.pk] * share)
            ld.upsert(MonthlyReport, {"project": project, "month": datetime.date(YEAR, month, 1)}, {
                "completed_month": done - before, "completed_ytd": done, "completed_total": done,
                "progress": f"累计完成年度计划的{done * 100 / plan:.1f}%", "problems": problem or "",
                "responsible": responsible, "deadline": datetime.date(YEAR, 12, 31) if problem else None})
            before = done
    for month in range(1, THROUGH + 1):
        rate = (PROVINCE_RATE * month / THROUGH).quantize(Decimal("0.1"))
        ld.upsert(ProvinceRate, {"year": YEAR, "month": month}, {"rate": rate})
