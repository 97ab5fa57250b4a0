"""Closing and reopening periods. The gate (hezuo/gate.py) asks `lock_covering` on every
write; approving a unit's month in the review cycle calls `lock`; a city officer (a page) or
the console (`hezuo period`) calls `lock`, `unlock` and `close_year`."""

from django.db import transaction
from django.db.models import Q

from hezuo.periods.models import PeriodLock


class PeriodError(ValueError):
    """A lock that cannot be taken or released, with a message for people."""


def _check_month(month):
    if month is not None and not 1 <= month <= 12:
        raise PeriodError(f"月份 {month} 无效，应为 1—12")


@transaction.atomic
def lock(unit, year, month, *, actor, reason="", cause=PeriodLock.Cause.MANUAL):
    """Close `unit`'s `month` of `year` (the whole year when month is None). Returns the
    lock; closing what is closed already returns the lock there is."""
    _check_month(month)
    found = PeriodLock.objects.select_for_update().filter(unit=unit, year=year, month=month).first()
    if found:
        return found
    return PeriodLock.objects.create(unit=unit, year=year, month=month, cause=cause, reason=reason,
                                     locked_by=actor)


@transaction.atomic
def unlock(unit, year, month, *, actor, reason):
    """Reopen `unit`'s `month` of `year`. A reason is required; raises PeriodError when the
    period is not closed by a lock of its own (a year's close is reopened as a year)."""
    _check_month(month)
    if not (reason or "").strip():
        raise PeriodError("解锁须填写原因")
    found = PeriodLock.objects.select_for_update().filter(unit=unit, year=year, month=month).first()
    if found is None:
        label = f"{year}年{month}月" if month else f"{year}年"
        raise PeriodError(f"{unit.name if unit else '全市'} {label} 未锁定")
    found.delete()
    return found


def close_year(year, *, actor, reason=""):
    """年度关账: every unit's records dated in `year`."""
    return lock(None, year, None, actor=actor, reason=reason, cause=PeriodLock.Cause.YEAR)


def lock_covering(unit, day):
    """The lock closing a record of `unit` dated `day`, or None: the unit's or an ancestor's
    month or year, or the whole year's close."""
    if unit is None or day is None:
        return None
    return (PeriodLock.objects.filter(year=day.year)
            .filter(Q(month=day.month) | Q(month__isnull=True))
            .filter(Q(unit__isnull=True) | Q(unit__path__in=unit.ancestor_paths()))
            .select_related("unit", "locked_by").order_by("month", "id").first())
