"""The reporting cycle's pages: tasks, a task's units, a submission's review page, the 催报
board, and marking notices read. Each step is a POST to a service (hezuo/reporting/services.py)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hezuo import access
from hezuo.periods.services import lock_covering
from hezuo.reporting import queries, services
from hezuo.reporting.forms import TaskForm
from hezuo.reporting.models import ReportingTask, Submission, SubmissionEvent


def _message(error):
    if hasattr(error, "message_dict"):
        return "；".join(m for ms in error.message_dict.values() for m in ms)
    return "；".join(error.messages)


def task_list(request):
    """The tasks of one year (?year=, the latest with tasks by default), with links to the others."""
    access.check_read_reporting(request.user)
    every = queries.tasks_for(request.user)
    years = sorted(set(every.values_list("year", flat=True)), reverse=True)
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else (years[0] if years else None)
    tasks = list(every.filter(year=year).prefetch_related("submissions"))
    visible = set(access.visible(request.user, Submission.objects.all()).values_list("pk", flat=True))
    for task in tasks:
        mine = [s for s in task.submissions.all() if s.pk in visible]
        task.total = len(mine)
        task.counts = [(label, sum(1 for s in mine if s.state == value)) for value, label in Submission.State.choices]
    return render(request, "reporting/task_list.html", {
        "tasks": tasks, "years": years, "year": year, "can_issue": access.can_issue_tasks(request.user),
        "today": timezone.localdate()})


def task_new(request):
    access.check_issue_tasks(request.user)
    today = timezone.localdate()
    last = today.replace(day=1) - datetime.timedelta(days=1)
    kind = ReportingTask.Kind.KEY_PROJECTS if request.GET.get("kind") == ReportingTask.Kind.KEY_PROJECTS \
        else ReportingTask.Kind.MONTHLY_DATA
    initial = {"kind": kind, "year": last.year, "month": last.month,
               "deadline": today.replace(day=10) if today.day < 10 else today,
               "units": list(services.units_to_issue(kind, last.year))}
    form = TaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.issue_task(request.user, year=data["year"], month=data["month"],
                                       deadline=data["deadline"], units=data["units"], title=data["title"],
                                       kind=data["kind"], note=data["note"])
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, f"已下发“{task.title}”，共 {task.submissions.count()} 个单位")
            return redirect("reporting:task", task.pk)
    return render(request, "reporting/task_form.html", {"form": form, "kind": kind, "kinds": ReportingTask.Kind},
                  status=422 if form.errors else 200)


def task_detail(request, pk):
    access.check_read_reporting(request.user)
    task = access.visible_tasks(request.user, ReportingTask.objects.select_related("issued_by")).filter(pk=pk).first()
    if task is None:
        raise Http404("记录不存在或不在您的数据范围内")
    today = timezone.localdate()
    submissions = list(access.visible(request.user, task.submissions.select_related("unit", "submitted_by",
                                                                                    "reviewed_by")))
    for submission in submissions:
        submission.task = task
        submission.can_submit = access.can_submit(request.user, submission)
        submission.late = submission.late_days(today)
        owes = submission.state in (Submission.State.PENDING, Submission.State.RETURNED)
        submission.overdue = max((today - task.deadline).days, 0) if owes else 0
    late = [s for s in submissions if s.state in (Submission.State.PENDING, Submission.State.RETURNED)]
    return render(request, "reporting/task_detail.html", {
        "task": task, "submissions": submissions, "can_review": access.can_review(request.user),
        "can_remind": access.can_review(request.user) and bool(late) and today > task.deadline, "today": today})


def submission_detail(request, pk, error=None, status=200):
    access.check_read_reporting(request.user)
    submission = access.get_visible_or_404(
        request.user, Submission, pk,
        queries.with_last_action(Submission.objects.select_related("task", "unit", "submitted_by", "reviewed_by",
                                                                   "task__issued_by")))
    context = queries.review(submission, request.user)
    context.update({
        "submission": submission, "task": submission.task, "error": error,
        "events": submission.events.select_related("actor"),
        "can_submit": access.can_submit(request.user, submission)
        and submission.state in (Submission.State.PENDING, Submission.State.RETURNED),
        "can_review": access.can_review(request.user) and submission.state == Submission.State.SUBMITTED,
        "can_reopen": access.can_review(request.user) and submission.state == Submission.State.APPROVED,
        "reopened": submission.last_action == SubmissionEvent.Action.REOPENED,  # and so 已退回
        "late": submission.late_days(timezone.localdate()),
        "lock": lock_covering(submission.unit, datetime.date(submission.task.year, submission.task.month, 1),
                              covers=submission.task.locks),
    })
    return render(request, "reporting/submission.html", context, status=status)


def _step(request, pk, step, done):
    submission = access.get_visible_or_404(request.user, Submission, pk, Submission.objects.select_related("unit"))
    try:
        step(submission)
    except ValidationError as error:
        return submission_detail(request, pk, error=_message(error), status=422)
    messages.success(request, done)
    return redirect("reporting:submission", pk)


@require_POST
def submission_submit(request, pk):
    expected = request.POST.get("state")
    reason = request.POST.get("missing_reason", "")
    return _step(request, pk, lambda s: services.submit(s, request.user, expected, missing_reason=reason),
                 "已报送，等待市区域合作办审核")


@require_POST
def submission_approve(request, pk):
    expected = request.POST.get("state")
    return _step(request, pk, lambda s: services.approve(s, request.user, expected), "已审核通过，该单位当月数据已锁定")


def _send_back(request, pk, service, done):
    """退回 or 撤销审核: the posted reason and the state the page showed go to `service`."""
    expected = request.POST.get("state")
    reason = request.POST.get("reason", "")
    return _step(request, pk, lambda s: service(s, request.user, reason, expected), done)


@require_POST
def submission_return(request, pk):
    return _send_back(request, pk, services.return_submission, "已退回，填报单位将在工作台看到退回原因")


@require_POST
def submission_reopen(request, pk):
    return _send_back(request, pk, services.reopen, "已撤销审核并退回，填报单位将看到撤销原因，更正后重新报送")


def board(request):
    if not access.can_read_board(request.user):
        raise Http404("页面不存在或不在您的数据范围内")
    return render(request, "reporting/board.html", {**queries.board(request.user),
                                                    "can_remind": access.can_review(request.user)})


@require_POST
def remind(request, pk):
    access.check_remind(request.user)
    task = access.visible_tasks(request.user, ReportingTask.objects.all()).filter(pk=pk).first()
    if task is None:
        raise Http404("记录不存在或不在您的数据范围内")
    try:
        sent = services.remind(task, request.user)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, f"已向 {sent.submissions} 个未报送单位的 {sent.notices} 位填报员发送催报提醒")
    return redirect(reverse("reporting:task", args=[task.pk]) if request.POST.get("back") == "task"
                    else reverse("reporting:board"))


@require_POST
def notices_read(request):
    ids = [int(v) for v in request.POST.getlist("notice") if v.isdigit()]
    services.mark_read(request.user, ids)
    return redirect(reverse("home"))
