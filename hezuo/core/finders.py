"""A static files finder for the few files we take from npm packages (settings.VENDOR_STATIC).

A STATICFILES_DIRS prefix entry would collect whole package directories (echarts/dist is
50 MB of builds we never serve); this finder offers exactly the files named, each under the
static path given, so `collectstatic`, whitenoise and `{% static %}` treat them as our own.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class VendorFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.files = {name: Path(path) for name, path in getattr(settings, "VENDOR_STATIC", {}).items()}

    def check(self, **kwargs):
        errors = []
        for name, path in self.files.items():
            if Path(name).name != path.name:
                errors.append(Error(f"VENDOR_STATIC: {name} must keep the file name of {path}", id="hezuo.E001"))
        return errors

    def find(self, path, find_all=False, **kwargs):
        found = self.files.get(path)
        if found is None or not found.exists():
            return [] if find_all else None
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns):
        for name, path in self.files.items():
            if not path.exists():
                continue  # `npm ci` not run yet; pages say so where the file is needed
            storage = FileSystemStorage(location=str(path.parent))
            storage.prefix = str(Path(name).parent)  # collectstatic writes it as prefix/file name
            yield path.name, storage
