"""Take screenshots of Hezuo pages with Debian's chromium, to look at what users see.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 city hezuo-demo-2024 /projects/ /projects/1/
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 city hezuo-demo-2024 /dashboard/ 1920x1080 390x844
Writes screenshots/<name>-desktop.png and -phone.png (1440×900 and 390×844), or
<name>-<W>x<H>.png for each WIDTHxHEIGHT given.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


VIEWPORT = re.compile(r"^(\d+)x(\d+)$")
DEFAULT_VIEWPORTS = [("desktop", {"width": 1440, "height": 900}), ("phone", {"width": 390, "height": 844})]


def main(base, username, password, *args):
    paths = [a for a in args if not VIEWPORT.match(a)]
    viewports = [(a, {"width": int(VIEWPORT.match(a)[1]), "height": int(VIEWPORT.match(a)[2])})
                 for a in args if VIEWPORT.match(a)] or DEFAULT_VIEWPORTS
    out = Path("screenshots")
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for label, viewport in viewports:
            page = browser.new_page(viewport=viewport, device_scale_factor=1)
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            for path in paths:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(1500)  # chart animations
                name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()) or "home"
                page.screenshot(path=str(out / f"{name}-{label}.png"), full_page=True)
                print(out / f"{name}-{label}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
