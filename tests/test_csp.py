"""Every response carries a Content-Security-Policy under which only our own script files run,
and no template or page has anything that policy would have to allow: no inline script, no
on*= handler, no javascript: URL, no inline style (tests/browser/test_csp.py checks in a real
browser that no page violates it; tests/browser/test_script_in_names.py, the attack it stops)."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.urls import URLResolver, get_resolver, reverse

from tests.base import BaseTestCase

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "hezuo" / "templates", *Path(settings.BASE_DIR, "hezuo").glob("*/templates")]
# The annual summary as a file of its own (hezuo report --format html, the PDF): it is
# downloaded or printed, never shown as one of our pages, so it keeps its print stylesheet.
STANDALONE = {"reports/document.html"}

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"""<[a-z][^>]*?\s(?:hx-)?on[a-z:.-]*\s*=""", re.I | re.S)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
INLINE_STYLE = re.compile(r"""<style\b|<[a-z][^>]*?\sstyle\s*=""", re.I | re.S)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
HTMX_CONFIG = re.compile(r"""<meta name="htmx-config" content='([^']*)'>""")


def inline_scripts(html):
    """<script> elements that run and are not files: what 'unsafe-inline' would be needed for."""
    found = []
    for attrs in SCRIPT_TAG.findall(html):
        if re.search(r"\bsrc\s*=", attrs, re.I) or re.search(r"""\btype\s*=\s*["']?application/json""", attrs, re.I):
            continue
        found.append(attrs)
    return found


def directives(header):
    parts = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def plain_paths(patterns=None, prefix=""):
    """The path of every URL pattern that takes no argument."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from plain_paths(pattern.url_patterns, route)
        elif "<" not in route and "(" not in route:
            yield "/" + route


class ContentSecurityPolicyTestCase(BaseTestCase):
    def assertStrictPolicy(self, response, url):
        header = response.get("Content-Security-Policy")
        self.assertTrue(header, f"{url} ({response.status_code}) has no Content-Security-Policy")
        policy = directives(header)
        self.assertEqual(policy.get("script-src"), ["'self'"], f"{url}: {header}")
        self.assertEqual(policy.get("default-src"), ["'self'"], f"{url}: {header}")
        for name in ("object-src", "base-uri", "frame-ancestors"):
            self.assertEqual(policy.get(name), ["'none'"], f"{url}: {name}")
        self.assertEqual(policy.get("form-action"), ["'self'"], url)
        self.assertNotIn("'unsafe-inline'", header, url)
        self.assertNotIn("'unsafe-eval'", header, url)

    def assertNothingInline(self, html, url):
        self.assertEqual(inline_scripts(html), [], f"{url} has an inline <script>")
        self.assertIsNone(HANDLER.search(html), f"{url} has an inline event handler: {HANDLER.search(html)}")
        self.assertIsNone(JS_URL.search(html), f"{url} has a javascript: URL")
        self.assertIsNone(INLINE_STYLE.search(html), f"{url} has an inline style: {INLINE_STYLE.search(html)}")

    def get(self, url):
        response = self.client.get(url)
        self.assertStrictPolicy(response, url)
        if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            self.assertNothingInline(response.content.decode(), url)
        return response

    def test_it_sets_the_policy_on_every_page_of_the_city_officer(self):
        self.client.force_login(self.alice)
        paths = sorted(set(plain_paths()))
        self.assertGreater(len(paths), 30)
        for path in paths:
            self.get(path)
        for slug, obj in self.own.items():
            for page in ("detail", "edit", "delete"):
                self.get(reverse(f"{slug}:{page}", args=[obj.pk]))
        self.get(reverse("region_suggest") + "?q=柯坪")  # an htmx fragment
        self.get(reverse("projects:suggest") + "?q=南浔")  # the project picker's fragment
        self.get(reverse("projects:add_funds", args=[self.own["projects"].pk]))  # several fund stages at once
        self.get(reverse("stats:dashboard") + "?year=2024")

    def test_it_sets_the_policy_for_every_role_and_on_errors(self):
        for user in (self.bob, self.adam, self.otto):
            self.client.force_login(user)
            for path in sorted(set(plain_paths())):
                self.get(path)  # 200, 403 or 404 alike
        self.client.force_login(self.bob)
        self.assertEqual(self.get(reverse("projects:detail", args=[self.other["projects"].pk])).status_code, 404)
        self.assertEqual(self.get("/no-such-page/").status_code, 404)

    def test_it_sets_the_policy_before_sign_in(self):
        self.assertEqual(self.get(reverse("accounts:login")).status_code, 200)
        self.assertEqual(self.get(reverse("home")).status_code, 302)

    def test_it_tells_htmx_never_to_eval(self):
        self.client.force_login(self.alice)
        html = self.client.get(reverse("home")).content.decode()
        config = json.loads(HTMX_CONFIG.search(html).group(1))
        self.assertIs(config["allowEval"], False)
        self.assertIs(config["allowScriptTags"], False)
        self.assertIs(config["includeIndicatorStyles"], False)
        self.assertLess(html.index('name="htmx-config"'), html.index("htmx-2.min.js"), "read before htmx starts")

    def test_no_template_has_inline_script_handlers_or_styles(self):
        templates = [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")]
        self.assertGreater(len(templates), 20)
        for path in templates:
            name = next(str(path.relative_to(d)) for d in TEMPLATE_DIRS if path.is_relative_to(d))
            text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
            self.assertEqual(inline_scripts(text), [], f"{name} has an inline <script>")
            self.assertIsNone(HANDLER.search(text), f"{name} has an inline event handler")
            self.assertIsNone(JS_URL.search(text), f"{name} has a javascript: URL")
            if name not in STANDALONE:
                self.assertIsNone(INLINE_STYLE.search(text), f"{name} has an inline style")

    def test_the_checks_catch_what_they_look_for(self):
        self.assertEqual(inline_scripts('<script>alert(1)</script><script src="/static/a.js" defer></script>'
                                        '<script id="d" type="application/json">{}</script>'), [""])
        for html in ('<img src=x onerror=alert(1)>', '<button hx-on:click="x()">', '<body onload="x()">'):
            self.assertIsNotNone(HANDLER.search(html), html)
        self.assertIsNone(HANDLER.search('<a href="/x" class="one">only text</a>'))
        self.assertIsNotNone(JS_URL.search('<a href="javascript:alert(1)">'))
        self.assertIsNotNone(INLINE_STYLE.search('<div style="color:red">'))
        self.assertIsNone(INLINE_STYLE.search('<div class="style">'))
