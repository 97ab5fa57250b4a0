"""The reporting cycle's steps: issue a task, 报送, 审核 (通过 / 退回), 撤销审核, 催报, read a notice.

Each step checks who may take it (hezuo/access.py), runs in one transaction on the row locked
for update, and is refused with a Chinese message when the submission is no longer in the
state the person saw (another officer approved it meanwhile) — nothing is written then. Every
step writes a SubmissionEvent, and django-auditlog writes its entries in the same transaction.
Approving locks the unit's month (hezuo.periods.services.lock); withdrawing the approval
releases that lock.
"""

import datetime
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from hezuo import access
from hezuo.org.models import Unit
from hezuo.periods import services as periods
from hezuo.periods.models import PeriodLock
from hezuo.reporting.models import Notice, ReportingTask, Submission, SubmissionEvent

State = Submission.State
Action = SubmissionEvent.Action


def _check_period(year, month, deadline):
    errors = {}
    if not (isinstance(year, int) and 2000 <= year <= 2100):
        errors["year"] = "年度应在 2000—2100 之间"
    if not (isinstance(month, int) and 1 <= month <= 12):
        errors["month"] = "月份应为 1—12"
    if not isinstance(deadline, datetime.date):
        errors["deadline"] = "请填写截止日期"
    elif not errors and deadline < datetime.date(year, month, 1):
        errors["deadline"] = "截止日期不能早于所报送的月份"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def issue_task(user, *, year, month, deadline, units, title="", kind=ReportingTask.Kind.MONTHLY_DATA,
               note="", at=None):
    """下发填报任务 to `units` (city officers): one Submission per unit, 未报送, and a notice to
    each unit's reporters. Returns the task."""
    access.check_issue_tasks(user)
    _check_period(year, month, deadline)
    units = list(units)
    if not units:
        raise ValidationError({"units": "请至少选择一个报送单位"})
    kind = ReportingTask.Kind(kind)
    title = (title or "").strip() or f"{year}年{month}月 {kind.label}报送"
    at = at or timezone.now()
    task = ReportingTask.objects.create(title=title, kind=kind, year=year, month=month, deadline=deadline,
                                        note=note, issued_by=access.user_of(user), issued_at=at)
    task.units.set(units)
    for unit in sorted(units, key=lambda u: u.path):
        submission = Submission.objects.create(task=task, unit=unit)
        _event(submission, user, Action.ISSUED, "", State.PENDING, at=at)
        _notify(user, access.reporters_of(unit),
                f"新的填报任务：{task.title}，请于 {deadline:%Y年%m月%d日} 前报送{unit.name}的数据", submission, at)
    return task


def _locked(submission, expected_state):
    """The submission re-read under a row lock, refused unless it is still `expected_state`
    (the state the page showed), or, without one, a state the step starts from."""
    current = Submission.objects.select_for_update().select_related("task", "unit").get(pk=submission.pk)
    if expected_state is not None and current.state != expected_state:
        raise ValidationError(f"该报送的状态已变为「{current.get_state_display()}」，请刷新页面后再操作")
    return current


def _refuse_from(current, allowed, step):
    if current.state not in allowed:
        raise ValidationError(f"该报送当前为「{current.get_state_display()}」，不能{step}")


@transaction.atomic
def submit(submission, user, expected_state=None, at=None, missing_reason=""):
    """报送 (or re-submit after 退回): a district reporter whose scope holds the unit.

    A 重点项目月报 is refused while a key project of the unit has no report of the month,
    unless `missing_reason` says why (未填报说明): it goes with the 报送 step, for the reviewer."""
    from hezuo.reporting.queries import missing_reports

    access.check_sees_submission(user, submission)
    access.check_submit(user, submission)
    current = _locked(submission, expected_state)
    _refuse_from(current, (State.PENDING, State.RETURNED), "报送")
    missing = missing_reports(current.unit, current.task)
    missing_reason = (missing_reason or "").strip()
    if missing and not missing_reason:
        raise ValidationError({"missing_reason": (
            f"以下 {len(missing)} 个重点项目尚未填报{current.task.period_label}月报：{_named(missing)}。"
            "请先填报月报，或在“未填报说明”中写明原因后再报送")})
    at = at or timezone.now()
    before = current.state
    current.state = State.SUBMITTED
    current.submitted_at, current.submitted_by = at, access.user_of(user)
    current.first_submitted_at = current.first_submitted_at or at
    current.save()
    reason = f"未填报月报：{_named(missing)}；说明：{missing_reason}" if missing else ""
    _event(current, user, Action.SUBMITTED, before, current.state, at=at, reason=reason)
    return current


def _named(projects):
    return "、".join(f"{p.code} {p.name}" for p in projects)


@transaction.atomic
def approve(submission, user, expected_state=None, at=None):
    """审核通过: records who approved which version (the n-th approval of the unit's month, the
    records it held per kind, the audit position), and locks the unit's month."""
    from hezuo.reporting.queries import month_counts

    access.check_sees_submission(user, submission)
    access.check_review(user)
    current = _locked(submission, expected_state)
    _refuse_from(current, (State.SUBMITTED,), "审核通过")
    task = current.task
    at = at or timezone.now()
    # Approvals of the unit's month so far, withdrawn ones (撤销审核) included.
    earlier = SubmissionEvent.objects.filter(
        submission__unit=current.unit, submission__task__year=task.year, submission__task__month=task.month,
        submission__task__kind=task.kind, action=Action.APPROVED).count()
    current.state = State.APPROVED
    current.reviewed_at, current.reviewed_by = at, access.user_of(user)
    current.return_reason = ""
    current.approved_version = earlier + 1
    current.approved_counts = month_counts(current.unit, task)
    current.audit_mark = LogEntry.objects.aggregate(mark=Max("id"))["mark"] or 0
    current.save()
    _event(current, user, Action.APPROVED, State.SUBMITTED, current.state, at=at,
           reason=f"审核版本：第 {current.approved_version} 版")
    periods.lock(current.unit, task.year, task.month, actor=user, cause=PeriodLock.Cause.APPROVAL,
                 reason=f"{task.title} 审核通过", at=at, covers=task.locks)
    _notify(user, access.reporters_of(current.unit), f"{current.unit.name}的“{task.title}”已审核通过，该月数据已锁定",
            current, at)
    return current


def _send_back(submission, user, reason, expected_state, at, *, step, allowed, action, missing):
    """What 退回 and 撤销审核 share: a city officer, a reason (required: `missing` says so), a
    submission still in an `allowed` state; it becomes 已退回 with the reason, by `action`."""
    access.check_sees_submission(user, submission)
    access.check_review(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": missing})
    current = _locked(submission, expected_state)
    _refuse_from(current, allowed, step)
    before = current.state
    current.state = State.RETURNED
    current.reviewed_at, current.reviewed_by = at, access.user_of(user)
    current.return_reason = reason
    current.save()
    _event(current, user, action, before, current.state, at=at, reason=reason)
    return current


@transaction.atomic
def return_submission(submission, user, reason, expected_state=None, at=None):
    """退回 with a reason (required), which the unit's reporters see on their 工作台."""
    at = at or timezone.now()
    current = _send_back(submission, user, reason, expected_state, at, step="退回", allowed=(State.SUBMITTED,),
                         action=Action.RETURNED, missing="退回原因：请填写退回原因，填报单位将看到这段说明")
    _notify(user, access.reporters_of(current.unit), f"“{current.task.title}”被退回：{current.return_reason}"[:300],
            current, at)
    return current


@transaction.atomic
def reopen(submission, user, reason, expected_state=None, at=None):
    """撤销审核: an approved month goes back to its unit to be corrected. The submission becomes
    已退回 with the reason (required), which the unit's reporters see on their 工作台, and the
    lock its approval took is released, so they can change the month's records and submit
    again; approving it then is the month's next version. A lock of another cause (a city
    officer's, the year's close) stays: the records stay closed until it is released."""
    at = at or timezone.now()
    current = _send_back(submission, user, reason, expected_state, at, step="撤销审核", allowed=(State.APPROVED,),
                         action=Action.REOPENED, missing="撤销原因：请填写撤销审核的原因，填报单位将看到这段说明")
    task = current.task
    approval_lock = PeriodLock.active.filter(unit=current.unit, year=task.year, month=task.month, covers=task.locks,
                                             cause=PeriodLock.Cause.APPROVAL)
    released = approval_lock.exists()
    if released:
        periods.unlock(current.unit, task.year, task.month, actor=user, covers=task.locks, at=at,
                       reason=f"{task.title} 撤销审核：{current.return_reason}")
    opened = "，该月数据已解锁" if released else ""
    _notify(user, access.reporters_of(current.unit),
            f"“{task.title}”已撤销审核并退回{opened}：{current.return_reason}"[:300], current, at)
    return current


@dataclass
class Reminded:
    submissions: int
    notices: int


@transaction.atomic
def remind(task, user, at=None):
    """发送催报提醒: a notice to the reporters of each unit of `task` that has not submitted
    and is past the deadline, and a 催报 step on its submission. Returns what was sent."""
    access.check_remind(user)
    at = at or timezone.now()
    today = timezone.localdate(at)
    if today <= task.deadline:
        raise ValidationError(f"“{task.title}”尚未到截止日期（{task.deadline:%Y年%m月%d日}），无需催报")
    late = list(task.submissions.select_related("unit", "task").filter(state__in=(State.PENDING, State.RETURNED)))
    days = (today - task.deadline).days
    notices = 0
    for submission in late:
        text = (f"催报：{submission.unit.name}的“{task.title}”截止日期为 {task.deadline:%Y年%m月%d日}，"
                f"已逾期 {days} 天，请尽快报送")
        notices += _notify(user, access.reporters_of(submission.unit), text, submission, at)
        _event(submission, user, Action.REMINDED, submission.state, submission.state, at=at, reason=text)
    return Reminded(len(late), notices)


def mark_read(user, notice_ids):
    """Mark the user's own notices read; another's are left alone (and not found)."""
    if not user.is_authenticated or getattr(user, "pk", None) is None:
        raise PermissionDenied("请先登录")
    with transaction.atomic():
        notices = list(Notice.objects.filter(recipient=user, pk__in=notice_ids, read_at__isnull=True))
        now = timezone.now()
        for notice in notices:  # one by one, so each is in the audit log
            notice.read_at = now
            notice.save(update_fields=["read_at"])
    return len(notices)


def _event(submission, user, action, before, after, at, reason=""):
    return SubmissionEvent.objects.create(submission=submission, action=action, from_state=before, to_state=after,
                                          actor=access.user_of(user), at=at, reason=reason)


def _notify(user, recipients, text, submission, at):
    link = reverse("reporting:submission", args=[submission.pk])
    notices = [Notice(recipient=recipient, text=text, link=link, created_at=at, created_by=access.user_of(user))
               for recipient in recipients]
    for notice in notices:  # saved one by one, so each is in the audit log
        notice.save()
    return len(notices)


def units_to_issue(kind=ReportingTask.Kind.MONTHLY_DATA, year=None):
    """The units a task is issued to by default: the districts (区县); for 重点项目月报, the
    units that hold a key project of `year`, each as the district above it when it lies under
    one (a district's submission covers its departments' projects), else itself."""
    districts = Unit.objects.filter(kind=Unit.Kind.DISTRICT)
    if kind != ReportingTask.Kind.KEY_PROJECTS:
        return districts
    from hezuo.keyprojects.queries import units_holding

    districts = list(districts)
    chosen = set()
    for unit in Unit.objects.filter(pk__in=units_holding(year)):
        above = [d for d in districts if unit.path.startswith(d.path)]
        chosen.add(max(above, key=lambda d: len(d.path)).pk if above else unit.pk)
    return Unit.objects.filter(pk__in=chosen).order_by("path")
