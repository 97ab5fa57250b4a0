"""Turning what a clerk writes into a Region: the one resolver for imports, forms and search.

Accepted, and nothing else:
- a code (652929, 652929100, 652929100200; a 12-digit statistical code 652929000000), alone or
  with the name before or after it ("511024 威远县", "威远县（511024）"); the name must agree;
- an exact name when only one region bears it ("柯坪县", "喀拉库提村");
- a path, with or without spaces or separators, from any level down, skipping levels if it
  likes ("四川省广元市旺苍县", "四川省 广元市 苍溪县", "柯坪县柯坪镇喀拉库提村", "广安区牌坊村");
- names as the package writes them or as offices do (喀拉库提村民委员会 = 喀拉库提村,
  社区居委会 = 社区, 街道办事处 = 街道, 阿坝藏族羌族自治州 = 阿坝州).

Refused with a message that helps: a name missing its suffix ("桐乡": 是否为：桐乡市（330483）？),
a name several regions bear (the candidates with codes and parents), an empty region table.

Provinces, cities and counties, and the towns and villages users added, are read once into
memory (a few thousand rows); the package's towns and villages are looked up by code range in
its own file (hezuo.org.package), so a village resolves before it is loaded. The caller loads
what resolved from the package (`load`), in its write transaction.
"""

from dataclasses import dataclass, field

from hezuo.org import names
from hezuo.org.models import Region
from hezuo.org.package import Package

SHOWN = 5  # candidates named in one message


class RegionError(ValueError):
    """A text that names no region, or several; the message is Chinese and short."""


@dataclass(eq=False)
class Node:
    code: str
    name: str
    level: int
    full_name: str
    pk: int | None = None  # None: in the package, not loaded yet
    package_name: str = ""
    keys: set = field(default_factory=set)

    @property
    def prefix(self):
        return self.code[: Region.PREFIX_LENGTH[self.level]]

    def under(self, context):
        return context is None or (self.level > context.level and self.code.startswith(context.prefix))

    def label(self):
        return f"{self.name}（{self.code}）"

    def label_with_parents(self):
        parents = self.full_name.rsplit(" ", 1)[0] if " " in self.full_name else ""
        return f"{self.name}（{self.code}{'，' + parents if parents else ''}）"


EMPTY = "地区表为空，请先运行 hezuo loadregions 加载全国行政区划"


class RegionResolver:
    """Resolve texts to regions. Build one per import or request: it reads provinces, cities,
    counties and user-added regions once, and remembers each text it resolved.

    `ids` (code → id of every loaded region, if the caller holds it) spares a query per
    town or village resolved."""

    def __init__(self, ids=None, package=None, scan=True):
        self.ids = ids
        self.scan = scan  # read the whole package for a name written alone (a search box need not)
        self.package = package or Package()
        self.by_code, self.by_key, self.by_stem = {}, {}, {}
        fields = ("id", "code", "name", "level", "full_name")
        # Two unordered queries on the (from_package, level) index. Ordered by code, with an OR,
        # or with from_package=True (SQLite's SQL is then a bare `WHERE from_package`), SQLite
        # reads the whole table: 126 ms instead of 5 ms with the nation's villages loaded.
        top = Region.objects.filter(from_package__in=[True], level__lte=Region.Level.COUNTY).order_by()
        own = Region.objects.filter(from_package__in=[False]).order_by()
        top, own = top.values_list(*fields), own.values_list(*fields)
        for rows in (top, own):
            for pk, code, name, level, full_name in rows:
                self._index(Node(code, name, level, full_name, pk))
        self.cache = {}

    def _index(self, node):
        node.keys = set(names.forms(node.name))
        self.by_code[node.code] = node
        for key in node.keys:
            self.by_key.setdefault(key, []).append(node)
        stem = names.stem(node.name)
        if stem and stem not in node.keys:
            self.by_stem.setdefault(stem, []).append(node)

    # -- public ---------------------------------------------------------------------------

    def resolve(self, text):
        """The Node `text` names; raises RegionError."""
        text = names.normalise(text)
        if text not in self.cache:
            try:
                self.cache[text] = self._resolve(text)
            except RegionError as error:
                self.cache[text] = error
        found = self.cache[text]
        if isinstance(found, RegionError):
            raise found
        return found

    def region(self, text):
        """The Region `text` names, loading it (and its town) from the package if need be:
        call inside the transaction that writes what refers to it."""
        node = self.resolve(text)
        if node.pk is None:
            self.load([node])
        return Region.objects.get(pk=node.pk)

    def load(self, nodes):
        """Load the package's towns and villages among `nodes`; sets their ids."""
        from hezuo.org.services import load_codes

        waiting = [n for n in nodes if n.pk is None]
        if waiting:
            ids = load_codes([n.code for n in waiting])
            for node in waiting:
                node.pk = ids[node.code]
                if self.ids is not None:
                    self.ids[node.code] = node.pk

    def close(self):
        self.package.close()

    # -- resolving ------------------------------------------------------------------------

    def _resolve(self, text):
        if not self.by_code:
            raise RegionError(EMPTY)
        if not text:
            raise RegionError("地区为空")
        code, rest = names.split_code(text)
        if code is not None:
            return self._by_code(code, rest)
        written = "".join(names.segments(text))
        if not written:
            raise RegionError(f"“{text}”不是地区名称或区划代码")
        found = self._parse(written, strict=True)
        if len(found) == 1:
            return self._with_id(found[0])
        if found:
            raise RegionError(self._ambiguous(text, found))
        guesses = self._parse(written, strict=False)
        if guesses:
            shown = "、".join(self._guess(written, n, len(guesses) > 1) for n in guesses[:SHOWN])
            more = f" 等 {len(guesses)} 个" if len(guesses) > SHOWN else ""
            raise RegionError(f"没有地区“{text}”，是否为：{shown}{more}？请写出完整名称或区划代码")
        raise RegionError(f"没有地区“{text}”，请写全称（如“柯坪县”）、带上级的路径（如“四川省广元市旺苍县”）"
                          "或区划代码；乡镇、村可在“地区”中新增")

    @staticmethod
    def _guess(written, node, several):
        """桐乡 → 桐乡市（330483）; a path, or one of several, with what is above it."""
        if node.name.startswith(written) and not several:
            return node.label()
        return node.full_name.replace(" ", "") + f"（{node.code}）"

    def _ambiguous(self, text, found):
        shown = "、".join(n.label_with_parents() for n in found[:SHOWN])
        more = f" 等 {len(found)} 个" if len(found) > SHOWN else ""
        return f"“{text}”对应多个地区：{shown}{more}。请写出上级地区或区划代码"

    def _by_code(self, code, rest):
        node = self.by_code.get(code)
        if node is None and len(code) > 6:
            node = self._place_by_code(code)
        if node is None:
            raise RegionError(f"没有区划代码为 {code} 的地区")
        if rest:
            written = "".join(names.segments(rest))
            keys = node.keys | ({names.place(node.package_name)} if node.package_name else set())
            agrees = any(written.endswith(key) for key in keys) or written.endswith(node.name)
            if not agrees:
                raise RegionError(f"区划代码 {code} 是“{node.full_name.replace(' ', '')}”，与“{rest}”不符，请核对")
        return self._with_id(node)

    def _place_by_code(self, code):
        loaded = Region.objects.filter(code=code).values_list("id", "name", "level", "full_name").first()
        if loaded:
            pk, name, level, full_name = loaded
            node = Node(code, name, level, full_name, pk)
            node.keys = set(names.forms(name))
            return node
        places = self.package.by_codes([code])
        return self._nodes(places)[0] if places else None

    def _with_id(self, node):
        if node.pk is None:
            if self.ids is not None:
                node.pk = self.ids.get(node.code)
            else:
                node.pk = Region.objects.filter(code=node.code).values_list("id", flat=True).first()
        return node

    def _parse(self, written, strict, context=None):
        """Every region a reading of `written` under `context` ends at (deduplicated, by code)."""
        if not written:
            return [context]
        found = {}
        for length, node in self._loaded_candidates(written, context, strict):
            for end in self._parse(written[length:], strict, node):
                found.setdefault(end.code, end)
        if not found and (context is not None or (self.scan and (strict or not self._stems_exist(written)))):
            # Towns and villages of the package. Written alone (no county before them) means
            # reading all 620,573 villages (~70 ms), so only when nothing loaded above fits.
            for length, node in self._package_candidates(written, context, strict):
                for end in self._parse(written[length:], strict, node):
                    found.setdefault(end.code, end)
        return sorted(found.values(), key=lambda n: n.code)

    def _stems_exist(self, written):
        return any(written[:length] in self.by_stem for length in range(2, len(written) + 1))

    def _loaded_candidates(self, written, context, strict):
        """(length of the prefix, node) of the regions in memory a prefix of `written` names."""
        for length in range(len(written), 1, -1):
            prefix = written[:length]
            nodes = self.by_key.get(names.place(prefix), [])
            if not strict:
                nodes = nodes + self.by_stem.get(prefix, [])
            for node in nodes:
                if node.under(context):
                    yield length, node

    def _package_candidates(self, written, context, strict):
        if not self.package.available or (context is not None and context.level >= Region.Level.VILLAGE):
            return []
        prefixes = [written[:length] for length in range(len(written), 1, -1)]
        spellings = set()
        for prefix in prefixes:
            if strict:
                spellings |= names.package_spellings(names.place(prefix)) | {prefix}
            else:
                for suffix in names.TOWN_SUFFIXES + names.VILLAGE_SUFFIXES:
                    spellings |= names.package_spellings(prefix + suffix)
        levels = (5,) if context is not None and context.level == Region.Level.TOWN else (4, 5)
        places = self.package.named(spellings, context.prefix if context else "", levels)
        candidates = []
        for node in self._nodes(places):
            for prefix in prefixes:
                fits = names.place(prefix) in node.keys if strict else names.stem(node.name) == prefix
                if fits:
                    candidates.append((len(prefix), node))
        return candidates

    def _nodes(self, places):
        """Nodes for places of the package; a code users added keeps their name."""
        towns = {p.code: p for p in places if p.level == Region.Level.TOWN}
        missing = sorted({p.parent_code for p in places if p.level == Region.Level.VILLAGE} - set(towns))
        if missing:
            towns.update((p.code, p) for p in self.package.by_codes(missing))
        nodes = []
        for place in places:
            if place.code in self.by_code:  # added by users under the package's code
                node = self.by_code[place.code]
                node.keys.add(names.place(place.package_name))
                nodes.append(node)
                continue
            parent = self.by_code.get(place.parent_code)  # a county, or a town users added
            if parent is not None:
                path = [parent.full_name, place.name]
            else:
                county, town = self.by_code.get(place.code[:6]), towns.get(place.parent_code)
                if county is None or town is None:
                    continue  # a county the package has and the loaded tree does not: not ours to guess
                path = [county.full_name, town.name, place.name]
            node = Node(place.code, place.name, place.level, " ".join(path), package_name=place.package_name)
            node.keys = set(names.forms(place.name)) | {names.place(place.package_name)}
            nodes.append(node)
        return nodes


def resolve(text, load=True):
    """The Region `text` names, loading it from the package if need be (with `load=False` a
    region not loaded yet is refused: a filter has no records of it); raises RegionError."""
    resolver = RegionResolver()
    try:
        if not load:
            node = resolver.resolve(text)
            if node.pk is None:
                raise RegionError(f"“{node.full_name.replace(' ', '')}”还没有任何记录")
        return resolver.region(text)
    finally:
        resolver.close()


def suggest(text, limit=20):
    """(code, full name) of regions for a search box: by code prefix (the package's towns and
    villages too), else what the text resolves to as a path, then names containing it,
    loaded ones first. Nothing is loaded."""
    text = names.normalise(text)
    if not text:
        return []
    first = text.split(" ")[0]
    resolver = RegionResolver(scan=False)  # names alone are searched below, once
    try:
        if first.isdigit():
            # A range, not LIKE 'x%', which SQLite answers by reading the table.
            rows = Region.objects.filter(code__gte=first, code__lt=first + ":").order_by("level", "code")
            options = dict(rows.values_list("code", "full_name")[:limit])
            if len(first) >= 6 and len(options) < limit:
                for node in resolver._nodes(resolver.package.below(first, limit=limit)):
                    options.setdefault(node.code, node.full_name)
            return sorted(options.items(), key=lambda o: (len(o[0]), o[0]))[:limit]
        options = {}
        try:
            node = resolver.resolve(text)
            options[node.code] = node.full_name
        except RegionError:
            pass
        term = "".join(names.segments(text))
        # Provinces to counties and what users added are in memory; the towns and villages
        # of the package, loaded or not, are the package's.
        found = sorted((n for n in resolver.by_code.values() if term in n.name), key=lambda n: (n.level, n.code))
        for node in found[:limit]:
            options.setdefault(node.code, node.full_name)
        if len(options) < limit and len(term) >= 2:
            for node in resolver._nodes(resolver.package.containing(term, limit=limit - len(options))):
                options.setdefault(node.code, node.full_name)
        return list(options.items())[:limit]
    finally:
        resolver.close()
