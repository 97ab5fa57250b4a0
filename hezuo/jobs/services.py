"""Writes of the labour cooperation app that are not a record form: publishing postings and
taking them offline (a selection on the event page, `hezuo jobs publish`), storing the
offline state of expired postings (`hezuo jobs expire`), counting a public page's scans.

Publishing passes the write gate (hezuo/gate.py) for every posting, as a `change`, with the
user's role and scope; a refusal writes nothing. Each changed posting gets its audit entry
(state before and after) in the same transaction.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from hezuo import access, gate
from hezuo.audit.imports import ImportAudit
from hezuo.changes import changed
from hezuo.core.services.records import write_transaction
from hezuo.jobs.models import Posting, PostingScan

CAUSES = {Posting.State.PUBLISHED: "发布岗位", Posting.State.OFFLINE: "下线岗位"}
# Which stored states each step starts from.
FROM_STATES = {
    Posting.State.PUBLISHED: (Posting.State.PENDING, Posting.State.OFFLINE),
    Posting.State.OFFLINE: (Posting.State.PENDING, Posting.State.PUBLISHED),
}


@dataclass
class StateResult:
    changed: int = 0
    skipped: int = 0  # already in that state, or expired (nothing to publish)
    expired: list = field(default_factory=list)


def set_state(user, postings, state, today=None):
    """Move `postings` (a queryset the caller has limited to what `user` sees) to `state`
    (已发布 or 已下线). Raises gate.WriteRefused naming the first posting refused; then
    nothing is written. An expired posting is not published (its valid_until is past)."""
    if state not in FROM_STATES:
        raise ValueError(state)
    today = today or timezone.localdate()
    with write_transaction():
        rows = list(postings.select_for_update(of=("self",)))
        result = StateResult()
        moving = []
        for posting in rows:
            if posting.state not in FROM_STATES[state]:
                result.skipped += 1
            elif state == Posting.State.PUBLISHED and posting.is_expired(today):
                result.skipped += 1
                result.expired.append(posting)
            else:
                moving.append(posting)
        if not moving:
            return result
        targets = gate.stored_targets(Posting, pk__in=[p.pk for p in moving])
        for refusal in gate.refusals(user, gate.CHANGE, Posting, targets.values(), first=True):
            where = next((p for p in moving if p.pk == getattr(refusal.target, "where", None)), None)
            raise gate.WriteRefused(f"岗位“{where}”：{refusal.message}" if where else refusal.message,
                                    lock=refusal.lock)
        _write_states(user, moving, state)
        result.changed = len(moving)
        return result


def _write_states(user, postings, state):
    now = timezone.now()
    stamp = access.user_of(user)
    audit = ImportAudit(stamp, cause=CAUSES[state])
    changes = []
    for posting in postings:
        before = Posting.State(posting.state).label
        posting.state = state
        if state == Posting.State.PUBLISHED:
            posting.published_at = now
        posting.version += 1
        posting.updated_by = stamp
        posting.updated_at = now
        changes.append((posting, {"state": [before, Posting.State(posting.state).label]}))
    Posting.objects.bulk_update(postings, ["state", "published_at", "version", "updated_by", "updated_at"],
                                batch_size=500)
    audit.updated(Posting, changes)
    audit.write([])
    changed()


def publish_event(user, event, today=None):
    """Publish every 待审核 posting of `event` that `user` sees (`hezuo jobs publish`)."""
    postings = access.visible(user, Posting.objects.filter(event=event, state=Posting.State.PENDING))
    return set_state(user, postings, Posting.State.PUBLISHED, today=today)


def expire(today=None):
    """Store 已下线 on published postings past their valid_until (the console's sweep; every
    page reads them as offline already). Gated as the console: its own cascade of time."""
    today = today or timezone.localdate()
    return set_state(access.CONSOLE, Posting.objects.expired(today), Posting.State.OFFLINE, today=today).changed


def count_scan(posting, today=None):
    """One more scan of `posting` today: one UPDATE, or an INSERT on the day's first scan."""
    day = today or timezone.localdate()
    if PostingScan.objects.filter(posting=posting, day=day).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            PostingScan.objects.create(posting=posting, day=day, count=1)
    except IntegrityError:  # another request inserted the day's row meanwhile
        PostingScan.objects.filter(posting=posting, day=day).update(count=F("count") + 1)
