"""Closing and reopening periods. The gate (hezuo/gate.py) reads the active locks on every
write; approving a unit's month in the review cycle calls `lock`; a city officer (the
/periods/ page) or the console (`hezuo period`) calls `lock`, `unlock` and `close_year`.

A lock is never deleted: reopening stamps it released (when, by whom, why), so the page and
the audit trail (django-auditlog logs PeriodLock's create and update, reasons included) keep
the history of every period."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hezuo import access, gate
from hezuo.periods.models import PeriodLock, month_span, reach


class PeriodError(ValueError):
    """A lock that cannot be taken or released, with a message for people."""


def _check_month(month):
    if month is not None and not 1 <= month <= 12:
        raise PeriodError(f"月份 {month} 无效，应为 1—12")


def _check_actor(actor):
    # Locks are the city office's: the review cycle approves as a city officer, the console
    # acts as the city office. Nobody else closes or reopens a period (failing closed).
    if actor is None or access.role_of(actor) != access.Role.CITY:
        raise PeriodError("只有市区域合作办可以锁定或解锁期间")


def label(unit, year, month):
    return f"{unit.name if unit else '全市'} {year}年{month}月" if month else f"{unit.name if unit else '全市'} {year}年"


@transaction.atomic
def lock(unit, year, month, *, actor, reason="", cause=PeriodLock.Cause.MANUAL, at=None,
         covers=PeriodLock.Covers.ALL):
    """Close `unit`'s `month` of `year` (the whole year when month is None): every record of
    it, or with `covers` only the kinds a narrower lock closes (PeriodLock.Covers). Returns
    the lock; closing what is closed already — by a lock of the same reach or a whole one —
    returns the lock there is. `at`: when (the review step that closes it, by default now)."""
    _check_actor(actor)
    _check_month(month)
    found = (PeriodLock.active.select_for_update().filter(unit=unit, year=year, month=month, covers__in=reach(covers))
             .order_by("id").first())
    if found:
        return found
    return PeriodLock.objects.create(unit=unit, year=year, month=month, cause=cause, covers=covers,
                                     reason=(reason or "")[:200], locked_by=access.user_of(actor),
                                     locked_at=at or timezone.now())


@transaction.atomic
def unlock(unit, year, month, *, actor, reason, at=None, covers=PeriodLock.Covers.ALL):
    """Reopen `unit`'s `month` of `year` (the lock of that reach, `covers`). A reason is
    required; raises PeriodError when the period is not closed by a lock of its own (a
    year's close is reopened as a year)."""
    _check_actor(actor)
    _check_month(month)
    if not (reason or "").strip():
        raise PeriodError("解锁须填写原因")
    found = PeriodLock.active.select_for_update().filter(unit=unit, year=year, month=month, covers=covers).first()
    if found is None:
        narrower = "" if covers == PeriodLock.Covers.ALL else f"的{PeriodLock.Covers(covers).label}"
        raise PeriodError(f"{label(unit, year, month)}{narrower} 未锁定")
    found.released_at = at or timezone.now()
    found.released_by = access.user_of(actor)
    found.release_reason = reason.strip()[:200]
    found.save(update_fields=["released_at", "released_by", "release_reason"])
    return found


def close_year(year, *, actor, reason=""):
    """年度关账: every unit's records dated in `year`."""
    return lock(None, year, None, actor=actor, reason=reason, cause=PeriodLock.Cause.YEAR)


def lock_covering(unit, day, covers=PeriodLock.Covers.ALL):
    """The active lock closing `unit`'s records dated `day` — those a lock of reach `covers`
    closes (PeriodLock.Covers) — or None: the unit's or an ancestor's month or year, or the
    whole year's close, by a lock of that reach or a whole one."""
    if day is None:
        return None
    found = gate.closing_lock(unit, day, covers)  # the lock the gate names: one rule for both
    return PeriodLock.objects.select_related("unit", "locked_by").get(pk=found["id"]) if found else None


REVIEWED = (PeriodLock.Cause.APPROVAL, PeriodLock.Cause.YEAR)


def reviewed_q(model, year):
    """A filter for `model`'s records dated in `year` whose period is reviewed: a unit's month
    approved in the reporting cycle (and not reopened since), or the year closed (年度关账).
    None when no period of that year is: nothing of it counts as 已审核. Only for dated
    records (Record.year_from): a month is read off the record's own date."""
    dated = getattr(model, "year_from", None)
    if not dated:
        return None
    condition = None
    for lock in PeriodLock.active.filter(year=year, cause__in=REVIEWED).select_related("unit"):
        if not lock.closes(model):
            continue
        first, following = month_span(year, lock.month) if lock.month else (
            datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))
        term = Q(**{f"{dated}__gte": first, f"{dated}__lt": following})
        if lock.unit_id is not None:
            term &= Q(**{f"{model.scope_path}__path__startswith": lock.unit.path})
        condition = term if condition is None else condition | term
    return condition


def reviewed_periods(year, units=None):
    """What of `year` is reviewed, for people: "南浔区 10月；吴兴区 9—10月" or "2024年已年度关账";
    "" when nothing is. `units`: the units (a queryset) whose periods to list — those the reader
    reads (access.readable_units)."""
    locks = PeriodLock.active.filter(year=year, cause__in=REVIEWED, covers=PeriodLock.Covers.ALL).select_related("unit")
    units = set(units.values_list("id", flat=True)) if units is not None else None
    months = {}
    for lock in locks:
        if lock.unit_id is None:
            return f"{year}年已年度关账"
        if units is not None and lock.unit_id not in units:
            continue
        months.setdefault(lock.unit, set()).update([lock.month] if lock.month else range(1, 13))
    return "；".join(f"{unit.name} {_month_runs(sorted(found))}" for unit, found in
                     sorted(months.items(), key=lambda item: item[0].path))


def _month_runs(months):
    """[1, 2, 3, 5] → "1—3月、5月"; all twelve → "全年"."""
    if months == list(range(1, 13)):
        return "全年"
    runs, start = [], None
    for i, month in enumerate(months):
        start = month if start is None else start
        if i + 1 == len(months) or months[i + 1] != month + 1:
            runs.append(f"{start}月" if start == month else f"{start}—{month}月")
            start = None
    return "、".join(runs)
