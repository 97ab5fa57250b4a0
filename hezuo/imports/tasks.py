"""Background work for imports and exports, run by `hezuo db_worker` (django-tasks' database backend).

The tasks live with their work (services/pipeline.py, services/exports.py); they are named
here too because tasks queued by earlier versions point at this module.
"""

from hezuo.imports.services.exports import export_in_background  # noqa: F401
from hezuo.imports.services.pipeline import import_in_background  # noqa: F401
