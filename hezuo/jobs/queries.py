"""Reads of the labour cooperation app: an event's figures, a posting's scans."""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from hezuo import access
from hezuo.jobs.models import Posting, PostingScan, RecruitmentEvent
from hezuo.jobs.public import public_event_url, public_url

SCAN_DAYS = 14  # days of scans shown on an event's and a posting's page


def event_figures(user, event, today=None):
    """Employers, postings and headcount of an event's postings `user` sees, split by
    current state (an expired posting counts as 已下线), in one query."""
    today = today or timezone.localdate()
    published = Posting.list_filter_q("state", Posting.State.PUBLISHED, today)
    expired = Q(state=Posting.State.PUBLISHED) & ~published
    rows = access.visible(user, Posting.objects.filter(event=event)).aggregate(
        postings=Count("id"), employers=Count("employer", distinct=True), people=Sum("headcount"),
        pending=Count("id", filter=Q(state=Posting.State.PENDING)),
        published=Count("id", filter=published),
        open_people=Sum("headcount", filter=published & Q(filled=False)),
        open_postings=Count("id", filter=published & Q(filled=False)),  # what gets a QR code (qrcodes)
        offline=Count("id", filter=Posting.list_filter_q("state", Posting.State.OFFLINE, today)),
        expired=Count("id", filter=expired),
    )
    return {key: value or 0 for key, value in rows.items()}


def scans_by_day(user, postings, days=SCAN_DAYS):
    """[(day, count)] of the last `days` days that had scans (newest first) and the total of
    all days, of the scans of `postings` (a queryset) that `user` sees."""
    scans = PostingScan.objects.filter(posting__in=access.visible(user, postings))
    total = scans.aggregate(total=Sum("count"))["total"] or 0
    shown = list(scans.values_list("day").annotate(n=Sum("count")).order_by("-day").values_list("day", "n")[:days])
    return shown, total


def employers_of_event(user, event):
    """Per employer of the event: its postings, headcount and scans, by name."""
    postings = access.visible(user, Posting.objects.filter(event=event))
    rows = (postings.values("employer_id", "employer__name")
            .annotate(postings=Count("id", distinct=True), people=Sum("headcount"))
            .order_by("employer__name"))
    scans = dict(PostingScan.objects.filter(posting__in=postings).values_list("posting__employer_id")
                 .annotate(n=Sum("count")).values_list("posting__employer_id", "n"))
    return [{**row, "scans": scans.get(row["employer_id"], 0)} for row in rows]


def event_context(event, user):
    """What an event's page shows besides its fields (Kind.detail_context)."""
    shown, total = scans_by_day(user, Posting.objects.filter(event=event))
    trainings = list(access.visible(user, event.trainings.all()).order_by("date"))
    return {
        "figures": event_figures(user, event),
        "employers": employers_of_event(user, event),
        "scans": shown, "scans_total": total,
        "trainings": trainings,
        "training_person_times": sum(t.person_times for t in trainings),
        "public_event_url": public_event_url(event),
        "can_export": access.can_export(user),
        "results_form": _results_form(event) if access.can_change(user, event) else None,
    }


def _results_form(event):
    from hezuo.jobs.forms import results_form  # core's record form: imported once the registry is loaded

    return results_form(event)


def posting_context(posting, user):
    shown, total = scans_by_day(user, Posting.objects.filter(pk=posting.pk))
    return {
        "public_url": public_url(posting) if posting.state != Posting.State.PENDING else "",
        "scans": shown, "scans_total": total,
        "can_publish": access.can_change(user, posting),
    }


def for_dashboard(user, year, program=None):
    """The dashboard's 劳务协作 block: the year's recruitment events `user` reads (of the
    `program` and below, if given), their postings and headcount, and the people moved into
    work (转移就业), in two queries."""
    events = access.visible(user, RecruitmentEvent.objects.filter(year=year))
    if program is not None:
        events = events.filter(program__in=program.tree_ids())
    results = events.aggregate(events=Count("id"), transferred=Sum("transferred"), poor=Sum("transferred_poor"))
    postings = access.visible(user, Posting.objects.filter(event__in=events)).aggregate(
        postings=Count("id"), employers=Count("employer", distinct=True), people=Sum("headcount"))
    return {"year": year, **{key: value or 0 for key, value in {**results, **postings}.items()}}


def for_report(user, year, programs):
    """The annual summary's 劳务协作 of a program family (`programs`: the ids of it and below):
    the year's recruitment events `user` reads, where they went, their employers, the
    postings published (made into QR codes) and their headcount, and the people moved into
    work (of them 脱贫劳动力). None when the family held no event that year."""
    events = access.visible(user, RecruitmentEvent.objects.filter(year=year, program__in=programs))
    results = events.aggregate(events=Count("id"), transferred=Sum("transferred"), poor=Sum("transferred_poor"))
    if not results["events"]:
        return None
    places = events.order_by("start_date").values_list("destination__name", flat=True)
    # Published at some time (made into a QR code), whether still open, offline or expired now.
    published = access.visible(user, Posting.objects.filter(event__in=events, published_at__isnull=False))
    postings = published.aggregate(postings=Count("id"), employers=Count("employer", distinct=True),
                                   people=Sum("headcount"))
    figures = {key: value or 0 for key, value in {**results, **postings}.items()}
    return {**figures, "places": list(dict.fromkeys(places))}
