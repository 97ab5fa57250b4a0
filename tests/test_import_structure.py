"""The importer grows by tables: every column kind of every sheet has a resolver, every
shape a writer, every reference a target; and its modules import each other one way only."""

import ast
from pathlib import Path

from django.test import SimpleTestCase

from hezuo.imports import cells
from hezuo.imports.services.writers import WRITERS
from hezuo.imports.specs import SHEETS, TARGETS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hezuo" / "imports"


def imports_of(path):
    """The hezuo.imports modules a file imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("hezuo.imports"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("hezuo.imports"))
    return found


class ImporterTablesTestCase(SimpleTestCase):
    def test_every_column_kind_has_a_resolver_and_every_reference_a_target(self):
        for spec in SHEETS:
            for column in spec.columns:
                with self.subTest(sheet=spec.name, column=column.header):
                    self.assertIn(column.kind, cells.KINDS)
                    target = cells.KINDS[column.kind].target
                    if target and target != "region":
                        self.assertIn(target, TARGETS)
                    column.model_field(spec.model)  # a field of the model or of its parent

    def test_every_shape_has_a_writer_and_every_parent_a_target(self):
        for spec in SHEETS:
            with self.subTest(sheet=spec.name):
                self.assertIn(spec.shape, WRITERS)
                for kind in spec.parents.values():
                    self.assertIn(kind, TARGETS)
                    self.assertTrue(TARGETS[kind].sheet, "a parent is created by a sheet of its own")

    def test_the_import_modules_have_no_import_cycle(self):
        modules = {}
        for path in PACKAGE.rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name] = path
        graph = {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}

        def cycle_from(start, node, seen):
            for nxt in graph[node]:
                if nxt == start:
                    return [node, nxt]
                if nxt not in seen:
                    seen.add(nxt)
                    path = cycle_from(start, nxt, seen)
                    if path:
                        return [node, *path]
            return None

        for name in graph:
            self.assertIsNone(cycle_from(name, name, set()), name)
