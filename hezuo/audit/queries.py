"""Reads of the audit trail: record changes (django-auditlog) and sign-ins (django-axes)."""

from auditlog.models import LogEntry
from axes.models import AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Subquery

from hezuo.audit.models import ImportedRange
from hezuo.kinds import REGISTRY


def audited_content_types():
    from django.contrib.auth import get_user_model

    from hezuo.imports.models import ImportRecord

    models = [kind.model for kind in REGISTRY.values()] + [get_user_model(), ImportRecord]
    return ContentType.objects.get_for_models(*models)


def change_entries(filters):
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    if filters.get("actor"):
        entries = entries.filter(actor=filters["actor"])
    if filters.get("content_type"):
        entries = entries.filter(content_type=filters["content_type"])
    if filters.get("action") not in (None, ""):
        entries = entries.filter(action=filters["action"])
    if filters.get("since"):
        entries = entries.filter(timestamp__date__gte=filters["since"])
    if filters.get("until"):
        entries = entries.filter(timestamp__date__lte=filters["until"])
    if filters.get("q"):
        entries = entries.filter(object_repr__icontains=filters["q"])
    if filters.get("object_id"):
        entries = entries.filter(of_record(filters["object_id"], filters.get("content_type")))
    return entries


def of_record(pk, content_type=None):
    """Entries of one record (of one model, if given): its own, and the entry of the import
    that created it, which lists it among a run of ids (ImportedRange) rather than by its id."""
    runs = ImportedRange.objects.filter(first_pk__lte=pk, last_pk__gte=pk)
    if content_type is None:
        return Q(object_pk=str(pk)) | Q(pk__in=runs.values("entry_id"))
    # Runs of one model never overlap: at most one holds the id. As a scalar subquery the
    # database reads it first and then both sides of the OR by index.
    runs = runs.filter(content_type=content_type).order_by("last_pk").values("entry_id")[:1]
    return Q(content_type=content_type, object_pk=str(pk)) | Q(pk=Subquery(runs))


def login_events(filters):
    """Successful and failed sign-ins, newest first, as plain dicts."""
    successes = AccessLog.objects.all()
    failures = AccessFailureLog.objects.all()
    if filters.get("username"):
        successes = successes.filter(username=filters["username"])
        failures = failures.filter(username=filters["username"])
    if filters.get("since"):
        successes = successes.filter(attempt_time__date__gte=filters["since"])
        failures = failures.filter(attempt_time__date__gte=filters["since"])
    if filters.get("until"):
        successes = successes.filter(attempt_time__date__lte=filters["until"])
        failures = failures.filter(attempt_time__date__lte=filters["until"])
    fields = ("username", "ip_address", "attempt_time", "user_agent")
    events = [dict(zip(fields, row), ok=True) for row in successes.order_by("-attempt_time").values_list(*fields)[:500]]
    events += [
        dict(zip(fields + ("locked_out",), row), ok=False)
        for row in failures.order_by("-attempt_time").values_list(*fields, "locked_out")[:500]
    ]
    events.sort(key=lambda e: e["attempt_time"], reverse=True)
    return events


def record_history(obj, *, before=None, limit=20):
    """The newest `limit` entries of one record (older than entry id `before`), and whether
    there are more: for the 修改记录 panel of its page."""
    content_type = ContentType.objects.get_for_model(type(obj))
    entries = LogEntry.objects.filter(of_record(obj.pk, content_type))
    if before:
        entries = entries.filter(pk__lt=before)
    entries = list(entries.select_related("actor", "content_type").order_by("-id")[:limit + 1])
    return entries[:limit], len(entries) > limit
