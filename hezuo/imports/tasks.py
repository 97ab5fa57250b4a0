"""Background work for imports and exports, run by `hezuo db_worker` (django-tasks' database backend)."""

from django_tasks import task

from hezuo.imports.models import ExportRecord, ImportRecord
from hezuo.imports.services.uploads import run_recorded


@task()
def import_in_background(record_id):
    """Run the import of a large upload; its ImportRecord carries progress and outcome."""
    record = ImportRecord.objects.select_related("uploaded_by").get(pk=record_id)
    if record.status != ImportRecord.Status.PENDING:
        return record.status  # already run: a task is never worth importing a file twice
    run_recorded(record)
    return ImportRecord.objects.values_list("status", flat=True).get(pk=record_id)


@task()
def export_in_background(record_id):
    """Write a large export to its file under the data directory; its ExportRecord carries progress."""
    from hezuo.imports.services.exports import run_export

    record = ExportRecord.objects.select_related("requested_by").get(pk=record_id)
    if record.status != ExportRecord.Status.PENDING:
        return record.status
    run_export(record)
    return ExportRecord.objects.values_list("status", flat=True).get(pk=record_id)
