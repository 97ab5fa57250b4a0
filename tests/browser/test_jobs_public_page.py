"""The public job page on a phone (390 px wide, as a seeker in 白山 opens it from a QR code):
no sign-in, readable without zooming, nothing wider than the screen, the phone a tap away."""

import datetime

from playwright.sync_api import expect


def test_a_seeker_reads_a_posting_on_a_phone(world, live_server, page):
    from django.utils import timezone

    from hezuo.jobs.models import Posting
    from hezuo.org.models import Program, Region, Unit
    from tests.jobs_world import code, make_event
    from hezuo.jobs.models import Employer

    event = make_event("湖州市赴白山市劳务协作交流招聘会", Unit.objects.get(name="南浔区"), Program.objects.get(name="援疆"),
                       Region.objects.get(code="652929"))
    employer = Employer.objects.create(name="浙江久立特材科技股份有限公司", credit_code=code(7), unit=event.unit)
    posting = Posting.objects.create(
        event=event, employer=employer, title="数控车工", headcount=12, salary_min=6500, salary_max=9500,
        work_place="湖州市吴兴区", benefits="包住宿（四人间，空调热水），交通补贴300元/月，满一年报销返乡路费",
        requirements="18–45周岁，有数控车床操作经验优先，无经验可培训上岗", contact_person="沈女士",
        contact_phone="0572-2101234", valid_until=timezone.localdate() + datetime.timedelta(days=60),
        state=Posting.State.PUBLISHED)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/j/{posting.token}/")

    expect(page).to_have_title("数控车工 · 浙江久立特材科技股份有限公司")
    expect(page.locator("h1")).to_have_text("数控车工")
    expect(page.locator(".salary")).to_have_text("6,500–9,500元/月")
    call = page.get_by_role("link", name="拨打电话 0572-2101234")
    expect(call).to_have_attribute("href", "tel:05722101234")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing to scroll sideways
    assert float(page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize").removesuffix("px")) >= 24
    assert float(page.evaluate("getComputedStyle(document.body).fontSize").removesuffix("px")) >= 17
    box = call.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a thumb's target
    assert page.evaluate("document.scripts.length") == 0
