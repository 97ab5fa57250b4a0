"""SQLite has one write lock. While an import writes (its one transaction can take minutes
at national scale), every other save waits for the lock up to the busy timeout (5 s for web
processes, settings / hezuo.wsgi) and then fails with "database is locked".

Such a save must not lose what the user typed: the record forms catch `DatabaseBusy`
(hezuo/core/services/records.py) and show the form again with its input and BUSY_MESSAGE,
status 503. Any other write page that meets the lock gets `DatabaseBusyMiddleware`'s 503
page instead of a 500: it says the same and carries what was posted in a form that posts
it again (passwords and files excepted: those are never echoed into a page).
"""

from django.db import OperationalError
from django.shortcuts import render

BUSY_MESSAGE = "系统正忙（正在写入其他数据，如批量导入），这次保存没有完成，也没有写入任何内容。您填写的内容仍在下面，请稍等片刻后再点击保存。"
RETRY_AFTER_SECONDS = 10


class DatabaseBusy(Exception):
    def __init__(self, message=BUSY_MESSAGE):
        super().__init__(message)


def is_locked(error):
    return isinstance(error, OperationalError) and "is locked" in str(error).lower()


def busy(response):
    response.status_code = 503
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_locked(exception):
            return None
        fields = []
        if request.method == "POST":
            fields = [(name, value) for name, values in request.POST.lists() for value in values
                      if "password" not in name.lower()]
        return busy(render(request, "core/busy.html", {
            "fields": fields, "action": request.get_full_path(), "had_files": bool(request.FILES),
            "dropped_passwords": request.method == "POST" and any("password" in n.lower() for n in request.POST),
        }))
