"""A national-scale synthetic dataset, the same rows into SQLite and PostgreSQL.

    .venv/bin/python bench/make_national.py [--scale 1.0] [--only sqlite|postgres]
        [--data-dir var/national] [--postgres postgres://postgres@127.0.0.1:5432/hezuo_national]

About 300 of our units (a tree), pairings with every one of the ~3,000 counties that
`hezuo loadregions` loads, 100,000 projects, 2,000,000 fund records, 1,000,000 consumption
records, 200,000 activities, 50,000 dispatches, 300 parks with yearly figures and 20,000
in-kind aid records, over 2019–2024 (later years busier). Seeded: both databases get the same
rows, and every run the same. Records are written year by year, as an office enters them
over the years, so a year's rows lie together on disk; within a year their dates are in no
particular order. Each database is filled by its own process, both at once (one core each);
the databases are dropped and made afresh, then VACUUM ANALYZE / ANALYZE, as autovacuum or
`PRAGMA optimize` would leave them. Two users for benchmarks: `bench-city` (市级业务人员) and
`bench-district` (区县填报员 of 吴兴区); no passwords. `make clean` deletes var/, and with it
the SQLite copy; pass --data-dir to keep it elsewhere.

Rows go in with hezuo.imports.services.bulk.fast_insert, as an import writes them (many rows a
statement on SQLite, COPY on PostgreSQL).
"""

import argparse
import bisect
import datetime
import itertools
import math
import os
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "var" / "national"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/hezuo_national"
SEED = 20241231

YEARS = [2019, 2020, 2021, 2022, 2023, 2024]
YEAR_WEIGHTS = [10, 12, 15, 18, 21, 24]  # the work grows year by year
SIZES = {"projects": 100_000, "funds": 2_000_000, "consumption": 1_000_000, "activities": 200_000,
         "dispatches": 50_000, "in_kind": 20_000, "parks": 300}

# Partner provinces (first two digits of the code) → the program their counties are paired under.
PROGRAM_OF_PROVINCE = {
    "65": "援疆", "54": "援藏", "63": "援青",
    "51": "东西部协作", "52": "东西部协作", "53": "东西部协作", "62": "东西部协作", "64": "东西部协作",
    "45": "东西部协作", "50": "东西部协作", "61": "东西部协作",
    "22": "浙吉合作", "21": "对口合作", "23": "对口合作", "15": "对口合作",
    "33": "山海协作", "31": "接轨上海", "32": "长三角一体化", "34": "长三角一体化",
}
OTHER_PROGRAM = "友好城市"
# How much of the work each program carries (projects, money, activities).
PROGRAM_WEIGHTS = {"东西部协作": 34, "援疆": 14, "援藏": 6, "援青": 4, "山海协作": 14, "浙吉合作": 5,
                   "对口合作": 3, "接轨上海": 3, "长三角一体化": 5, "友好城市": 12}
COMMANDS = {"65": "援疆前方指挥部", "54": "援藏工作组", "63": "援青前方工作组", "51": "驻四川工作队",
            "52": "驻贵州工作队", "22": "驻吉林工作组", "53": "驻云南工作队", "62": "驻甘肃工作队"}

DISTRICTS = ["吴兴区", "南浔区", "德清县", "长兴县", "安吉县", "南太湖新区", "湖州经济技术开发区", "太湖旅游度假区",
             "莫干山高新区", "吴兴高新区", "南浔经济开发区", "长兴经济技术开发区"]
DISTRICT_DEPARTMENTS = ["发改局", "教育局", "卫健局", "农业农村局", "商务局", "人力社保局", "科技局", "文广旅体局",
                        "民政局", "经信局", "供销社", "总工会"]
DISTRICT_ENTERPRISES = ["城投集团", "农发集团", "交投集团", "文旅集团", "产业投资集团"]
CITY_DEPARTMENTS = ["发改委", "教育局", "卫健委", "农业农村局", "商务局", "人力社保局", "科技局", "文广旅体局",
                    "民政局", "经信局", "财政局", "住建局", "交通运输局", "水利局", "自然资源和规划局", "生态环境局",
                    "市场监管局", "国资委", "总工会", "团市委", "妇联", "工商联", "供销社", "医保局", "退役军人事务局",
                    "应急管理局", "统计局", "机关事务局", "投资促进局", "大数据局", "公安局", "司法局", "审计局",
                    "林业局", "体育局", "档案馆", "红十字会", "科协", "社科联", "侨联"]
CITY_ENTERPRISES = ["城市投资发展集团", "交通投资集团", "产业投资发展集团", "水务集团", "文化旅游集团", "农业发展集团",
                    "建设投资集团", "公共交通集团", "国有资本投资运营公司", "新能源集团", "物流集团", "粮食集团",
                    "港航集团", "数字产业集团", "金融控股集团", "人才集团", "医药集团", "环境集团", "会展集团",
                    "商贸集团"]
PRODUCTS = ["苹果", "红枣", "核桃", "牛肉", "羊肉", "牦牛肉", "青稞", "茶叶", "大米", "菌菇", "蜂蜜", "土豆",
            "辣椒", "花椒", "木耳", "香菇", "枸杞", "葡萄干", "哈密瓜", "香梨", "小米", "黑猪肉", "土鸡蛋", "山茶油",
            "猕猴桃", "脐橙", "腊肉", "粉条", "黄花菜", "藜麦"]
DISPATCH_WORDS = ["党政干部", "支教教师", "医疗专家", "农技专家", "规划专家", "文旅人才", "产业顾问"]


def weighted(rng, values, weights, k):
    return rng.choices(values, weights, k=k)


def picker(rng, values, weights):
    """A function drawing one of `values` by `weights` (cheaper than rng.choices(k=1) in a hot loop)."""
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]
    random_ = rng.random

    return lambda: values[bisect.bisect(cumulative, random_() * total)]


def money(rng, median, sigma):
    """A lognormal amount in 元 with two decimals: most small, a few very large."""
    cents = int(median * 100 * math.exp(rng.gauss(0, sigma)))
    return Decimal(max(cents, 100)).scaleb(-2)


class Dates:
    """Random dates of a year, optionally within months [first, last]; cached per range."""

    def __init__(self, rng):
        self.rng = rng
        self.cache = {}

    def pick(self, year, first=1, last=12):
        key = (year, first, last)
        days = self.cache.get(key)
        if days is None:
            start = datetime.date(year, first, 1)
            end = datetime.date(year + (last == 12), last % 12 + 1, 1)
            days = self.cache[key] = [start + datetime.timedelta(d) for d in range((end - start).days)]
        return days[int(self.rng.random() * len(days))]


# -- loading ---------------------------------------------------------------------------------

def insert(model, rows):
    """New rows of `model` (dicts of values by field name; foreign keys as ids), in one transaction."""
    from django.db import transaction

    from hezuo.imports.services.bulk import fast_insert

    with transaction.atomic():
        fast_insert(model, rows, batch_size=5000)


class Timer:
    def __init__(self, label):
        self.label = label

    def __call__(self, name, started, rows=None):
        seconds = time.perf_counter() - started
        rate = f"  ({rows / seconds:,.0f} rows/s)" if rows and seconds else ""
        count = f"{rows:>10,} rows" if rows is not None else " " * 15
        print(f"[{self.label}] {name:<18}{count} {seconds:7.1f} s{rate}", flush=True)


# -- the dataset -----------------------------------------------------------------------------

def build(scale, timer):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from hezuo.assistance.models import ConsumptionRecord, InKindAid
    from hezuo.exchanges.models import Activity, Dispatch
    from hezuo.org.models import Pairing, Program, Region, Unit
    from hezuo.parks.models import Park, ParkFigure
    from hezuo.projects.models import FundRecord, Project

    rng = random.Random(SEED)
    dates = Dates(rng)
    sizes = {name: max(1, int(n * scale)) for name, n in SIZES.items()}

    # Our side: the office, districts with departments and enterprises, city departments,
    # city enterprises, and front-line commands with their work teams.
    started = time.perf_counter()
    office = Unit.objects.create(name="市区域合作办", kind=Unit.Kind.OFFICE)
    districts, children = [], {}
    for order, name in enumerate(DISTRICTS, start=1):
        district = Unit.objects.create(name=name, parent=office, kind=Unit.Kind.DISTRICT, sort_order=order)
        districts.append(district)
        children[district.pk] = [
            Unit.objects.create(name=f"{name}{suffix}", parent=district, kind=kind, sort_order=i)
            for i, (suffix, kind) in enumerate(
                [("区域合作办", Unit.Kind.OFFICE)]
                + [(d, Unit.Kind.DEPARTMENT) for d in DISTRICT_DEPARTMENTS]
                + [(e, Unit.Kind.ENTERPRISE) for e in DISTRICT_ENTERPRISES], start=1)
        ]
    for order, name in enumerate(CITY_DEPARTMENTS, start=100):
        Unit.objects.create(name=f"市{name}", parent=office, kind=Unit.Kind.DEPARTMENT, sort_order=order)
    for order, name in enumerate(CITY_ENTERPRISES, start=200):
        Unit.objects.create(name=f"市{name}", parent=office, kind=Unit.Kind.ENTERPRISE, sort_order=order)
    commands = {}
    for order, (province, name) in enumerate(COMMANDS.items(), start=300):
        command = commands[province] = Unit.objects.create(name=name, parent=office, kind=Unit.Kind.COMMAND,
                                                            sort_order=order)
        children[command.pk] = [Unit.objects.create(name=f"{name}第{i}组", parent=command,
                                                     kind=Unit.Kind.COMMAND, sort_order=i) for i in (1, 2)]
    timer("units", started, Unit.objects.count())

    # Every county is paired with a district (or the province's command) under the program of
    # its province. Some counties carry much more work than others.
    started = time.perf_counter()
    programs = dict(Program.objects.values_list("name", "id"))
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).order_by("code").values_list("id", "code",
                                                                                                 "name"))
    pairings = []  # (unit id, region id, region name, program name, weight)
    rows = []
    for region_id, code, name in counties:
        program = PROGRAM_OF_PROVINCE.get(code[:2], OTHER_PROGRAM)
        command = commands.get(code[:2])
        unit = command if command and rng.random() < 0.3 else rng.choice(districts)
        start_year = rng.choice([2016, 2017, 2018, 2019, 2021])
        rows.append({"unit": unit.pk, "region": region_id, "program": programs[program], "start_year": start_year,
                     "end_year": None, "note": ""})
        pairings.append((unit.pk, region_id, name, program, rng.paretovariate(1.2)))
    insert(Pairing, rows)
    timer("pairings", started, len(rows))
    # Each program's share of the work, spread over its counties by their weights.
    per_program = {}
    for p in pairings:
        per_program[p[3]] = per_program.get(p[3], 0) + p[4]
    pairing_weights = [PROGRAM_WEIGHTS[p[3]] * p[4] / per_program[p[3]] for p in pairings]

    def doers(unit_id):
        """A pairing's unit does half the work; its departments and enterprises the rest."""
        return [unit_id] * len(children[unit_id]) + [u.pk for u in children[unit_id]]

    doers_of = {p[0]: doers(p[0]) for p in pairings}

    # Parks: on the busiest pairings, with whole-park figures every year since they opened.
    started = time.perf_counter()
    park_pairings = weighted(rng, pairings, pairing_weights, sizes["parks"])
    kinds = [k for k, _ in Park.Kind.choices]
    rows = []
    for i, (unit, region, name, program, _w) in enumerate(park_pairings):
        rows.append({"name": f"{name}共富产业园{i + 1:03d}", "kind": rng.choice(kinds), "program": programs[program],
                     "unit": unit, "partner_region": region, "location": region,
                     "established_year": rng.choice([2017, 2018, 2019, 2020, 2021, 2022]),
                     "area_mu": Decimal(rng.randrange(200, 5000)), "description": ""})
    insert(Park, rows)
    parks = list(Park.objects.order_by("id").values_list("id", "program_id", "established_year"))
    parks_of_program = {}
    for park_id, program_id, _year in parks:
        parks_of_program.setdefault(program_id, []).append(park_id)
    figures = []
    for park_id, _program, established in parks:
        for year in range(established, 2025):
            figures.append({"park": park_id, "enterprise": None, "year": year,
                            "fixed_asset_investment": money(rng, 80_000_000, 0.8),
                            "industrial_output": money(rng, 150_000_000, 0.9), "output": money(rng, 200_000_000, 0.9),
                            "employment": rng.randrange(50, 3000), "projects_introduced": rng.randrange(0, 12),
                            "investment_introduced": money(rng, 300_000_000, 1.0), "credited_to": "ours",
                            "cumulative": False})
    insert(ParkFigure, figures)
    timer("parks", started, len(parks) + len(figures))

    # Projects: a pairing and a year each; older ones mostly finished.
    started = time.perf_counter()
    n = sizes["projects"]
    project_pairings = weighted(rng, pairings, pairing_weights, n)
    project_years = sorted(weighted(rng, YEARS, YEAR_WEIGHTS, n))
    pick_category = picker(rng, [c for c, _ in Project.Category.choices], [30, 25, 20, 12, 6, 4, 3])
    category_labels = dict(Project.Category.choices)
    projects = []  # (code, year, investment, program id) in generation order
    rows = []
    for i in range(n):
        unit, region, name, program, _w = project_pairings[i]
        year = project_years[i]
        category = pick_category()
        done = rng.random() < (2024 - year) / 4
        status = "completed" if done else ("planned" if year == 2024 and rng.random() < 0.15 else "active")
        park_choices = parks_of_program.get(programs[program])
        code = f"N{year}-{i:06d}"
        investment = money(rng, 8_000_000, 1.0)
        key = rng.random()
        start = dates.pick(year, 1, 9)
        rows.append({"code": code, "name": f"{name}{category_labels[category]}项目{i:06d}",
                     "program": programs[program], "unit": rng.choice(doers_of[unit]), "partner_region": region,
                     "category": category, "year": year, "total_investment": investment, "status": status,
                     "park": rng.choice(park_choices) if park_choices and rng.random() < 0.04 else None,
                     "key_level": "province" if key < 0.03 else ("city" if key < 0.08 else ""),
                     "start_date": start,
                     "end_date": start + datetime.timedelta(rng.randrange(90, 700)) if done else None,
                     "description": ""})
        projects.append((code, year, investment, programs[program]))
    insert(Project, rows)
    ids = dict(Project.objects.values_list("code", "id"))
    timer("projects", started, len(rows))

    # Funds: about twenty records a project through the four stages, mostly in the project's
    # year; some spending lands in the next year.
    started = time.perf_counter()
    counts = [rng.randint(4, 36) for _ in projects]
    surplus = sum(counts) - sizes["funds"]
    while surplus:  # exactly the asked-for number of rows
        i = rng.randrange(len(counts))
        step = 1 if surplus > 0 else -1
        if counts[i] - step >= 1:
            counts[i] -= step
            surplus -= step
    stages = ["arranged", "allocated", "disbursed", "spent"]
    stage_months = {"arranged": (1, 4), "allocated": (3, 7), "disbursed": (5, 11), "spent": (6, 12)}
    pick_source = picker(rng, ["fiscal_aid", "provincial", "social", "subsidy", "other"], [70, 10, 12, 5, 3])
    total = 0
    rows = []
    for (code, year, investment, program_id), count in zip(projects, counts):
        project_id = ids[code]
        share = float(investment) / count
        for stage in weighted(rng, stages, [15, 25, 30, 30], count):
            first, last = stage_months[stage]
            when = year + 1 if stage == "spent" and year < 2024 and rng.random() < 0.15 else year
            day = dates.pick(when, first, last)
            rows.append({"project": project_id, "program": program_id, "date": day, "year": when, "stage": stage,
                         "amount": money(rng, share * 0.6, 0.7),
                         "source": pick_source(), "note": ""})
        if len(rows) >= 100_000:
            insert(FundRecord, rows)
            total += len(rows)
            rows = []
    insert(FundRecord, rows)
    total += len(rows)
    timer("funds", started, total)

    # Consumption: many small purchases of the partner counties' products.
    pick_channel = picker(rng, [c for c, _ in ConsumptionRecord.Channel.choices], [25, 20, 20, 8, 10, 7, 8, 2])
    started = time.perf_counter()
    total = 0
    n = sizes["consumption"]
    years = sorted(weighted(rng, YEARS, YEAR_WEIGHTS, n))
    for chunk in range(0, n, 100_000):
        k = min(100_000, n - chunk)
        rows = []
        for (unit, region, name, program, _w), year in zip(weighted(rng, pairings, pairing_weights, k),
                                                            years[chunk:chunk + k]):
            day = dates.pick(year)
            rows.append({"date": day, "year": year, "program": programs[program], "unit": rng.choice(doers_of[unit]),
                         "origin": region, "product": f"{name}{rng.choice(PRODUCTS)}",
                         "channel": pick_channel(),
                         "amount": money(rng, 30_000, 1.1), "note": ""})
        insert(ConsumptionRecord, rows)
        total += len(rows)
    timer("consumption", started, total)

    # Activities: meetings, fairs, trainings; promotions sign projects now and then.
    started = time.perf_counter()
    pick_kind = picker(rng, [k for k, _ in Activity.Kind.choices], [12, 10, 15, 8, 10, 25, 15, 5])
    kind_labels = dict(Activity.Kind.choices)
    n = sizes["activities"]
    rows = []
    for i, ((unit, region, name, program, _w), year) in enumerate(
            zip(weighted(rng, pairings, pairing_weights, n), sorted(weighted(rng, YEARS, YEAR_WEIGHTS, n)))):
        kind = pick_kind()
        signed = rng.randrange(1, 8) if kind == "promotion" and rng.random() < 0.6 else 0
        rows.append({"name": f"{year}年{name}{kind_labels[kind]}{i:06d}", "kind": kind, "program": programs[program],
                     "unit": rng.choice(doers_of[unit]), "partner_region": region if rng.random() < 0.9 else None,
                     "date": dates.pick(year), "year": year, "location": name,
                     "batches": 1 if rng.random() < 0.85 else rng.randrange(2, 5),
                     "person_times": rng.randrange(5, 300), "enterprises": rng.randrange(0, 30),
                     "signed_projects": signed,
                     "signed_investment": money(rng, 50_000_000, 1.0) if signed else Decimal("0.00"),
                     "description": ""})
    insert(Activity, rows)
    timer("activities", started, len(rows))

    # Dispatches: batches of cadres, teachers, doctors and experts, a few months to three years.
    started = time.perf_counter()
    pick_dispatch_kind = picker(rng, [k for k, _ in Dispatch.Kind.choices], [25, 45, 25, 5])
    n = sizes["dispatches"]
    rows = []
    for i, ((unit, region, name, program, _w), year) in enumerate(
            zip(weighted(rng, pairings, pairing_weights, n), sorted(weighted(rng, YEARS, YEAR_WEIGHTS, n)))):
        start = dates.pick(year)
        long = rng.random() < 0.3
        rows.append({"batch_name": f"{year}年赴{name}{rng.choice(DISPATCH_WORDS)}第{i:06d}批",
                     "kind": pick_dispatch_kind(), "program": programs[program],
                     "unit": rng.choice(doers_of[unit]), "destination": region, "start_date": start,
                     "end_date": start + datetime.timedelta(rng.randrange(365, 1100) if long
                                                            else rng.randrange(30, 200)),
                     "year": year, "person_times": rng.randrange(1, 30) if not long else rng.randrange(1, 6),
                     "note": ""})
    insert(Dispatch, rows)
    timer("dispatches", started, len(rows))

    started = time.perf_counter()
    n = sizes["in_kind"]
    rows = []
    for (unit, region, name, program, _w), year in zip(weighted(rng, pairings, pairing_weights, n),
                                                        sorted(weighted(rng, YEARS, YEAR_WEIGHTS, n))):
        rows.append({"item": f"{rng.choice(['茶苗', '果苗', '农机', '医疗设备', '教学设备', '图书'])}",
                     "program": programs[program], "unit": rng.choice(doers_of[unit]), "region": region,
                     "date": dates.pick(year), "year": year, "quantity": Decimal(rng.randrange(1, 500)),
                     "quantity_unit": "套", "value": money(rng, 200_000, 1.0),
                     "beneficiaries": rng.randrange(10, 5000), "outcome": ""})
    insert(InKindAid, rows)
    timer("in-kind aid", started, len(rows))

    User = get_user_model()
    for username, role, unit in (("bench-city", User.Role.CITY, None),
                                 ("bench-district", User.Role.DISTRICT, districts[0])):
        user = User(username=username, role=role, unit=unit, display_name=username)
        user.set_unusable_password()
        user.save()

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    timer("vacuum/analyze", started)


# -- processes -------------------------------------------------------------------------------

def child(args):
    import django
    from django.core.management import call_command

    label = "postgres" if os.environ.get("DATABASE_URL") else "sqlite"
    timer = Timer(label)
    everything = time.perf_counter()
    started = everything
    django.setup()
    call_command("migrate", verbosity=0)
    timer("migrate", started)
    started = time.perf_counter()
    from hezuo.org.services import load_regions

    result = load_regions()
    timer("regions", started, result.total)
    build(args.scale, timer)
    timer("total", everything)


def fresh_postgres(url):
    """Drop and create the database `url` names."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def fresh_sqlite(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"hezuo.sqlite3{suffix}").unlink(missing_ok=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (0.01 for a quick try)")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="HEZUO_DATA_DIR of the SQLite copy")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="DATABASE_URL of the PostgreSQL copy")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        return child(args)

    started = time.perf_counter()
    children = []
    for label in ("sqlite", "postgres"):
        if args.only and args.only != label:
            continue
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="hezuo.settings", HEZUO_DATA_DIR=str(args.data_dir))
        env.pop("DATABASE_URL", None)
        if label == "postgres":
            fresh_postgres(args.postgres)
            env["DATABASE_URL"] = args.postgres
        else:
            fresh_sqlite(args.data_dir)
        command = [sys.executable, __file__, "--child", "--scale", str(args.scale)]
        children.append((label, subprocess.Popen(command, env=env, cwd=ROOT)))
    failed = [label for label, process in children if process.wait()]
    where = {"sqlite": f"SQLite in {args.data_dir}/hezuo.sqlite3", "postgres": f"PostgreSQL at {args.postgres}"}
    print(f"done in {time.perf_counter() - started:.0f} s: " + ", ".join(where[label] for label, _ in children))
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
