"""Production settings are one switch: with DEBUG unset and SECRET_KEY, ALLOWED_HOSTS and
HEZUO_HTTPS=1 given, `hezuo check --deploy --fail-level WARNING` passes and the site sends
HSTS, secure cookies and redirects plain HTTP to HTTPS behind the proxy (X-Forwarded-Proto).
Without HEZUO_HTTPS the embedded http://127.0.0.1 setup still works.

Each case runs the console script in a subprocess, so the settings are read from the
environment exactly as an installation reads them."""

import json
import tempfile

from django.test import SimpleTestCase

from tests.console import hezuo

HOST = "hezuo.example.gov.cn"
PASSWORD = "Hz-2024-Strong!pass"
# Migrates the fresh data directory, then asks as a browser would and prints what came back.
REQUESTS = """
import json
from django.core.management import call_command
from django.test import Client
from hezuo.accounts.models import User

call_command("migrate", verbosity=0)
User.objects.create_user("deploy-check", password=PASSWORD, role=User.Role.CITY)
host, proxied = HOST, {"HTTP_X_FORWARDED_PROTO": "https"} if HTTPS else {}
client = Client(HTTP_HOST=host)

def seen(response):
    return {"status": response.status_code, "location": response.get("Location", ""),
            "headers": {k.lower(): v for k, v in response.headers.items()},
            "cookies": {name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"])}
                        for name, m in response.cookies.items()}}

print(json.dumps({
    "plain": seen(client.get("/accounts/login/")),
    "health": seen(client.get("/healthz")),
    "login_page": seen(client.get("/accounts/login/", **proxied)),
    "sign_in": seen(client.post("/accounts/login/", {"username": "deploy-check", "password": PASSWORD},
                                **proxied)),
    "home": seen(client.get("/", **proxied)),
}))
"""


def production(*args, https):
    """The console script with the environment of a production (https) or embedded setup."""
    env = {}
    if https:
        env = dict(SECRET_KEY="k3y-" + "x7Qp9vRw2sLm" * 5, ALLOWED_HOSTS=HOST, HEZUO_HTTPS="1",
                   CSRF_TRUSTED_ORIGINS=f"https://{HOST}")
    with tempfile.TemporaryDirectory() as data:
        return hezuo(*args, data_dir=data, **env)


def browse(https):
    host = HOST if https else "127.0.0.1"
    script = f"PASSWORD, HOST, HTTPS = {PASSWORD!r}, {host!r}, {https!r}\n" + REQUESTS
    run = production("shell", "-c", script, https=https)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


class DeployCheckTestCase(SimpleTestCase):
    def test_the_deploy_check_passes_with_the_production_environment(self):
        run = production("check", "--deploy", "--fail-level", "WARNING", https=True)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertIn("System check identified no issues", run.stdout)

    def test_the_deploy_check_fails_without_https(self):
        run = production("check", "--deploy", "--fail-level", "WARNING", https=False)
        self.assertNotEqual(run.returncode, 0)


class ProductionHeadersTestCase(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seen = browse(https=True)

    def test_it_redirects_plain_http_to_https(self):
        plain = self.seen["plain"]
        self.assertEqual(plain["status"], 301)
        self.assertEqual(plain["location"], f"https://{HOST}/accounts/login/")

    def test_the_health_check_answers_over_plain_http(self):
        self.assertEqual(self.seen["health"]["status"], 200)

    def test_it_sends_hsts_and_the_other_security_headers(self):
        page = self.seen["login_page"]
        self.assertEqual(page["status"], 200)
        headers = page["headers"]
        self.assertEqual(headers["strict-transport-security"], "max-age=31536000; includeSubDomains; preload")
        self.assertEqual(headers["x-content-type-options"], "nosniff")
        self.assertEqual(headers["referrer-policy"], "same-origin")
        self.assertEqual(headers["cross-origin-opener-policy"], "same-origin")
        self.assertEqual(headers["x-frame-options"], "DENY")
        self.assertIn("no-store", headers["cache-control"])

    def test_its_cookies_are_secure_and_http_only(self):
        self.assertEqual(self.seen["login_page"]["cookies"]["csrftoken"], {"secure": True, "httponly": True})
        sign_in = self.seen["sign_in"]
        self.assertEqual(sign_in["status"], 302)
        self.assertEqual(sign_in["cookies"]["sessionid"], {"secure": True, "httponly": True})
        self.assertEqual(self.seen["home"]["status"], 200)


class EmbeddedSetupTestCase(SimpleTestCase):
    """`make demo` on http://127.0.0.1: no HTTPS, and signing in works."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seen = browse(https=False)

    def test_it_serves_plain_http_without_hsts(self):
        page = self.seen["plain"]
        self.assertEqual(page["status"], 200)
        self.assertNotIn("strict-transport-security", page["headers"])
        self.assertFalse(page["cookies"]["csrftoken"]["secure"])

    def test_signing_in_works(self):
        sign_in = self.seen["sign_in"]
        self.assertEqual(sign_in["status"], 302)
        self.assertFalse(sign_in["cookies"]["sessionid"]["secure"])
        self.assertEqual(self.seen["home"]["status"], 200)
