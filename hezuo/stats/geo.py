"""Where regions are on the dashboard's map, from map data files, never typed in.

The outline is echarts@4.9.0's map/json/china.json (npm alias `echarts-map-data`), or the
office's own GeoJSON named by settings.HEZUO_MAP_GEOJSON. Centres come from the features of
that outline, then from the same package's china-cities.json (settings.MAP_CENTRES_FILE):
its features are the cities (地级) with their GB/T 2260 code and a centre point `cp`.
Neither file has counties, so a partner county is drawn at its city's centre, a municipal
district at the municipality's: the statistics group partner regions by city for the same
reason (hezuo/stats/queries.py).

A feature gives its code as `id`, or `properties.adcode|id|code`; its centre as
`properties.cp|center|centroid`, else the mean of its geometry's points (plain GeoJSON
only: the packaged files are in ECharts' compressed encoding and always carry `cp`).
"""

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

PACKAGED_OUTLINE = "vendor/echarts/china.json"


def outline_url():
    """Where the browser loads the map outline from."""
    if settings.HEZUO_MAP_GEOJSON:
        return reverse("stats:map_outline")
    return static(PACKAGED_OUTLINE)


def outline_path():
    if settings.HEZUO_MAP_GEOJSON:
        return Path(settings.HEZUO_MAP_GEOJSON)
    return Path(settings.VENDOR_STATIC[PACKAGED_OUTLINE])


def locate(code):
    """[longitude, latitude] of a region, of its city, or of its province; None if not on the map."""
    found = centres()
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        if candidate in found:
            return found[candidate][0]
    return None


def map_name(code, default):
    """The name the map data gives a region (the short one maps use: 阿坝, 黔南), else `default`."""
    found = centres().get(code)
    return found[1] if found and found[1] else default


def centres():
    return _centres(str(outline_path()), str(settings.MAP_CENTRES_FILE))


@lru_cache(maxsize=4)
def _centres(*paths):
    found = {}
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a missing or broken file leaves the map without those points, not the page broken
        encoded = bool(data.get("UTF8Encoding"))
        for feature in data.get("features", []):
            code = _code(feature)
            if code and code not in found:
                point = _centre(feature, encoded)
                if point:
                    found[code] = (point, (feature.get("properties") or {}).get("name") or "")
    return found


def _code(feature):
    props = feature.get("properties") or {}
    for value in (feature.get("id"), props.get("adcode"), props.get("id"), props.get("code")):
        if value not in (None, ""):
            text = str(value)
            return text.ljust(6, "0") if text.isdigit() else None
    return None


def _centre(feature, encoded):
    props = feature.get("properties") or {}
    for name in ("cp", "center", "centroid"):
        point = props.get(name)
        if isinstance(point, (list, tuple)) and len(point) == 2:
            return [round(float(point[0]), 6), round(float(point[1]), 6)]
    if encoded:
        return None
    points = list(_points((feature.get("geometry") or {}).get("coordinates")))
    if not points:
        return None
    return [round(sum(p[0] for p in points) / len(points), 6), round(sum(p[1] for p in points) / len(points), 6)]


def _points(coordinates):
    if isinstance(coordinates, (list, tuple)):
        if len(coordinates) >= 2 and all(isinstance(c, (int, float)) for c in coordinates[:2]):
            yield coordinates[:2]
        else:
            for part in coordinates:
                yield from _points(part)
