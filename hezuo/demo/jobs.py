"""The demo's labour cooperation: 湖州市赴白山市劳务协作交流招聘系列活动 (November 2024), with
28 key employers and 3,046 job postings turned into QR codes for 白山市, the results counted
afterwards, and the training sessions held with it (activities of kind 培训, linked).

Generated deterministically (seeded); the postings and their scans go in with bulk_create,
so a load costs about a second. A second load finds the event's postings and adds nothing.
"""

import datetime
import random
from decimal import Decimal

from hezuo.exchanges.models import Activity
from hezuo.jobs import credit
from hezuo.jobs.models import Employer, Posting, PostingScan, RecruitmentEvent

EVENT = "湖州市赴白山市劳务协作交流招聘系列活动"
UNIT = "市人力社保局"
PROGRAM = "浙吉合作"
BAISHAN = "220600"
START, END = datetime.date(2024, 11, 12), datetime.date(2024, 11, 15)
POSTINGS = 3046
# Results entered after the event (意向, 签约, 转移就业, 其中脱贫劳动力).
RESULTS = {"intentions": 1326, "signed": 512, "transferred": 347, "transferred_poor": 63}
# Most postings stay open to the end of 2027, so the demo's public pages show them; a few
# closed at the end of 2024, to show the 已过期 notice. Fixed dates keep the demo the same
# on every machine.
OPEN_UNTIL, CLOSED_ON = datetime.date(2027, 12, 31), datetime.date(2024, 12, 31)

EMPLOYERS = [
    "浙江久立特材科技股份有限公司", "天能控股集团有限公司", "超威电源集团有限公司", "浙江佳宝新纤维集团有限公司",
    "浙江升华拜克生物股份有限公司", "湖州老恒和酿造有限公司", "浙江美欣达纺织印染科技有限公司", "浙江大东吴集团有限公司",
    "南浔电梯产业园（康力电梯股份有限公司）", "浙江世友木业有限公司", "浙江新凤鸣集团湖州中石科技有限公司",
    "浙江吉利汽车（湖州）有限公司", "湖州南太湖电力科技有限公司", "德清县中天钢结构有限公司", "浙江华莹电子有限公司",
    "长兴诺力智能装备股份有限公司", "浙江天能动力能源有限公司", "安吉恒林家居股份有限公司", "浙江永艺家具股份有限公司",
    "浙江安吉宏丰竹木制品有限公司", "湖州珍贝羊绒制品有限公司", "浙江丝绸之路纺织科技有限公司", "湖州织里童装产业园管理有限公司",
    "浙江五芳斋实业股份有限公司", "湖州银泰百货有限公司", "湖州市第一人民医院后勤服务中心", "浙江莫干山国际旅游度假区酒店管理有限公司",
    "湖州现代物流装备产业园有限公司",
]
# (title, category, salary low, salary high)
TITLES = [
    ("普工", "生产制造", 4500, 6500), ("操作工", "生产制造", 5000, 7000), ("装配工", "生产制造", 5000, 7500),
    ("电焊工", "技术工种", 6500, 9000), ("数控车工", "技术工种", 6500, 9500), ("叉车司机", "物流运输", 6000, 8000),
    ("仓库管理员", "物流运输", 4800, 6500), ("质检员", "质量管理", 5000, 7000), ("设备维修工", "技术工种", 6500, 9000),
    ("电工", "技术工种", 6500, 9500), ("缝纫工", "纺织服装", 5500, 9000), ("挡车工", "纺织服装", 5500, 8000),
    ("包装工", "生产制造", 4200, 5800), ("注塑工", "生产制造", 5000, 7000), ("喷涂工", "技术工种", 6000, 8500),
    ("木工", "技术工种", 6000, 9000), ("厨师", "生活服务", 5500, 8000), ("保洁员", "生活服务", 3800, 4800),
    ("客房服务员", "生活服务", 4000, 5500), ("护工", "生活服务", 5000, 7000), ("驾驶员（C1）", "物流运输", 6000, 8000),
    ("销售专员", "商贸服务", 5000, 10000), ("电商运营", "商贸服务", 6000, 10000), ("质检主管", "质量管理", 8000, 12000),
    ("储备干部", "管理", 6000, 8000), ("班组长", "管理", 7000, 9500), ("统计员", "管理", 4500, 6000),
    ("安全员", "管理", 6000, 8000), ("学徒工", "生产制造", 4000, 5000), ("物料员", "物流运输", 4500, 6000),
]
PLACES = ["湖州市吴兴区", "湖州市南浔区", "德清县", "长兴县", "安吉县", "湖州市南太湖新区"]
BENEFITS = [
    "包住宿，提供工作餐；报销来湖单程路费", "免费住宿（四人间，空调热水），交通补贴300元/月", "缴纳五险一金，年终奖，满一年报销返乡路费",
    "包吃包住，节日福利，每年体检", "提供夫妻房，子女可就近入学",
]
REQUIREMENTS = ["18–50周岁，身体健康，能适应倒班", "初中及以上文化，吃苦耐劳", "持有效上岗证，有相关经验优先",
                "18–45周岁，无经验可培训上岗"]
CONTACTS = ["王经理", "李主管", "张女士", "陈先生", "刘经理", "沈女士", "周先生"]
# Training sessions held with the event: (name, date, person-times).
TRAININGS = [
    ("白山市赴湖务工人员岗前技能培训（第一期）", datetime.date(2024, 11, 13), 120),
    ("白山市家政服务员技能培训", datetime.date(2024, 11, 14), 85),
    ("白山市赴湖务工人员岗前技能培训（第二期）", datetime.date(2024, 11, 20), 96),
]


def load_jobs(ld):
    unit, program, baishan = ld.units[UNIT], ld.programs[PROGRAM], ld.region(BAISHAN)
    event = ld.upsert(RecruitmentEvent, {"name": EVENT}, {
        "program": program, "unit": unit, "destination": baishan, "start_date": START, "end_date": END,
        "location": "吉林省白山市", **RESULTS,
        "note": "组织28家重点用工企业赴白山市；3000多个用工岗位信息制作成就业二维码，提前传送至白山市面向当地群众推送。"})
    trainings = [ld.upsert(Activity, {"name": name, "date": day}, {
        "kind": Activity.Kind.TRAINING, "program": program, "unit": unit, "partner_region": baishan,
        "location": "吉林省白山市", "batches": 1, "person_times": persons}) for name, day, persons in TRAININGS]
    event.trainings.add(*trainings)
    employers = [ld.upsert(Employer, {"credit_code": credit.with_check(f"91330500MA2B{i + 1:05d}")}, {
        "name": name, "unit": unit, "contact": CONTACTS[i % len(CONTACTS)], "phone": f"0572-{2100000 + i * 137:07d}"})
        for i, name in enumerate(EMPLOYERS)]
    if Posting.objects.filter(event=event).exists():
        return
    postings = make_postings(event, employers, ld.user)
    Posting.objects.bulk_create(postings, batch_size=1000)
    ld.result.created += len(postings)
    load_scans(event)


def make_postings(event, employers, user):
    rng = random.Random("jobs-baishan-2024")
    counts = spread(POSTINGS, len(employers), rng)
    published_at = datetime.datetime(2024, 11, 8, 9, 0, tzinfo=datetime.timezone.utc)
    postings = []
    for e, (employer, count) in enumerate(zip(employers, counts)):
        for k in range(count):
            # Each (title, place) once an employer: the 岗位 sheet's key.
            title, category, low, high = TITLES[(k + e) % len(TITLES)]
            place = PLACES[(k // len(TITLES) + e) % len(PLACES)]
            n = len(postings)
            state = Posting.State.PUBLISHED
            if n % 97 == 5:
                state = Posting.State.PENDING
            elif n % 89 == 7:
                state = Posting.State.OFFLINE
            postings.append(Posting(
                event=event, employer=employer, title=title, category=category,
                headcount=rng.choice((2, 3, 5, 5, 8, 10, 10, 15, 20, 30)),
                salary_min=Decimal(low), salary_max=Decimal(high + rng.choice((0, 0, 500, 1000))),
                work_place=place, requirements=REQUIREMENTS[(k + e) % len(REQUIREMENTS)],
                benefits=BENEFITS[(k * 3 + e) % len(BENEFITS)], contact_person=CONTACTS[(k + e) % len(CONTACTS)],
                contact_phone=f"1{rng.choice('35789')}{rng.randrange(10 ** 9):09d}",
                valid_until=CLOSED_ON if n % 53 == 11 else OPEN_UNTIL, state=state, filled=n % 71 == 3,
                published_at=published_at if state != Posting.State.PENDING else None,
                created_by=user, updated_by=user))
    return postings


def spread(total, parts, rng):
    """`total` split into `parts` counts of 60–160 before scaling, the last taking the rest."""
    weights = [rng.randint(60, 160) for _ in range(parts)]
    counts = [total * w // sum(weights) for w in weights[:-1]]
    return counts + [total - sum(counts)]


def load_scans(event):
    """Scans of the first days after the QR codes reached 白山市: a few for every seventh
    published posting of the event."""
    rng = random.Random("jobs-scans")
    days = [START + datetime.timedelta(days=d) for d in range(-3, 6)]
    ids = list(Posting.objects.filter(event=event, state=Posting.State.PUBLISHED).order_by("pk")
               .values_list("pk", flat=True))[::7]
    PostingScan.objects.bulk_create([PostingScan(posting_id=pk, day=day, count=rng.randint(1, 40))
                                     for pk in ids for day in days if rng.random() < 0.6], batch_size=1000)
