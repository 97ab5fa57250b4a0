"""What a record is — its unit, program, partner region and period — is declared once on its
model (hezuo/records.py Record) and read by the list filters, the statistics, the export
and the dashboard's cache. These tests hold every reader to the declaration."""

from django.apps import apps
from django.db import models
from django.test import SimpleTestCase

from hezuo.imports.specs import SHEETS
from hezuo.kinds import Kind, load
from hezuo.org.models import Pairing, Program, Region, Unit
from hezuo.projects.models import FundRecord, Project
from hezuo.records import Record
from hezuo.stats.freshness import watched
from hezuo.stats.queries import SOURCES

ENDS_AT = {"scope_path": Unit, "program_path": Program, "region_path": Region}


def record_models():
    return [m for m in apps.get_models() if issubclass(m, Record)]


def walk(model, path):
    """The models a lookup passes through and the field it ends at."""
    passed, field = [], None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model
        passed.append(model)
    return passed, field


class DeclarationTestCase(SimpleTestCase):
    def test_every_declared_path_reaches_what_it_names(self):
        for model in record_models():
            for name, target in ENDS_AT.items():
                path = getattr(model, name)
                if path is None:
                    continue
                with self.subTest(model=model.__name__, path=name):
                    self.assertIs(walk(model, path)[1].related_model, target)

    def test_every_declared_year_is_a_year_and_every_year_from_a_date(self):
        for model in record_models():
            years = model.year_path if isinstance(model.year_path, tuple) else (model.year_path,)
            for path in filter(None, years):
                with self.subTest(model=model.__name__, year=path):
                    self.assertIsInstance(walk(model, path)[1], models.PositiveIntegerField)
            if model.year_from:
                with self.subTest(model=model.__name__, year_from=model.year_from):
                    self.assertIsInstance(model._meta.get_field(model.year_from), models.DateField)
                    self.assertEqual(model.year_path, "year")  # the stored year is the date's

    def test_a_kind_filters_by_its_models_declaration(self):
        for slug, kind in load().items():
            with self.subTest(kind=slug):
                declared = kind.model.declared_paths()
                self.assertEqual({name: kind.filters[name] for name in declared}, declared)

    def test_a_kind_without_filters_of_its_own_gets_the_declared_ones(self):
        kind = Kind(model=FundRecord, slug="test-funds", group="", fields=[], columns=[])
        self.assertEqual(kind.filters, {"program": "program", "year": "year", "unit": "project__unit",
                                        "region": "project__partner_region"})

    def test_a_kind_may_override_or_drop_a_declared_filter(self):
        kind = Kind(model=Project, slug="test-projects", group="", fields=[], columns=[],
                    filters={"region": None, "unit": "park__unit", "status": "status"})
        self.assertEqual(kind.filters, {"program": "program", "year": "year", "unit": "park__unit",
                                        "status": "status"})

    def test_dictionaries_declare_nothing(self):
        for model in (Unit, Program, Region):
            with self.subTest(model=model.__name__):
                self.assertEqual(model.declared_paths(), {})

    def test_statistics_count_by_the_declaration_and_drill_down_to_the_same_filters(self):
        kinds = load()
        for slug, source in SOURCES.items():
            model, filters = source.model, kinds[slug].filters
            with self.subTest(source=slug):
                self.assertEqual((source.program, source.unit, source.region, source.year, source.date),
                                 (model.program_path, model.scope_path, model.region_path, model.year_path,
                                  model.year_from))
                # A figure's link opens the list whose rows sum to it: the same paths.
                self.assertEqual((filters["program"], filters["unit"], filters["region"], filters["year"]),
                                 (source.program, source.unit, source.region, source.year))
                if source.date:  # a through-month figure links with ?until= on the same date
                    self.assertEqual(filters["until"], source.date)

    def test_the_export_of_a_year_reads_the_declared_year(self):
        for spec in SHEETS:
            with self.subTest(sheet=spec.name):
                declared = getattr(spec.model, "year_path", None)
                self.assertEqual(spec.year_field, declared if isinstance(declared, str) else "")
        # A pairing is in force over years: the export writes them all.
        self.assertEqual(next(s for s in SHEETS if s.model is Pairing).year_field, "")

    def test_the_dashboard_cache_watches_what_the_declared_paths_reach(self):
        # Each source's records, what its paths pass through (a park figure's park) and end
        # at, the pairings of the dashboard's map, the period locks of its 已审核, and what its
        # 滞后项目 block reads besides projects.
        labels = {model._meta.label for model in watched()}
        self.assertEqual(labels, {
            "projects.Project", "projects.FundRecord", "assistance.ConsumptionRecord", "exchanges.Dispatch",
            "exchanges.Activity", "parks.Park", "parks.ParkFigure", "org.Pairing", "org.Program", "org.Unit",
            "org.Region", "periods.PeriodLock", "keyprojects.AnnualPlan", "keyprojects.MonthlyReport",
            "keyprojects.ProvinceRate"})
