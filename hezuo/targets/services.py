"""Deleting a target. Setting one goes through the record service (targets/views.py); a
delete is its own: the 回收站 (hezuo.trash) keeps records of the registered record kinds
(its list, restore and the page a restore opens are the kind's), and a target is not one.
What a deleted target was stays in its audit entry (every field, who, when, why)."""

from hezuo import gate
from hezuo.core.services.records import VersionConflict, same_version, write_transaction
from hezuo.targets.models import Target


def delete_target(target, user, expected_version=None, reason=""):
    """Delete `target` through the gate (city officers; a closed year refuses it), with its
    audit entry in the same transaction. Raises gate.WriteRefused, VersionConflict (the page
    showed an older version) or DatabaseBusy; nothing is deleted then."""
    with write_transaction():
        current = Target.objects.select_for_update().get(pk=target.pk)
        gate.check_record(user, gate.DELETE, current)
        if expected_version is None or not same_version(current, expected_version):
            raise VersionConflict(current, "删除")
        reason = (reason or "").strip()[:200]
        # django-auditlog stores what the instance's get_additional_data returns beside the
        # delete entry (as the trash does with its own note).
        current.get_additional_data = lambda: {"reason": reason} if reason else None
        current.delete()
    return current
