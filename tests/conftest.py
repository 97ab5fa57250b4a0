import os

import pytest

# Browser tests drive a live server from pytest's event loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database gets the national region tree once, as an installation does."""
    from hezuo.org.services import load_regions

    with django_db_blocker.unblock():
        load_regions()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test's database starts over, so must what is kept (built dashboards)."""
    from django.core.cache import cache

    cache.clear()


def uses_database(item):
    """As pytest-django decides it: a Django TestCase or TransactionTestCase, the django_db
    mark, or a database fixture."""
    from django.test import TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return True
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(
        fixtures & {"db", "transactional_db", "live_server", "django_db_setup"})


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """pytest-django orders TestCases, then transactional tests (their flush empties the
    database, the region tree included, so they must come after every TestCase on a worker),
    then tests without a database. Those last are the slowest ones (the console script in
    subprocesses), and they may run at any time, so they go first: xdist hands out classes in
    this order, and a long class handed out last keeps one worker busy while the other idles."""
    items.sort(key=uses_database)
