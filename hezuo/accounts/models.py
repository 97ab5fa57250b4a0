from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A person using Hezuo: a role, and for district reporters the unit whose subtree
    is their data scope (see hezuo/access.py).

    A new account has no role (未授权) until the security admin grants one: the system admin
    keeps accounts, the security admin grants roles (hezuo/access.py `grantable_roles`).
    """

    # Masked in audit entries for readers without the right to personal data (audit/display.py).
    PERSONAL_FIELDS = ("phone",)

    class Role(models.TextChoices):
        NONE = "", "未授权"
        CITY = "city", "市级业务人员"
        DISTRICT = "district", "区县填报员"
        LEADER = "leader", "领导（只读）"
        # Separation of duties (三权分立, 等保 2.0 level 3): accounts, authorisation and
        # the audit trail are kept by three different people.
        ADMIN = "admin", "系统管理员"
        SECURITY = "security", "安全管理员"
        AUDITOR = "auditor", "审计管理员"

    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True, default=Role.NONE)
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, null=True, blank=True, related_name="users", verbose_name="所属单位"
    )
    display_name = models.CharField("姓名", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    # An initial or reset password is known to the admin who typed it: the owner replaces it
    # at the next sign-in (等保 2.0). Accounts made by the demo or fixtures are not flagged.
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        return self.display_name or self.username

    @property
    def effective_role(self):
        return self.Role.ADMIN if self.is_superuser else self.role

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args, update_fields=None, **kwargs):
        # set_password() dates the password; a save of the password alone keeps that date too.
        if update_fields is not None and "password" in update_fields:
            update_fields = {*update_fields, "password_changed_at"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def password_expired(self, now=None):
        days = PasswordPolicy.current().max_age_days
        return bool(days) and (now or timezone.now()) - self.password_changed_at > timedelta(days=days)

    def must_replace_password(self):
        """Must the user set a new password before doing anything else?"""
        return self.must_change_password or self.password_expired()


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so none of the last few is chosen again
    (hezuo/accounts/passwords.py). Only hashes: never the passwords."""

    user = models.ForeignKey(User, models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]


class PasswordPolicy(models.Model):
    """The password policy the security admin sets (one row), never below 等保 2.0 level 3:
    at least 8 characters of 3 kinds, none of the last 5, replaced at least every 90 days.
    Until it is saved, the defaults (HEZUO_PASSWORD_MAX_AGE_DAYS for the age) hold."""

    CACHE_KEY = "hezuo:password-policy"
    # Read on every request (expiry): each app server keeps it this long, so a change made
    # through one server holds on all of them within a minute.
    CACHE_SECONDS = 60

    min_length = models.PositiveSmallIntegerField(
        "最短长度", default=8, validators=[MinValueValidator(8), MaxValueValidator(64)])
    min_classes = models.PositiveSmallIntegerField(
        "至少包含几类字符", default=3, help_text="大写字母、小写字母、数字、符号四类中",
        validators=[MinValueValidator(3), MaxValueValidator(4)])
    history = models.PositiveSmallIntegerField(
        "不得重复最近几次的密码", default=5, validators=[MinValueValidator(5), MaxValueValidator(24)])
    max_age_days = models.PositiveSmallIntegerField(
        "密码有效期（天）", default=90, validators=[MinValueValidator(1), MaxValueValidator(90)])

    class Meta:
        verbose_name = verbose_name_plural = "密码策略"

    def __str__(self):
        return "密码策略"

    @classmethod
    def current(cls):
        policy = cache.get(cls.CACHE_KEY)
        if policy is None:
            policy = cls.objects.filter(pk=1).first() or cls(pk=1, max_age_days=settings.HEZUO_PASSWORD_MAX_AGE_DAYS)
            cache.set(cls.CACHE_KEY, policy, cls.CACHE_SECONDS)
        return policy

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)
