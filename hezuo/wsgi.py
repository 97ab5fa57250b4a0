import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hezuo.settings")
# A page waits at most 5 s for SQLite's write lock, then answers 503 with its form kept.
os.environ.setdefault("HEZUO_SQLITE_WAIT_SECONDS", "5")
application = get_wsgi_application()
