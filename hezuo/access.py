"""The one door for permissions and data scope.

Every fetch of an object for a user, every list, and every dropdown in a form goes
through here. The rule:

- 市区域合作办 (city) and 领导 (leader) see every unit's records; the leader changes nothing.
- 区县填报员 (district) sees and changes records whose owning unit is their unit or below it.
- Separation of duties (三权分立, 等保 2.0 level 3): 系统管理员 (admin) keeps accounts and
  dictionaries, 安全管理员 (security) grants roles, unlocks accounts and sets the password
  policy, 审计管理员 (auditor) reads the audit trail. None of the three sees business records.
- Dictionaries (regions, programs, units) are readable by everyone signed in.

A record's owning unit is found through the model's `scope_path`; `Unit.path` makes
"this unit and below" one indexed prefix match. Outside the scope is a 404, never a 403,
so nobody learns what exists elsewhere.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from hezuo.accounts.models import User
from hezuo.org.models import Unit

Role = User.Role
READ_ALL_ROLES = (Role.CITY, Role.LEADER)
BUSINESS_ROLES = (Role.CITY, Role.DISTRICT, Role.LEADER)
ADMIN_ROLES = (Role.ADMIN, Role.SECURITY, Role.AUDITOR)
# Phone and ID numbers are shown whole only to those who keep the records.
PERSONAL_DATA_ROLES = (Role.CITY, Role.DISTRICT)


class ConsoleActor:
    """The operator at the command line (`hezuo import`, `hezuo period`, the demo loader).
    Passed explicitly wherever a caller acts without a signed-in user, instead of `None`
    meaning "everything": the console reads and writes every unit's records, as the city
    office does, and the audit trail names no user for it (`user_of`). Still subject to
    what holds for everyone, such as a closed period."""

    is_authenticated = True
    is_active = True
    is_console = True
    pk = id = None
    unit = unit_id = None
    username = "console"
    display_name = "系统管理命令"
    effective_role = Role.CITY

    def __str__(self):
        return self.display_name


CONSOLE = ConsoleActor()


def console_actor(username=None):
    """Who a console command acts as: the operator (CONSOLE), or with --user the user of that
    name (their role and scope apply); None when there is no such user."""
    if not username:
        return CONSOLE
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).first()


def is_console(actor):
    return actor is CONSOLE


def user_of(actor):
    """The User to stamp on what `actor` writes (created_by, the audit trail): None for the console."""
    return None if actor is None or is_console(actor) else actor


def role_of(user):
    return user.effective_role if user.is_authenticated else None


def reader(user):
    """`user`, checked to be someone: a read for nobody in particular is refused (fails
    closed) rather than read as "everything". The console passes CONSOLE."""
    if user is None:
        raise TypeError("no reader given: pass the signed-in user, or access.CONSOLE for the console")
    return user


def scope_q(user, model):
    """A Q object limiting `model` rows to what `user` may see."""
    if model.scope_path is None:
        return Q()
    role = role_of(reader(user))
    if role in READ_ALL_ROLES:
        return Q()
    if role == Role.DISTRICT and user.unit_id:
        return Q(**{f"{model.scope_path}__path__startswith": user.unit.path})
    return Q(pk__in=[])


def visible(user, queryset):
    """The part of `queryset` the user may see."""
    return queryset.filter(scope_q(user, queryset.model))


def readable_units(user):
    """The units whose records `user` reads: every unit, their own subtree, or none."""
    role = role_of(reader(user))
    if role in READ_ALL_ROLES:
        return Unit.objects.all()
    if role == Role.DISTRICT and user.unit_id:
        return user.unit.subtree()
    return Unit.objects.none()


def filter_units(user):
    """The units a list's unit filter offers: a district reporter's own subtree (what they
    read); everyone else every unit, since the unit tree is a dictionary read by all."""
    if role_of(reader(user)) == Role.DISTRICT:
        return readable_units(user)
    return Unit.objects.all()


def data_scope(user):
    """A text naming the records `user` reads: "all", a unit's path (it and below), or
    "none". Those with the same data scope see the same figures (the dashboard's cache)."""
    role = role_of(reader(user))
    if role in READ_ALL_ROLES:
        return "all"
    if role == Role.DISTRICT and user.unit_id:
        return user.unit.path
    return "none"


def scope_key(user):
    """A text that changes whenever what `user` may see changes (role, unit, the unit's place
    in the tree): work done later for them (a background export) is refused if it differs."""
    role = role_of(reader(user))
    unit = user.unit.path if role == Role.DISTRICT and user.unit_id else ""
    return f"{role}:{unit}:{'active' if user.is_active else 'inactive'}"


def get_visible_or_404(user, model, pk, queryset=None):
    """`model`'s row `pk` if `user` may see it, else 404; looked up in `queryset` when given
    (the same rows, with the joins a page needs)."""
    try:
        return visible(user, model.objects.all() if queryset is None else queryset).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在或不在您的数据范围内")


def can_read_kind(user, model):
    role = role_of(user)
    if model.scope_path is None:
        return role is not None
    return role in READ_ALL_ROLES or role == Role.DISTRICT


def can_read_statistics(user):
    """Statistics and the dashboard sum business records: for those who read them, each in
    their own scope (the queries go through `visible`). Not for the system admin."""
    return role_of(user) in READ_ALL_ROLES or role_of(user) == Role.DISTRICT


def check_statistics(user):
    if not can_read_statistics(user):
        raise Http404("页面不存在或不在您的数据范围内")


def can_create(user, model):
    return role_of(user) in model.write_roles


def can_change(user, obj):
    """May the user edit or delete this (already visible) object?"""
    if not can_create(user, type(obj)):
        return False
    if getattr(obj, "from_package", False):
        return False  # national division data is read-only; it comes from the package
    return in_scope(user, obj)


def in_scope(user, obj):
    """Is the object's owning unit inside the user's scope for writes? The city office writes
    every unit's records; a district reporter their unit's subtree; nobody else any."""
    if type(obj).scope_path is None:
        return True
    unit = obj.owning_unit()
    return writes_in_unit(user, unit.path if unit is not None else None)


def writes_in_unit(user, unit_path):
    """May `user` write a record owned by the unit at `unit_path` (None: no unit, or one that
    cannot be determined — refused unless the user writes every unit's)?"""
    role = role_of(user)
    if role == Role.CITY:
        return True
    if role != Role.DISTRICT or not user.unit_id or not unit_path:
        return False
    return unit_path.startswith(user.unit.path)


def unit_paths(unit_ids):
    """{unit id: path} of `unit_ids`, in one query (units are a small dictionary)."""
    ids = set(unit_ids)
    if not ids:
        return {}
    if len(ids) > 900:
        return dict(Unit.objects.values_list("id", "path"))
    return dict(Unit.objects.filter(pk__in=ids).values_list("id", "path"))


def check_change(user, obj):
    if not can_change(user, obj):
        raise PermissionDenied("您没有修改这条记录的权限")


def check_create(user, model):
    if not can_create(user, model):
        raise PermissionDenied("您没有新增此类记录的权限")


# -- The 回收站 (hezuo.trash) ---------------------------------------------------------------
# A deleted record is kept 30 days with what went with it. Those who could see it see it
# there (a trash entry is scoped by the deleted record's unit, through `visible`); only city
# officers restore, since a restore brings back records of any unit and may need a key freed.


def can_read_trash(user):
    return role_of(user) in (Role.CITY, Role.DISTRICT)


def can_restore(user):
    return role_of(user) == Role.CITY


def check_restore(user):
    if not can_restore(user):
        raise PermissionDenied("只有市级业务人员可以从回收站恢复记录，请联系市区域合作办")


# -- Closed periods (hezuo.periods) ----------------------------------------------------------
# The city office closes a unit's month (approving it, or by hand) and the year (年度关账),
# and reopens them with a reason; the write gate (hezuo/gate.py) keeps every write out of them.


def can_manage_periods(user):
    return role_of(user) == Role.CITY


def check_manage_periods(user):
    if not can_manage_periods(user):
        raise Http404("页面不存在或不在您的数据范围内")


def writable_units(user):
    """Units a user may pick as the owner of a record they write."""
    role = role_of(user)
    if role in (Role.CITY, Role.ADMIN):
        return Unit.objects.all()
    if role == Role.DISTRICT and user.unit_id:
        return user.unit.subtree()
    return Unit.objects.none()


def limit_choices(form, user):
    """Restrict every foreign-key dropdown of `form` to what the user may pick.

    A posted choice outside them is refused in the same words whether it exists elsewhere
    or not, naming the field and never whose the record is."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        if queryset.model is Unit:
            field.queryset = writable_units(user)
        elif getattr(queryset.model, "scope_path", None):
            field.queryset = visible(user, queryset)
        else:
            continue
        label = str(field.label or "").split("（")[0]  # 企业（为空表示园区整体） → 企业
        field.error_messages["invalid_choice"] = f"所选{label}不存在或不在您的数据范围内，请从列表中选择"


def sees_personal_data(user):
    """May the user read personal data (a cadre's phone, ID number) unmasked, wherever it
    appears: record pages, exports, the audit trail?"""
    return role_of(user) in PERSONAL_DATA_ROLES


def can_read_audit(user):
    """The audit trail is read by the audit admin, and by no one who is audited by it for
    keeping accounts or granting roles."""
    return role_of(user) == Role.AUDITOR


def check_audit(user):
    if not can_read_audit(user):
        raise PermissionDenied("只有审计管理员可以查看审计日志")


# -- Accounts and roles (三权分立) --------------------------------------------------------
# The system admin keeps accounts (who a person is: name, phone, active, password reset) but
# grants nothing; the security admin grants roles and data scope (role and unit), unlocks
# accounts and resets second factors; the audit admin reads. The three admin roles are held
# by few people and given only from the console (`hezuo users grant`), which is the
# installation's operator; no page edits an account holding one of them.


def holds_admin_role(account):
    return account.effective_role in ADMIN_ROLES


def can_manage_accounts(user):
    return role_of(user) == Role.ADMIN


def can_edit_account(user, account):
    """May `user` edit `account`'s name, phone, active flag or reset its password from a page?"""
    return can_manage_accounts(user) and not holds_admin_role(account)


def can_manage_security(user):
    """Grants, locks, second factors and the password policy: the security admin's pages."""
    return role_of(user) == Role.SECURITY


def grantable_roles(actor, account):
    """The roles `actor` may give `account` (Role.NONE, 未授权, takes a role away); empty when
    the actor may not change the account's role at all.

    `actor` None is the console. Nobody changes their own role and nobody grants a role above
    their own: from a page, only the security admin grants, only business roles, and only to
    accounts holding none of the admin roles.
    """
    if actor is None:
        return tuple(Role.values)
    if role_of(actor) != Role.SECURITY or actor.pk == account.pk or holds_admin_role(account):
        return ()
    return (Role.NONE,) + BUSINESS_ROLES


def check_grant(actor, account, role):
    if role not in grantable_roles(actor, account):
        raise PermissionDenied("您不能授予该账号此角色")


def needs_second_factor(user):
    """The admin roles sign in with a password and a 6-digit code (HEZUO_ADMIN_2FA)."""
    from django.conf import settings

    return settings.HEZUO_ADMIN_2FA and user.is_authenticated and holds_admin_role(user)


def can_reset_second_factor(user, account):
    """The security admin resets another person's authenticator (lost phone); their own
    is reset from the console."""
    return can_manage_security(user) and user.pk != account.pk


def mask_personal(value):
    """Mask the middle of a phone or ID number: 13812345678 → 138****5678."""
    if not value:
        return value
    if len(value) <= 4:
        return "*" * len(value)
    keep = 3 if len(value) < 15 else 6
    return value[:keep] + "*" * (len(value) - keep - 4) + value[-4:]


# -- Import records (hezuo.imports) ------------------------------------------------------
# An import belongs to whoever uploaded it, not to a unit: the file may hold rows of many
# units. City officers oversee every import; the admin sees them for audit, but not what
# is inside the files (separation of duties, as for business records above).

IMPORT_ROLES = (Role.CITY, Role.DISTRICT)


def can_import(user):
    """City officers and district reporters import; a district's scope is enforced row by row."""
    return role_of(user) in IMPORT_ROLES


def can_export(user):
    """Export what one reads as the standard workbook: the business roles (a leader reads and
    exports, never imports); not the admin, who reads no business records."""
    return role_of(user) in BUSINESS_ROLES


def can_manage_aliases(user):
    """City officers keep the office's aliases (字典别名): they hold for every unit's imports."""
    return role_of(user) == Role.CITY


def check_manage_aliases(user):
    if not can_manage_aliases(user):
        raise PermissionDenied("只有市级业务人员可以维护字典别名")


def check_import(user):
    if not can_import(user):
        raise PermissionDenied("您的账号不能导入数据")


def can_follow_import(user, record):
    """Map an import's unknown values and run it again, or confirm a preview: its uploader,
    or a city officer; never a leader or the admin, who import nothing."""
    role = role_of(user)
    if role not in IMPORT_ROLES:
        return False
    return role == Role.CITY or (record.uploaded_by_id is not None and record.uploaded_by_id == user.pk)


def check_follow_import(user, record):
    if not can_follow_import(user, record):
        raise PermissionDenied("只有导入人或市级业务人员可以继续这次导入")


def sees_all_imports(user):
    """City officers oversee every import, the admin sees them all for audit; a district
    reporter sees their own."""
    return role_of(user) in (Role.CITY, Role.ADMIN)


def visible_imports(user, queryset):
    if sees_all_imports(user):
        return queryset
    if role_of(user) == Role.DISTRICT:
        return queryset.filter(uploaded_by=user)
    return queryset.none()


def get_import_or_404(user, pk):
    from hezuo.imports.models import ImportRecord

    try:
        return visible_imports(user, ImportRecord.objects.select_related("uploaded_by")).get(pk=pk)
    except (ImportRecord.DoesNotExist, ValueError, TypeError):
        raise Http404("导入记录不存在或不是您导入的")


def can_read_import_contents(user):
    """The file, its rows and the problems quoting them are business data: not for the admin."""
    return role_of(user) != Role.ADMIN


def check_import_contents(user):
    if not can_read_import_contents(user):
        raise PermissionDenied("系统管理员只能查看导入记录，不能查看导入文件的内容")


# -- The reporting cycle (hezuo.reporting) ----------------------------------------------
# City officers issue reporting tasks, review (通过 / 退回) and send reminders; a district
# reporter submits the units its scope holds. A submission is scoped like a record of its
# unit (`visible`): a district sees its subtree's, city officers and leaders all; the leader
# reads and does nothing; the admin roles see none (404). Outside the scope is a 404.

REPORTING_READ_ROLES = (Role.CITY, Role.DISTRICT, Role.LEADER)


def can_read_reporting(user):
    return role_of(user) in REPORTING_READ_ROLES


def check_read_reporting(user):
    if not can_read_reporting(user):
        raise Http404("页面不存在或不在您的数据范围内")


def can_read_board(user):
    """The 催报 board compares every unit: city officers and leaders."""
    return role_of(user) in READ_ALL_ROLES


def can_issue_tasks(user):
    return role_of(user) == Role.CITY


def check_issue_tasks(user):
    if not can_issue_tasks(user):
        raise PermissionDenied("只有市级业务人员可以下发填报任务")


def can_review(user):
    """审核 (通过 / 退回) and 催报: city officers only."""
    return role_of(user) == Role.CITY


def check_review(user):
    if not can_review(user):
        raise PermissionDenied("只有市区域合作办的业务人员可以审核报送")


def check_remind(user):
    if not can_review(user):
        raise PermissionDenied("只有市区域合作办的业务人员可以发送催报提醒")


def can_submit(user, submission):
    """报送 a unit's month: a district reporter whose scope holds the unit."""
    return (role_of(user) == Role.DISTRICT and user.unit_id is not None
            and submission.unit.path.startswith(user.unit.path))


def check_submit(user, submission):
    if not can_submit(user, submission):
        raise PermissionDenied("只有本单位的区县填报员可以报送")


def check_sees_submission(user, submission):
    """A 404 for anyone whose scope does not hold the submission's unit (the same words as a
    record outside the scope)."""
    if not can_read_reporting(user) or not visible(user, type(submission).objects.filter(pk=submission.pk)).exists():
        raise Http404("记录不存在或不在您的数据范围内")


def visible_tasks(user, queryset):
    """Tasks issued to at least one unit the user sees."""
    role = role_of(user)
    if role in READ_ALL_ROLES:
        return queryset
    if role == Role.DISTRICT and user.unit_id:
        return queryset.filter(submissions__unit__path__startswith=user.unit.path).distinct()
    return queryset.none()


def reporters_of(unit):
    """The active district reporters whose scope holds `unit` (its own and its ancestors')."""
    return User.objects.filter(role=Role.DISTRICT, is_active=True, unit__path__in=unit.ancestor_paths())


# -- The annual summary's sentence templates (hezuo.reports) ---------------------------------
# City-wide wording: city officers reword it (TemplateVersion.write_roles, through the gate);
# leaders read it; districts, whose summaries use the city's wording, do not see the pages.


def can_read_report_templates(user):
    return role_of(user) in READ_ALL_ROLES


def check_read_report_templates(user):
    if not can_read_report_templates(user):
        raise Http404("页面不存在或不在您的数据范围内")
