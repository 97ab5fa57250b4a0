"""The one gate every write passes: role, data scope and period lock, failing closed.

Pages (core/services/records.py), the importer (in its check phase, so a dry run lists what
it refuses), the cascades (a project's funds following it, a trash restore, the importer's
followers) and the console all call `check` or, for many rows at once, `refusals`. Nothing
else decides whether a record may be written; docs/architecture.md lists every write path.

What it checks, for a write of `action` (create / change / delete / restore) on `model`,
against `targets`: where the record is BEFORE and AFTER the write (moving a record out of a
closed month changes that month too):

1. role: the actor's role is in `model.write_roles` (a leader, an admin, an auditor write no
   business record, on any path); `None` is no actor and is refused — the console passes
   `access.CONSOLE`;
2. scope: a district reporter writes records whose owning unit is in their unit's subtree; a
   record whose unit cannot be determined is refused for them, never waved through;
3. period: a record dated in a closed period (hezuo.periods) is not created, changed, deleted
   or restored. A dated record (`Record.year_from`) is closed by its unit's (or an ancestor
   unit's) month or year lock and by the whole year's close (年度关账); a record with only a
   `year` (a project, an honor, a park's yearly figures) by the year locks only; a record with
   neither (a cadre, a park) by none. A record without a unit is closed by 年度关账 only.

The locks are read in one query per call and matched in Python, so the importer checks a
sheet of any length in one or two queries.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from hezuo import access

CREATE, CHANGE, DELETE, RESTORE = "create", "change", "delete", "restore"
VERBS = {CREATE: "新增", CHANGE: "修改", DELETE: "删除", RESTORE: "恢复"}
REOPEN = "如确需{verb}，请联系市区域合作办说明原因后解锁该期间。"
LOCKED = {"approval": "已审核锁定（审核通过）", "manual": "已锁定（手工锁定）", "year": "已年度关账"}


class WriteRefused(PermissionDenied):
    """A write the gate refuses, with a message for people. `lock` is the PeriodLock (as a
    dict of its values) when a closed period is why; pages answer 409 then, else 403."""

    def __init__(self, message, *, lock=None, where=None):
        super().__init__(message)
        self.message = message
        self.lock = lock
        self.where = where  # what the caller said the target was (an import's (sheet, row))

    @property
    def status(self):
        return 409 if self.lock else 403

    def __str__(self):
        return self.message


@dataclass(slots=True)  # not frozen: the importer makes one a row, and frozen ones cost 4x to make
class Target:
    """Where a record is: its owning unit's id (None: none, or it cannot be determined) and its
    period — the date it is dated by, or only a year. `where` is passed back in a refusal."""

    unit_id: object = None
    day: datetime.date | None = None
    year: int | None = None
    where: object = None

    @property
    def period_year(self):
        return self.day.year if self.day is not None else self.year


# -- what a record's target is -----------------------------------------------------------------


def period_fields(model):
    """(date field, year field) a model's records are put in a period by, from its declaration
    (hezuo.records.Record): the date of a dated record (`year_from`), else its own year field
    (`year_path` naming a field of the record itself), else neither."""
    if getattr(model, "year_from", None):
        return model.year_from, None
    year = getattr(model, "year_path", None)
    return None, (year if isinstance(year, str) and "__" not in year else None)


def unit_lookup(model):
    """The values() path of a record's owning unit's id (`project__unit` for a fund), or None."""
    path = getattr(model, "scope_path", None)
    return None if path is None else path + ("_id" if "__" not in path else "")


def target_of(obj, where=None):
    """The target of a record as it is in memory (a form's instance about to be saved)."""
    model = type(obj)
    unit_id = None
    if getattr(model, "scope_path", None):
        *through, last = model.scope_path.split("__")
        node = obj
        for part in through:
            node = getattr(node, part, None)
            if node is None:
                break
        if node is not None:
            unit_id = getattr(node, type(node)._meta.get_field(last).attname, None)
    day_field, year_field = period_fields(model)
    day = getattr(obj, day_field, None) if day_field else None
    if isinstance(day, datetime.datetime):
        day = day.date()
    year = getattr(obj, year_field, None) if year_field else None
    return Target(unit_id, day if isinstance(day, datetime.date) else None,
                  year if isinstance(year, int) else None, where)


def stored_targets(model, where="pk", **filters):
    """{pk: Target} of the stored records of `model` matching `filters`, in one query (the
    caller batches long id lists); each Target's `where` is the record's `where` field."""
    unit = unit_lookup(model)
    day_field, year_field = period_fields(model)
    columns = list(dict.fromkeys(["pk", where] + [c for c in (unit, day_field, year_field) if c]))
    found = {}
    for row in model._base_manager.filter(**filters).values(*columns):
        found[row["pk"]] = Target(row[unit] if unit else None, row[day_field] if day_field else None,
                                  row[year_field] if year_field else None, row[where])
    return found


# -- the gate -------------------------------------------------------------------------------


@dataclass
class Refusal:
    target: Target | None
    reason: str  # role, scope, lock
    message: str
    lock: dict | None = None


def check(actor, action, model, targets):
    """Raise WriteRefused unless `actor` may do `action` to `model` records at all of `targets`."""
    for refusal in refusals(actor, action, model, targets, first=True):
        raise WriteRefused(refusal.message, lock=refusal.lock, where=refusal.target and refusal.target.where)


def check_record(actor, action, obj, before=None):
    """`check` for one record: `obj` as it will be (create, change, restore) or as it is
    (delete); `before`, for a change, the stored record's Target."""
    after = target_of(obj)
    check(actor, action, type(obj), [after] if before is None else [before, after])


def check_cascade(model, targets, action=CHANGE):
    """A write that follows another, already checked for its actor (a project's funds taking
    its new program or unit): only the periods are checked, for the records it changes."""
    for refusal in _lock_refusals(action, model, targets, first=True):
        raise WriteRefused(refusal.message, lock=refusal.lock)


def refusals(actor, action, model, targets, *, first=False, locks=None):
    """Every Refusal of `actor` doing `action` to `model` records at `targets` (an iterable;
    each Target's `where` comes back in its refusal). Role problems are about the whole
    write and come once, with no target. `locks`: the active locks read already (the
    importer reads them once), else read here."""
    problem = role_refusal(actor, action, model)
    if problem:
        return [problem]
    targets = list(targets)
    found = scope_refusals(actor, action, model, targets, first)
    if found and first:
        return found
    bad = {id(r.target) for r in found}
    found += _lock_refusals(action, model, [t for t in targets if id(t) not in bad], first=first, locks=locks)
    return found


def places_matter(actor, model, locks):
    """Would `refusals` look at where the records are? Not for the city office writing a kind
    no active lock can close (the common large import): the caller may skip making targets."""
    if getattr(model, "scope_path", None) is not None and access.role_of(actor) != access.Role.CITY:
        return True
    return bool(locks) and any(period_fields(model))


def role_refusal(actor, action, model):
    role = access.role_of(actor) if actor is not None else None
    if role is None:
        return Refusal(None, "role", "没有确定操作人，不能写入数据")
    if action == RESTORE and not access.can_restore(actor):
        return Refusal(None, "role", "只有市级业务人员可以从回收站恢复记录，请联系市区域合作办")
    if role not in getattr(model, "write_roles", ()):  # a model that declares none is written by no one
        verb = "新增或修改" if action in (CREATE, CHANGE) else VERBS[action]
        if role == access.Role.LEADER:
            return Refusal(None, "role", f"领导账号只能查看，没有{verb}数据的权限")
        return Refusal(None, "role", f"您没有{verb}“{model._meta.verbose_name}”的权限")
    return None


def scope_refusals(actor, action, model, targets, first=False):
    if getattr(model, "scope_path", None) is None or access.role_of(actor) == access.Role.CITY:
        return []
    paths = access.unit_paths([t.unit_id for t in targets if t.unit_id is not None])
    found = []
    for target in targets:
        if target.unit_id is None:
            found.append(Refusal(target, "scope", "无法确定这条记录所属的单位，不能写入"))
        elif not access.writes_in_unit(actor, paths.get(target.unit_id)):
            found.append(Refusal(target, "scope", "这条记录不在您的数据范围内，您只能写入本单位及下属单位的数据"))
        else:
            continue
        if first:
            break
    return found


def active_locks():
    """The active locks, as dicts, in one query."""
    from hezuo.periods.models import PeriodLock

    return list(PeriodLock.active.values("id", "unit_id", "unit__path", "unit__name", "year", "month", "cause",
                                          "covers", "reason", "locked_at"))


def _lock_refusals(action, model, targets, first=False, locks=None):
    day_field, year_field = period_fields(model)
    if not (day_field or year_field) or not targets:
        return []
    from hezuo.periods.models import closes

    locks = active_locks() if locks is None else locks
    by_year = _by_year([lock for lock in locks if closes(lock["covers"], model)])
    if not by_year:
        return []
    paths = access.unit_paths([t.unit_id for t in targets if t.unit_id is not None])
    found = []
    for target in targets:
        lock = _closing(by_year.get(target.period_year, ()), target.day.month if target.day is not None else None,
                        paths.get(target.unit_id))
        if lock is not None:
            found.append(Refusal(target, "lock", lock_message(lock, action), lock))
            if first:
                break
    return found


def _by_year(locks):
    """{year: locks}, each year's month locks before its whole-year ones and a unit's before
    the city's: the closest cause first."""
    by_year = {}
    for lock in sorted(locks, key=lambda lock: (lock["month"] is None, lock["unit__path"] is None)):
        by_year.setdefault(lock["year"], []).append(lock)
    return by_year


def _closing(candidates, month, path):
    """The first of a year's `candidates` (_by_year) closing a record of `month` (None: a
    record with a year only) of the unit at `path` (None: no unit's record)."""
    for lock in candidates:
        if lock["month"] is not None and lock["month"] != month:
            continue
        if lock["unit__path"] is not None and not (path and path.startswith(lock["unit__path"])):
            continue
        return lock
    return None


def closing_lock(unit, day, covers):
    """The active lock (as a dict) closing `unit`'s records dated `day` of reach `covers`
    (PeriodLock.Covers: a lock of that reach or a whole one), the one the gate would name."""
    from hezuo.periods.models import reach

    by_year = _by_year([lock for lock in active_locks() if lock["covers"] in reach(covers)])
    return _closing(by_year.get(day.year, ()), day.month, unit.path if unit is not None else None)


def lock_message(lock, action):
    """南浔区 2024年3月 已审核锁定（审核通过），不能修改该期间的记录。如确需修改，请联系市区域合作办说明原因后解锁该期间。"""
    unit = lock["unit__name"] or "全市"
    period = f"{lock['year']}年{lock['month']}月" if lock["month"] else f"{lock['year']}年"
    verb = VERBS[action]
    return f"{unit} {period} {LOCKED.get(lock['cause'], '已锁定')}，不能{verb}该期间的记录。{REOPEN.format(verb=verb)}"


def closed_for(actor, action, obj):
    """A WriteRefused when `obj`, where it is now, lies in a closed period (for a page to say
    so at once, before anyone types), else None. Role and scope are the page's own checks."""
    found = _lock_refusals(action, type(obj), [target_of(obj)], first=True)
    return WriteRefused(found[0].message, lock=found[0].lock) if found else None
