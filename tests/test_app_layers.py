"""The apps' layering (docs/architecture.md): no two apps of hezuo/ import each other.

Every module of hezuo/ is read with `ast`, imports at the top and inside functions alike, and
each import of one app (hezuo.X) by a module of another app (hezuo.Y) is an edge Y → X. The
neutral modules directly under hezuo/ (records.py, kinds.py, amounts.py, changes.py,
workbooks.py, access.py …) belong to no app: apps build on them. Migrations are left out:
they are frozen history, read by the migration loader only, and keep naming the paths of
their day (hezuo.core.models.AmountField).
"""

import ast
import functools
from pathlib import Path

from django.test import SimpleTestCase

import hezuo

ROOT = Path(hezuo.__file__).parent

# Pairs not broken yet, and why. The test fails when one of them is gone as well, so that
# this list only ever shrinks.
NOT_YET_BROKEN = {
    frozenset({"audit", "imports"}): "imports write audit entries (audit.imports); the audit pages link imports",
    frozenset({"core", "trash"}): "the record service deletes into the trash; the trash restores through it",
}


def app_of(module):
    """The app a dotted module name belongs to, or None for a neutral module (hezuo.access)."""
    parts = module.split(".")
    if parts[0] != "hezuo" or len(parts) < 2:
        return None
    return parts[1] if (ROOT / parts[1] / "__init__.py").exists() else None


def imported_names(node, module, is_package):
    """The dotted names an import statement brings in (a `from` import: the module and each
    name from it, which may be a submodule), with relative imports made absolute."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join(package + ([base] if base else []))
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


@functools.cache
def edges():
    """{(importing app, imported app): ["hezuo/x/y.py:12 imports hezuo.z.w", …]}."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(ROOT.parent)
        is_package = path.name == "__init__.py"
        module = ".".join(relative.with_suffix("").parts[:-1] if is_package else relative.with_suffix("").parts)
        importer = app_of(module)
        if importer is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for name in imported_names(node, module, is_package):
                imported = app_of(name)
                if imported is not None and imported != importer:
                    found.setdefault((importer, imported), set()).add(f"{relative}:{node.lineno} imports {name}")
    return {pair: sorted(where) for pair, where in found.items()}


def cycles(found):
    """{frozenset({X, Y}): why} for each two apps importing each other, naming the modules."""
    out = {}
    for (a, b), where in found.items():
        if a < b and (b, a) in found:
            out[frozenset({a, b})] = "\n".join(
                [f"hezuo.{a} ⇄ hezuo.{b}:"] + [f"  {line}" for line in where + found[(b, a)]])
    return out


class AppLayersTestCase(SimpleTestCase):
    def test_no_two_apps_import_each_other(self):
        found = cycles(edges())
        new = [why for pair, why in found.items() if pair not in NOT_YET_BROKEN]
        self.assertFalse(new, "apps import each other:\n" + "\n".join(new))

    def test_the_cycles_not_yet_broken_are_still_there(self):
        gone = [" ⇄ ".join(sorted(pair)) for pair in NOT_YET_BROKEN if pair not in cycles(edges())]
        self.assertFalse(gone, f"broken now, take them off NOT_YET_BROKEN: {gone}")

    def test_the_cycles_this_issue_broke_stay_broken(self):
        found = cycles(edges())
        for pair in (("core", "imports"), ("core", "org"), ("imports", "stats"), ("org", "stats"),
                     ("core", "projects"), ("core", "stats"), ("audit", "core"), ("accounts", "audit")):
            with self.subTest(pair=pair):
                if frozenset(pair) in found:
                    self.fail(found[frozenset(pair)])

    def test_reports_do_not_import_the_statistics_pages(self):
        where = [line for line in edges().get(("reports", "stats"), []) if "hezuo.stats.views" in line]
        self.assertEqual(where, [])

    def test_function_level_imports_count(self):
        # org/models.py imports org.services inside Pairing.on_written; a function-level import
        # of another app is an edge too (hezuo/core/fields.py imports hezuo.org.regions so).
        self.assertIn("hezuo/core/fields.py", "\n".join(edges()[("core", "org")]))

    def test_the_neutral_modules_import_no_app(self):
        for name in ("records", "kinds", "amounts", "changes", "workbooks", "numbers", "text"):
            path = ROOT / f"{name}.py"
            with self.subTest(module=name):
                tree = ast.parse(path.read_text(encoding="utf-8"))
                apps = [f"line {node.lineno}: {imported}" for node in ast.walk(tree)
                        if isinstance(node, (ast.Import, ast.ImportFrom))
                        for imported in imported_names(node, f"hezuo.{name}", False) if app_of(imported)]
                self.assertEqual(apps, [])
