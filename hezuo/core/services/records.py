"""Writing records from a page: the write gate (hezuo/gate.py: role, scope, period lock),
optimistic version check, audit; deleting them into the 回收站 (hezuo.trash) and restoring
them from it.

The audit entry (django-auditlog's LogEntry, written by its post_save/post_delete
signals) is created inside the same transaction as the change, so a change that rolls
back leaves no audit entry and an audit entry never describes a change that did not happen.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import OperationalError, transaction
from django.db.models import ProtectedError, RestrictedError

from hezuo import access, gate
from hezuo.core.busy import DatabaseBusy, is_locked
from hezuo.trash import services as trash


class VersionConflict(Exception):
    """Someone else saved the record after this user opened it."""

    ADVICE = {
        "保存": "为避免覆盖他人的修改，请重新打开后再编辑。",
        "删除": "请重新打开，看过修改后的内容再决定是否删除。",
    }

    def __init__(self, current, action="保存"):
        self.current = current
        who = current.updated_by or "其他用户"
        when = current.updated_at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if current.updated_at else ""
        super().__init__(
            f"{action}失败：这条记录已被 {who} 于 {when} 修改（当前版本 {current.version}）。{self.ADVICE[action]}"
        )


class StillReferenced(Exception):
    def __init__(self, error):
        objs = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
        names = sorted({str(obj._meta.verbose_name) for obj in objs})
        super().__init__(f"不能删除：仍有{'、'.join(names)}引用这条记录，请先处理这些记录。")


@dataclass
class SaveResult:
    obj: object
    created: bool


def same_version(current, posted):
    """Compared as text, so a garbled version from a tampered form is a conflict, not a crash."""
    return str(current.version) == str(posted).strip()


@contextmanager
def write_transaction():
    """transaction.atomic, raising DatabaseBusy when SQLite's write lock cannot be had.

    The transaction begins IMMEDIATE (settings), so the lock is taken before anything is
    written: a busy database leaves nothing half-written, and the form keeps its input.
    """
    try:
        with transaction.atomic():
            yield
    except OperationalError as error:
        if is_locked(error):
            raise DatabaseBusy() from error
        raise


def save_record(form, user, expected_version=None):
    """Save a validated ModelForm for `user`. Raises VersionConflict, gate.WriteRefused (a
    PermissionDenied) or DatabaseBusy."""
    with write_transaction():
        return _save(form, user, expected_version)


def save_records(forms, user):
    """Save several new records (the rows of a several-row form) in one transaction: all or
    none. Each passes the same checks as `save_record`."""
    with write_transaction():
        return [_save(form, user) for form in forms]


def _save(form, user, expected_version=None):
    obj = form.instance
    model = type(obj)
    created = obj.pk is None
    if created:
        # Checked on what is about to be saved: a district reporter cannot put a record in
        # another unit, nor anyone in a closed period, whatever the form posted.
        gate.check_record(user, gate.CREATE, obj)
        obj.created_by = access.user_of(user)
    else:
        current = model.objects.select_for_update().get(pk=obj.pk)
        # Where it is and where it goes: moving a record out of a closed month changes that month.
        gate.check_record(user, gate.CHANGE, obj, before=gate.target_of(current))
        if expected_version is None or not same_version(current, expected_version):
            raise VersionConflict(current)
        obj.version = current.version + 1
    if getattr(obj, "from_package", False):
        raise PermissionDenied("国家区划数据来自区划包，不能修改")
    obj.updated_by = access.user_of(user)
    obj = form.save()
    obj.on_written()
    return SaveResult(obj, created)


def delete_preview(obj):
    """What deleting `obj` takes with it (trash.services.Consequences), or StillReferenced."""
    try:
        return trash.consequences(obj)
    except (ProtectedError, RestrictedError) as error:
        raise StillReferenced(error)


def delete_record(obj, user, expected_version=None, reason=""):
    """Delete `obj` and what goes with it into the 回收站, the only way records are deleted.

    Raises VersionConflict, gate.WriteRefused, StillReferenced or DatabaseBusy; nothing is
    deleted then. Returns the TrashEntry."""
    model = type(obj)
    with write_transaction():
        current = model.objects.select_for_update().get(pk=obj.pk)
        gate.check_record(user, gate.DELETE, current)
        if getattr(current, "from_package", False):
            raise PermissionDenied("国家区划数据来自区划包，不能删除")
        if expected_version is None or not same_version(current, expected_version):
            raise VersionConflict(current, "删除")
        found = delete_preview(current)
        trash.check_deletable(user, current, found)  # what goes with it passes the gate too
        return trash.move_to_trash(current, user, reason, found=found)


def restore_record(entry_id, user):
    """Bring a trash entry's records back (city officers). Raises CannotRestore,
    gate.WriteRefused, TrashEntry.DoesNotExist or DatabaseBusy."""
    with write_transaction():
        return trash.restore(entry_id, user)
