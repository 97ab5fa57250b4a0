"""Take screenshots of Hezuo pages with Debian's chromium, to look at what users see.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 city hezuo-demo-2024 /projects/ /projects/1/
Writes screenshots/<name>-desktop.png and -phone.png.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


def main(base, username, password, *paths):
    out = Path("screenshots")
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for label, viewport in (("desktop", {"width": 1440, "height": 900}), ("phone", {"width": 390, "height": 844})):
            page = browser.new_page(viewport=viewport, device_scale_factor=1)
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            for path in paths:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()) or "home"
                page.screenshot(path=str(out / f"{name}-{label}.png"), full_page=True)
                print(out / f"{name}-{label}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
