"""Browser tests: Debian's chromium driven by Playwright against a live server.

A live server needs a transactional database, which is emptied after each test, so each
test loads the region tree it needs; tests/conftest.py runs them after the TestCases, which
expect the tree loaded once per session.
"""

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def world(transactional_db):
    """Regions, programs, units and the named users, in a database the live server sees."""
    from hezuo.accounts.models import User
    from hezuo.org.models import Unit
    from hezuo.org.services import load_regions
    from tests.base import PASSWORD, make_programs

    load_regions()
    # The live server's flush empties what migrations seeded; seed the programs again.
    from importlib import import_module

    from django.apps import apps

    import_module("hezuo.org.migrations.0002_default_programs").create_programs(apps, None)
    city = Unit.objects.create(name="市区域合作办", kind=Unit.Kind.OFFICE)
    nanxun = Unit.objects.create(name="南浔区", parent=city)
    make_programs()
    users = {}
    for username, role, unit in (("alice", "city", city), ("bob", "district", nanxun), ("adam", "admin", None)):
        user = User(username=username, role=role, unit=unit, display_name=username.capitalize())
        user.set_password(PASSWORD)
        user.save()
        users[username] = user
    return users


@pytest.fixture
def login(live_server, page):
    from tests.base import PASSWORD

    def login_as(username):
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return login_as


@pytest.fixture
def demo(transactional_db):
    """The Huzhou 2024 demo in a database the live server sees; its users sign in with the tests' password."""
    from hezuo.accounts.models import User
    from hezuo.demo.huzhou import load_demo
    from hezuo.org.services import load_regions
    from tests.base import PASSWORD

    load_regions()
    load_demo()
    users = {}
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        users[user.username] = user
    return users


@pytest.fixture
def csp_violations(page):
    """Every Content-Security-Policy violation of the pages `page` opens, as text: what the
    browser blocked, which directive, and where (an empty list is what every test wants)."""
    found = []
    page.expose_function("__hezuoViolation", lambda text: found.append(text))
    page.add_init_script("""document.addEventListener("securitypolicyviolation", function (e) {
        window.__hezuoViolation(location.pathname + ": " + e.effectiveDirective + " blocked " + e.blockedURI +
                                " at " + e.sourceFile + ":" + e.lineNumber + " " + e.sample);
    });""")
    return found
