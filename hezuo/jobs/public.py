"""The public job pages a seeker lands on after scanning a QR code: no login, no script,
a few KB; reached by a posting's or an event's token, never an id.

Nothing here links into the intranet app, and a phone number is shown only on a posting
open now. Every request counts towards its client's per-minute limit (429 beyond it).
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from hezuo.audit.events import client_address
from hezuo.jobs import services
from hezuo.jobs.models import Employer, Posting, RecruitmentEvent

EVENT_PAGE_SIZE = 50
OTHER_POSTINGS_SHOWN = 10


def public_url(posting):
    """The absolute URL a posting's QR code points to (HEZUO_PUBLIC_BASE_URL + /j/<token>/)."""
    return settings.HEZUO_PUBLIC_BASE_URL + reverse("public:posting", args=[posting.token])


def public_event_url(event):
    return settings.HEZUO_PUBLIC_BASE_URL + reverse("public:event", args=[event.token])


def public_employer_url(employer):
    """Where an employer's poster points: its open postings (HEZUO_PUBLIC_BASE_URL + /j/c/<token>/)."""
    return settings.HEZUO_PUBLIC_BASE_URL + reverse("public:employer", args=[employer.token])


def too_many(request):
    """Count this request for its client; True when it is over the minute's limit. The key is
    a keyed hash of the address and the minute, kept a minute: no address is stored."""
    limit = settings.HEZUO_PUBLIC_RATE_PER_MINUTE
    if limit <= 0:
        return False
    minute = int(time.time() // 60)
    digest = hmac.new(settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256)
    key = f"hezuo:jobs:rate:{digest.hexdigest()[:32]}:{minute}"
    cache = caches["public"]
    if cache.add(key, 1, timeout=60):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=60)
        return False


def page(template, context=None, status=200):
    """A public page, rendered without the request: none of the intranet's context (its
    menu, the signed-in user) reaches it, whoever asks and on whichever host."""
    return HttpResponse(render_to_string(template, context or {}), status=status)


def public_page(view):
    """A public view: no login, rate-limited."""
    @login_not_required
    def wrapped(request, *args, **kwargs):
        if too_many(request):
            response = page("jobs/public/too_many.html", status=429)
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)
    wrapped.__name__ = view.__name__
    return wrapped


def not_found(request, exception=None):
    return page("jobs/public/not_found.html", status=404)


def server_error(request=None):
    return page("jobs/public/error.html", {"title": "服务暂时不可用", "text": "请稍后再试。"}, status=500)


def bad_request(request, exception=None):
    return page("jobs/public/error.html", {"title": "请求有误", "text": "请重新扫描二维码打开。"}, status=400)


def forbidden(request, exception=None):
    return page("jobs/public/error.html", {"title": "无法访问", "text": "请重新扫描二维码打开。"}, status=403)


@public_page
def posting_page(request, token):
    posting = (Posting.objects.select_related("employer", "event")
               .exclude(state=Posting.State.PENDING).filter(token=token).first())
    if posting is None:  # unknown, or never published: nothing to show
        return not_found(request)
    today = timezone.localdate()
    services.count_scan(posting, today)
    notice = ""
    if not posting.is_open(today):
        if posting.current_state(today) == Posting.State.OFFLINE:
            notice = "已过期" if posting.is_expired(today) else "已下线"
        else:
            notice = "已招满"
    others = (Posting.objects.open(today).filter(employer_id=posting.employer_id).exclude(pk=posting.pk)
              .only("title", "token", "headcount", "salary_min", "salary_max").order_by("title")[:OTHER_POSTINGS_SHOWN])
    return page("jobs/public/posting.html", {
        "posting": posting, "notice": notice, "others": others,
        "event_path": reverse("public:event", args=[posting.event.token]),  # a posting is always an event's
    })


def listing(request, title, postings):
    """A page of open postings (an event's, an employer's), EVENT_PAGE_SIZE at a time (?p=N)."""
    postings = (postings.select_related("employer")
                .only("title", "token", "headcount", "salary_min", "salary_max", "work_place", "employer__name")
                .order_by("employer__name", "title", "id"))
    count = postings.count()
    pages = max(1, -(-count // EVENT_PAGE_SIZE))
    asked = request.GET.get("p", "1")
    number = min(max(int(asked), 1), pages) if asked.isdigit() else 1
    start = (number - 1) * EVENT_PAGE_SIZE
    return page("jobs/public/event.html", {
        "title": title, "postings": postings[start:start + EVENT_PAGE_SIZE], "count": count,
        "page": number, "pages": pages,
    })


@public_page
def event_page(request, token):
    event = RecruitmentEvent.objects.filter(token=token).only("name").first()
    if event is None:
        return not_found(request)
    return listing(request, event.name, Posting.objects.open().filter(event=event))


@public_page
def employer_page(request, token):
    """An employer's open postings, whichever event they were taken at: its poster's QR code."""
    employer = Employer.objects.filter(token=token).only("name").first()
    if employer is None:
        return not_found(request)
    return listing(request, employer.name, Posting.objects.open().filter(employer=employer))
