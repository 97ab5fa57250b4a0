"""Background work for imports, run by `hezuo db_worker` (django-tasks' database backend)."""

from django_tasks import task

from hezuo.imports.models import ImportRecord
from hezuo.imports.services.uploads import run_recorded


@task()
def import_in_background(record_id):
    """Run the import of a large upload; its ImportRecord carries progress and outcome."""
    record = ImportRecord.objects.select_related("uploaded_by").get(pk=record_id)
    if record.status != ImportRecord.Status.PENDING:
        return record.status  # already run: a task is never worth importing a file twice
    run_recorded(record)
    return ImportRecord.objects.values_list("status", flat=True).get(pk=record_id)
