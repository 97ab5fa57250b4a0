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
