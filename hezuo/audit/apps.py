from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hezuo.audit"
    verbose_name = "审计"

    def ready(self):
        from auditlog.models import LogEntry
        from django.conf import settings
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_save, pre_delete, pre_save

        from hezuo.audit import chain

        post_save.connect(chain.entry_written, sender=LogEntry, dispatch_uid="hezuo_audit_seal")
        pre_save.connect(refuse_entry_change, sender=LogEntry, dispatch_uid="hezuo_audit_no_update")
        pre_delete.connect(refuse_entry_delete, sender=LogEntry, dispatch_uid="hezuo_audit_no_delete")
        pre_delete.connect(refuse_user_delete, sender=settings.AUTH_USER_MODEL,
                           dispatch_uid="hezuo_audit_no_user_delete")
        connection_created.connect(chain.sqlite_unlocked_function, dispatch_uid="hezuo_audit_sqlite_function")


# The database triggers refuse these too; the ORM refuses first, with a message for people.


def refuse_entry_change(sender, instance, raw=False, **kwargs):
    from hezuo.audit.chain import AuditTrailLocked

    if not instance._state.adding:
        raise AuditTrailLocked("审计日志条目不可修改")


def refuse_entry_delete(sender, instance, **kwargs):
    from hezuo.audit.chain import AuditTrailLocked

    raise AuditTrailLocked("审计日志条目不可删除；保留期满后用 hezuo audit archive 归档")


def refuse_user_delete(sender, instance, **kwargs):
    """Entries name their actor; deleting a user would blank it in every entry (an UPDATE the
    chain reports as tampering). Users leave by being deactivated."""
    from hezuo.audit.chain import AuditTrailLocked

    raise AuditTrailLocked(f"用户“{instance}”不能删除，请停用该账号：审计日志须保留操作人")
