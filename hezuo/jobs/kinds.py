from hezuo.jobs import queries
from hezuo.jobs.models import Employer, Posting, RecruitmentEvent
from hezuo.kinds import Kind, Related, register

register(Kind(
    model=RecruitmentEvent, slug="recruitment-events", group="劳务协作", icon="⚑",
    fields=["name", "program", "unit", "destination", "start_date", "end_date", "location",
            "intentions", "signed", "transferred", "transferred_poor", "trainings", "note"],
    columns=["name", "program", "unit", "destination", "start_date", "intentions", "signed", "transferred"],
    filters={"since": "start_date", "until": "start_date"},
    sorts=("start_date", "name", "transferred"),
    default_sort="-start_date",
    totals=("intentions", "signed", "transferred", "transferred_poor"),
    select_related=("program", "unit", "destination"),
    detail_extra="jobs/event_extra.html",
    detail_context=queries.event_context,
))
register(Kind(
    model=Employer, slug="employers", group="劳务协作", icon="▣",
    fields=["name", "credit_code", "unit", "contact", "phone"],
    columns=["name", "credit_code", "unit", "contact"],
    search=("name", "credit_code"),
    sorts=("name",),
    default_sort="name",
    select_related=("unit",),
    related=[Related("postings", "employer", ["title", "event", "headcount", "salary_min", "salary_max",
                                               "valid_until", "state"])],
))
register(Kind(
    model=Posting, slug="postings", group="劳务协作", icon="☷",
    fields=["employer", "event", "title", "category", "headcount", "salary_min", "salary_max", "work_place",
            "requirements", "benefits", "contact_person", "contact_phone", "valid_until", "filled"],
    columns=["title", "employer", "event", "headcount", "salary_min", "salary_max", "valid_until", "state"],
    # published_at set: published at some time (an annual summary counts those, whatever they are now).
    filters={"state": "state", "filled": "filled", "published": "published_at__isnull"},
    search=("title", "employer__name"),
    sorts=("title", "headcount", "valid_until"),
    default_sort="title",
    totals=("headcount",),
    select_related=("employer", "event"),
    detail_extra="jobs/posting_extra.html",
    detail_context=queries.posting_context,
))
