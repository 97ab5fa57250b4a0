"""Reads of the reporting cycle: a unit's month as a reviewer sees it, the 催报 board, and
each user's 待办."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from hezuo import access, numbers, rules
from hezuo.core.kinds import REGISTRY
from hezuo.reporting.models import Notice, ReportingTask, Submission, SubmissionEvent

State = Submission.State


def dated_kinds():
    """The record kinds a unit's month is made of: those with a date (Record.year_from)."""
    return [kind for kind in REGISTRY.values() if kind.model.year_from and kind.model.scope_path]


def month_records(kind, unit, task):
    """`kind`'s records held by `unit` and the units below it, dated in the task's month."""
    model = kind.model
    first, following = task.month_range()
    return kind.queryset().filter(**{
        f"{model.scope_path}__path__startswith": unit.path,
        f"{model.year_from}__gte": first, f"{model.year_from}__lt": following,
    })


# approved_counts' key for the monthly reports a 重点项目月报 approval approved.
KEY_PROJECT_REPORTS = "key-project-reports"


def month_counts(unit, task):
    """{kind slug: number of records} of the unit's month: what an approval approved."""
    if task.kind == ReportingTask.Kind.KEY_PROJECTS:
        return {KEY_PROJECT_REPORTS: sum(1 for row in key_project_rows(unit, task) if row.report)}
    return {kind.slug: month_records(kind, unit, task).count() for kind in dated_kinds()}


def counted_titles(task):
    """(approved_counts key, what people call it) of a task's kind."""
    if task.kind == ReportingTask.Kind.KEY_PROJECTS:
        return [(KEY_PROJECT_REPORTS, ReportingTask.Kind.KEY_PROJECTS.label)]
    return [(kind.slug, kind.title) for kind in dated_kinds()]


def key_project_rows(unit, task):
    """The unit's (and below) key projects of the task's year, each with its report of the
    task's month or None (未填报): keyprojects.queries.MonthRow."""
    from hezuo.keyprojects.queries import month_rows

    return month_rows(unit, task.year, task.month)


def missing_reports(unit, task):
    """The key projects of a 重点项目月报 task's unit without a report of its month."""
    if task.kind != ReportingTask.Kind.KEY_PROJECTS:
        return []
    return [row.project for row in key_project_rows(unit, task) if row.report is None]


# -- The review page -----------------------------------------------------------------------


@dataclass
class RecordRow:
    obj: object
    url: str
    figure: str
    day: object
    status: str = ""  # 新增 / 修改 / "" (unchanged since the last approval)
    changes: list = field(default_factory=list)  # audit.display.Row of each change since


# A kind's table on the review page shows at most this many rows, new and changed ones first.
SHOWN_ROWS = 200


@dataclass
class KindBlock:
    kind: object
    rows: list
    total: int = 0
    new_count: int = 0
    changed_count: int = 0

    @property
    def more(self):
        return self.total - len(self.rows)

    @property
    def new(self):
        return self.new_count

    @property
    def changed(self):
        return self.changed_count


def figure_of(obj):
    """The one number a record adds, written for people."""
    if hasattr(obj, "amount"):
        stage = obj.get_stage_display() if hasattr(obj, "get_stage_display") else ""
        return f"{stage} {numbers.format_amount(obj.amount)}".strip()
    if hasattr(obj, "person_times"):
        return numbers.format_count(obj.person_times, "人次")
    if hasattr(obj, "quantity"):
        return numbers.format_quantity(obj.quantity, obj.quantity_unit)
    return ""


@dataclass
class WithdrawnApproval:
    """A submission's own approval, withdrawn since (撤销审核), as a review's baseline."""

    task: ReportingTask
    reviewed_by: object
    reviewed_at: object
    audit_mark: int
    withdrawn: bool = True


def baseline(submission):
    """The unit's last approval before this submission's own (if it is approved): what the
    review compares with. For a submission whose approval was withdrawn (撤销审核), that
    approval: the reviewer sees what was corrected since. None before the unit's first
    approval."""
    if submission.state != State.APPROVED and submission.audit_mark is not None:
        approval = (submission.events.filter(action=SubmissionEvent.Action.APPROVED).select_related("actor")
                    .order_by("-at", "-id").first())
        if approval is not None:
            return WithdrawnApproval(submission.task, approval.actor, approval.at, submission.audit_mark)
    # Of the same kind: a key projects' approval says nothing of the month's other records.
    earlier = Submission.objects.filter(unit=submission.unit, state=State.APPROVED, audit_mark__isnull=False,
                                        task__kind=submission.task.kind)
    if submission.audit_mark is not None:
        earlier = earlier.filter(audit_mark__lt=submission.audit_mark)
    return earlier.select_related("task", "reviewed_by").order_by("-audit_mark").first()


def review(submission, viewer):
    """What a reviewer sees of the submission's unit and month: the records per kind, each
    marked 新增 or 修改 since the unit's last approval (with the field-level changes, from
    the audit trail), the project 提醒 and the figures the month adds."""
    from hezuo.audit.display import readable

    task, unit = submission.task, submission.unit
    since = baseline(submission)
    mark = since.audit_mark if since else None
    # An approved month: what changed up to its approval; a month being corrected: up to now.
    upto = submission.audit_mark if submission.state == State.APPROVED else None
    counts = submission.approved_counts or {}
    approved_counts = [(title, counts[key]) for key, title in counted_titles(task) if counts.get(key)]
    if task.kind == ReportingTask.Kind.KEY_PROJECTS:
        said = (submission.events.filter(action=SubmissionEvent.Action.SUBMITTED).order_by("-at", "-id")
                .values_list("reason", flat=True).first())
        return {"key_projects": key_project_review(submission, viewer, since, upto), "since": since,
                "approved_counts": approved_counts, "missing_note": said or ""}
    blocks = []
    for kind in dated_kinds():
        objs = list(month_records(kind, unit, task).order_by(kind.model.year_from, "pk"))
        rows = [RecordRow(obj, reverse(kind.url_name("detail"), args=[obj.pk]), figure_of(obj),
                          getattr(obj, kind.model.year_from)) for obj in objs]
        if objs and since is not None:
            _mark(kind.model, rows, mark, upto, since.reviewed_at, viewer, readable)
        new = sum(1 for row in rows if row.status == "新增")
        changed = sum(1 for row in rows if row.status == "修改")
        shown = sorted(rows, key=lambda row: not row.status)[:SHOWN_ROWS]  # stable: dates stay in order
        blocks.append(KindBlock(kind, shown, len(rows), new, changed))
    return {"blocks": blocks, "since": since, "warnings": month_warnings(submission),
            "figures": month_figures(submission), "approved_counts": approved_counts,
            "empty_kinds": [str(block.kind.title) for block in blocks if not block.rows]}


@dataclass
class KeyProjectRow:
    """A key project on a 重点项目月报 review: its report of the month (None: 未填报), marked
    新增/修改 since the last approval like a record of the other kinds."""

    project: object
    report: object
    plan: object
    completion_rate: object
    url: str
    status: str = ""
    changes: list = field(default_factory=list)

    @property
    def obj(self):  # what _mark reads
        return self.report


@dataclass
class KeyProjectReview:
    rows: list
    month_total: object
    ytd_total: object
    plan_total: object
    writable: bool = False  # the viewer may write reports: links open the month's report form

    @property
    def missing(self):
        return [row for row in self.rows if row.report is None]

    @property
    def new(self):
        return sum(1 for row in self.rows if row.status == "新增")

    @property
    def changed(self):
        return sum(1 for row in self.rows if row.status == "修改")

    @property
    def completion_rate(self):
        from hezuo.keyprojects.queries import percent

        return percent(self.ytd_total, self.plan_total)


def key_project_review(submission, viewer, since, upto):
    """The unit's key projects with their reports of the month, for the review page."""
    from hezuo.audit.display import readable
    from hezuo.keyprojects.models import MonthlyReport

    task = submission.task
    writes = access.can_create(viewer, MonthlyReport)
    rows = []
    for found in key_project_rows(submission.unit, task):
        if writes:  # the month's report form: the report, or a new one prefilled from last month's
            url = f"{reverse('keyprojects:report', args=[found.project.pk])}?month={task.year}-{task.month:02d}"
        else:
            url = f"{reverse('keyprojects:detail', args=[found.project.pk])}?year={task.year}"
        rows.append(KeyProjectRow(found.project, found.report, found.plan, found.completion_rate, url))
    reported = [row for row in rows if row.report is not None]
    if reported and since is not None:
        _mark(MonthlyReport, reported, since.audit_mark, upto, since.reviewed_at, viewer, readable)
    return KeyProjectReview(rows, sum((row.report.completed_month for row in reported), Decimal(0)),
                            sum((row.report.completed_ytd for row in reported), Decimal(0)),
                            sum((row.plan or Decimal(0) for row in rows), Decimal(0)), writes)


def _mark(model, rows, mark, upto, approved_at, viewer, readable):
    """Set each row's status and changes from the audit entries of its records: written
    before the mark, it existed at the last approval; its updates after the mark are the changes."""
    content_type = ContentType.objects.get_for_model(model)
    entries = LogEntry.objects.filter(content_type=content_type, object_id__in=[row.obj.pk for row in rows])
    if upto is not None:
        entries = entries.filter(id__lte=upto)
    entries = list(entries.select_related("actor", "content_type").order_by("id"))
    before, after = set(), defaultdict(list)
    for entry in entries:
        if entry.id <= mark:
            before.add(entry.object_id)
        elif entry.action == LogEntry.Action.UPDATE:
            after[entry.object_id].append(entry)
    shown = readable([entry for changes in after.values() for entry in changes], viewer)
    by_entry = {row.entry.pk: row for row in shown}
    for row in rows:
        # An imported record has no entry of its own for its creation (hezuo/audit/imports.py):
        # its stamp says whether it was there at the approval.
        existed = row.obj.pk in before or row.obj.created_at <= approved_at
        if not existed:
            row.status = "新增"
        elif after.get(row.obj.pk):
            row.status = "修改"
            row.changes = [by_entry[entry.pk] for entry in after[row.obj.pk]]


def month_warnings(submission):
    """The project 提醒 of the unit's projects its month touched (a fund record dated in it)."""
    from hezuo.projects.models import FundRecord, Project

    first, following = submission.task.month_range()
    touched = FundRecord.objects.filter(project__unit__path__startswith=submission.unit.path,
                                        date__gte=first, date__lt=following).values("project_id")
    return rules.project_warnings(Project.objects.filter(pk__in=touched))


@dataclass
class MonthFigure:
    label: str
    unit_value: str
    city_value: str
    share: str


def month_figures(submission):
    """What the unit's month adds to the city's, measure by measure (the statistics'
    measures of dated records): the unit's sum, the city's for the month, the unit's share.
    Amounts in 万元. A measure the city has nothing of that month is left out."""
    from hezuo.stats.queries import MEASURES, SOURCES

    first, following = submission.task.month_range()
    figures = []
    for measure in MEASURES:
        source = SOURCES[measure.source]
        if source.date is None:
            continue
        rows = source.model.objects.filter(**{f"{source.date}__gte": first, f"{source.date}__lt": following},
                                           **dict(source.where))
        mine = Q(**{f"{source.unit}__path__startswith": submission.unit.path})
        totals = rows.aggregate(city=measure.aggregate(), unit=_and(measure, mine))
        city, own = totals["city"] or 0, totals["unit"] or 0
        if not city:
            continue
        write = ((lambda v: numbers.format_amount(v, "万元")) if measure.is_amount
                 else (lambda v: numbers.format_count(v, measure.unit)))
        share = numbers.format_percent(numbers.to_decimal(own) * 100 / numbers.to_decimal(city)) if own else "—"
        figures.append(MonthFigure(measure.label, write(own) if own else "—", write(city), share))
    return figures


def _and(measure, condition):
    from django.db.models import Count, Sum

    if measure.where:
        condition &= Q(**dict(measure.where))
    return Count("pk", filter=condition) if measure.field is None else Sum(measure.field, filter=condition)


# -- The 催报 board ----------------------------------------------------------------------


@dataclass
class LateUnit:
    submission: Submission
    days: int


@dataclass
class UnitRate:
    unit: object
    due: int
    on_time: int
    late: int

    @property
    def rate(self):
        return numbers.format_percent(self.on_time * 100 / self.due) if self.due else "—"


def board(user, today=None):
    """The 催报 board: per task past its deadline, the units that have not submitted (or
    were returned and have not submitted again) and by how many days; per unit, how many
    tasks fell due and how many it submitted (first) by the deadline."""
    today = today or timezone.localdate()
    submissions = (access.visible(user, Submission.objects.all())
                   .select_related("task", "unit").order_by("task__deadline", "unit__path"))
    late = defaultdict(list)
    rates = {}
    for submission in submissions:
        task = submission.task
        due = task.deadline < today or submission.first_submitted_at is not None
        if not due:
            continue
        rate = rates.setdefault(submission.unit.pk, UnitRate(submission.unit, 0, 0, 0))
        rate.due += 1
        if submission.is_late(today):
            rate.late += 1
        else:
            rate.on_time += 1
        if task.deadline < today and submission.state in (State.PENDING, State.RETURNED):
            late[task].append(LateUnit(submission, (today - task.deadline).days))
    tasks = sorted(late.items(), key=lambda item: (-item[0].year, -item[0].month, -item[0].pk))
    return {"late": tasks, "rates": sorted(rates.values(), key=lambda r: r.unit.path), "today": today}


# -- 待办 ----------------------------------------------------------------------------------


def with_last_action(submissions):
    """The submissions with `last_action`, the action of their latest step that moved them (a
    催报 does not): one whose last is 撤销审核 was sent back from an approval, and pages say so."""
    latest = (SubmissionEvent.objects.filter(submission=OuterRef("pk")).exclude(action=SubmissionEvent.Action.REMINDED)
              .order_by("-at", "-id").values("action")[:1])
    return submissions.annotate(last_action=Subquery(latest))


def todo(user, today=None):
    """A user's 待办 for the home page: what to submit (returned ones with their reason), what
    to review, units late, and unread notices."""
    if not user.is_authenticated or getattr(user, "pk", None) is None:
        return {}
    today = today or timezone.localdate()
    found = {"notices": list(Notice.objects.filter(recipient=user, read_at__isnull=True)[:20])}
    role = access.role_of(user)
    if role == access.Role.DISTRICT and user.unit_id:
        mine = access.visible(user, Submission.objects.filter(state__in=(State.PENDING, State.RETURNED)))
        found["to_submit"] = list(with_last_action(mine).select_related("task", "unit")
                                  .order_by("task__deadline", "unit__path"))
    if access.can_review(user):
        waiting = Submission.objects.filter(state=State.SUBMITTED)
        found["to_review"] = list(waiting.select_related("task", "unit").order_by("submitted_at", "pk"))
        late = Submission.objects.filter(state__in=(State.PENDING, State.RETURNED), task__deadline__lt=today)
        found["late"] = list(late.select_related("task", "unit").order_by("task__deadline", "unit__path"))
    found["today"] = today
    found["any"] = any(found.get(key) for key in ("notices", "to_submit", "to_review", "late"))
    return found


def tasks_for(user):
    return access.visible_tasks(user, ReportingTask.objects.all()).order_by("-year", "-month", "-pk")
