"""Who runs an import or an export, whether they still do, and what to do when they died.

django-tasks-db (0.13) keeps, for a task, its status, when it started and the random ids of
the workers that claimed it: nothing says a worker is still alive. A worker killed with
SIGKILL (or by the OOM killer, or a reboot) leaves its task RUNNING for ever, and no worker
takes a RUNNING task again. So each run (`BackgroundRun`: ImportRecord, ExportRecord) holds
a lease while it runs, in a worker, a web request or a command alike:

- `holder`: host, process id and process start time of the process running it;
- `heartbeat_at`: renewed every BACKGROUND_HEARTBEAT_SECONDS by a thread of that process,
  on the thread's own database connection.

A run is dead when its heartbeat is older than BACKGROUND_LEASE_SECONDS and, when its holder
is on this host, that process is gone. The second condition is for SQLite: while an import
writes, its transaction holds the database's one write lock for as long as the write takes,
so the heartbeat (another connection) cannot be written; the thread gives up at once and
tries again at the next beat. A stale heartbeat from a live process on this host is that,
not death. SQLite is always on one host (WAL needs shared memory), so there the process
check decides; on PostgreSQL the import's transaction never locks its ImportRecord row, the
heartbeat is written throughout, and workers on other hosts are judged by it alone.

A dead run is marked failed with a Chinese message, and its django-tasks result is marked
FAILED too, so nothing shows it RUNNING any more.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

DIED = {
    "ImportRecord": "后台导入进程意外中止（如服务器重启或进程被强制结束），本次导入未写入任何数据。可以用原文件重新导入。",
    "ExportRecord": "后台导出进程意外中止（如服务器重启或进程被强制结束），文件未生成。请重新导出。",
}
DIED_AFTER_WRITING = "导入已写入数据库，但导入进程在记录结果前意外中止，各表新增、更新的条数见审计日志。无需重新导入。"


def _start_ticks(pid):
    """When process `pid` started (clock ticks since boot), and whether it is a zombie; None if unknown."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[19], fields[0] == "Z"


def this_process():
    """The lease holder's name for this process: host, pid and start time (a reused pid differs)."""
    pid = os.getpid()
    ticks = _start_ticks(pid)
    return f"{socket.gethostname()}:{pid}:{ticks[0] if ticks else 0}"


def holder_alive(holder):
    """True or False for a holder on this host; None for another host's, which we cannot see."""
    try:
        host, pid, ticks = holder.rsplit(":", 2)
        pid = int(pid)
    except ValueError:
        return False
    if host != socket.gethostname():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    seen = _start_ticks(pid)
    if seen is None:
        return True
    started, zombie = seen
    return not zombie and (ticks == "0" or started == ticks)


def is_dead(run, now=None):
    """Has whoever runs `run` died? Only asked of runs not finished."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.BACKGROUND_LEASE_SECONDS)
    if run.status == "running":
        # Runs from before leases have no heartbeat: their start is their last sign of life.
        last_seen = run.heartbeat_at or run.started_at
        if last_seen is None or last_seen > now - lease:
            return False
        return not holder_alive(run.holder) if run.holder else True
    # Pending: dead only if a worker claimed its task and then died before taking the lease.
    task = _task_of(run)
    if task is None:
        return False
    if task.status == "RUNNING":
        return task.started_at is not None and task.started_at < now - lease
    return task.status in ("FAILED", "SUCCESSFUL")  # the task ended without running it


def _task_of(run):
    if not run.task_id:
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(pk=run.task_id).first()


def claim(run, **fields):
    """Take the lease of a pending run (compare and set: two workers never run one). True if taken."""
    now = timezone.now()
    taken = type(run).objects.filter(pk=run.pk, status="pending").update(
        status="running", started_at=now, holder=this_process(), heartbeat_at=now, **fields)
    if taken:
        run.refresh_from_db()
    return bool(taken)


class Heartbeat:
    """`with Heartbeat(run):` renews run's lease from a thread until the block ends."""

    def __init__(self, run):
        self.model, self.pk, self.holder = type(run), run.pk, run.holder
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.beat, name=f"heartbeat-{self.model.__name__}-{run.pk}",
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def beat(self):
        try:
            while not self.stop.wait(settings.BACKGROUND_HEARTBEAT_SECONDS):
                try:
                    if connection.vendor == "sqlite":
                        # Our own import may hold the write lock for minutes: give up at once.
                        connection.cursor().execute("PRAGMA busy_timeout = 200")
                    self.model.objects.filter(pk=self.pk, holder=self.holder).update(heartbeat_at=timezone.now())
                except OperationalError as error:
                    logger.debug("Heartbeat of %s #%s skipped: %s", self.model.__name__, self.pk, error)
        finally:
            connection.close()  # this thread's own connection


def fail_dead(run):
    """Mark a dead run failed (and its task), unless it has moved on meanwhile. True if marked."""
    from django_tasks_db.models import DBTaskResult

    model = type(run)
    now = timezone.now()
    message = DIED[model.__name__]
    status = "failed"
    if model.__name__ == "ImportRecord" and _import_committed(run):
        message, status = DIED_AFTER_WRITING, "succeeded"
    with transaction.atomic():
        # Compare and set on what was judged: a heartbeat or a finish since then wins.
        marked = model.objects.filter(pk=run.pk, status=run.status, heartbeat_at=run.heartbeat_at).update(
            status=status, finished_at=now, phase="进程意外中止", error=message)
        if marked and run.task_id:
            DBTaskResult.objects.filter(pk=run.task_id, status__in=["RUNNING", "READY"]).update(
                status="FAILED", finished_at=now, exception_class_path="hezuo.imports.services.leases.WorkerDied",
                traceback=f"{message}（运行进程 {run.holder or '未知'}）")
    if marked:
        logger.warning("%s #%s: its process %s died; marked %s", model.__name__, run.pk, run.holder or "?", status)
        run.refresh_from_db()
    return bool(marked)


def _import_committed(record):
    """Did the import's transaction commit before its process died? Its audit entry says so."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(type(record)),
                                   object_pk=str(record.pk), action=LogEntry.Action.CREATE).exists()


def recover(run):
    """The page's check: if `run` is unfinished and its process died, mark it. Returns run."""
    if not run.finished and is_dead(run):
        fail_dead(run)
    return run


def recover_all(model):
    """Every unfinished run of `model` whose process died, marked; returns the ones marked."""
    marked = []
    for run in model.objects.filter(status__in=["pending", "running"]).order_by("pk"):
        if is_dead(run) and fail_dead(run):
            marked.append(run)
    return marked


def save_progress(run, **fields):
    """Progress is worth a try, not a failed run: on SQLite another writer may hold the lock."""
    try:
        type(run).objects.filter(pk=run.pk).update(**fields)
    except OperationalError:
        pass
