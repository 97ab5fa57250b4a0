"""Writing one record from a page: scope check, optimistic version check, audit.

The audit entry (django-auditlog's LogEntry, written by its post_save/post_delete
signals) is created inside the same transaction as the change, so a change that rolls
back leaves no audit entry and an audit entry never describes a change that did not happen.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import OperationalError, transaction
from django.db.models import ProtectedError

from hezuo import access
from hezuo.core.busy import DatabaseBusy, is_locked


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
    def __init__(self, error: ProtectedError):
        names = sorted({str(obj._meta.verbose_name) for obj in error.protected_objects})
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
    """Save a validated ModelForm for `user`. Raises VersionConflict, PermissionDenied or DatabaseBusy."""
    obj = form.instance
    model = type(obj)
    created = obj.pk is None
    with write_transaction():
        if created:
            access.check_create(user, model)
            obj.created_by = user
        else:
            current = model.objects.select_for_update().get(pk=obj.pk)
            if expected_version is None or not same_version(current, expected_version):
                raise VersionConflict(current)
            obj.version = current.version + 1
        obj.updated_by = user
        # Scope is checked on what is about to be saved: a district reporter cannot move
        # a record to another unit, whatever the form posted.
        if not access.in_scope(user, obj):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("不能把记录保存到您数据范围以外的单位")
        obj = form.save()
        obj.on_written()
    return SaveResult(obj, created)


def delete_record(obj, user, expected_version=None):
    model = type(obj)
    with write_transaction():
        current = model.objects.select_for_update().get(pk=obj.pk)
        access.check_change(user, current)
        if expected_version is None or not same_version(current, expected_version):
            raise VersionConflict(current, "删除")
        try:
            with transaction.atomic():
                current.delete()
        except ProtectedError as error:
            raise StillReferenced(error)
