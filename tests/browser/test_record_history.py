"""A record's 修改记录 panel in a real browser: closed on the record's page and read only when
the reader opens it (htmx swaps the panel in), the Content-Security-Policy blocking nothing."""

from playwright.sync_api import expect


def test_the_history_panel_is_read_when_the_reader_opens_it(world, login, live_server, csp_violations):
    from hezuo.org.models import Program, Region, Unit
    from tests.base import make_records

    project = make_records(Unit.objects.get(name="南浔区"), Program.objects.get(name="援疆"),
                           Region.objects.get(code="652929"), "南浔")["projects"]
    page = login("bob")
    history = f"/projects/{project.pk}/history/"
    asked = []
    page.on("request", lambda request: asked.append(request.url) if request.url.endswith(history) else None)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    expect(page.locator("h1")).to_have_text(str(project))
    expect(page.locator("#history .history-entry")).to_have_count(0)
    assert asked == []

    with page.expect_response(lambda response: response.url.endswith(history)):
        page.locator("#history summary").click()
    entry = page.locator("#history .history-entry").first
    expect(entry.locator(".history-action")).to_have_text("新增")
    expect(entry).to_contain_text("柯坪县")
    expect(page.locator("#history")).not_to_contain_text("查看修改记录")
    assert csp_violations == []
