from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person using Hezuo: a role, and for district reporters the unit whose subtree
    is their data scope (see hezuo/access.py)."""

    class Role(models.TextChoices):
        CITY = "city", "市级业务人员"
        DISTRICT = "district", "区县填报员"
        LEADER = "leader", "领导（只读）"
        # Separation of duties (三权分立, 等保 2.0 level 3): accounts, authorisation and
        # the audit trail are kept by three different people.
        ADMIN = "admin", "系统管理员"
        SECURITY = "security", "安全管理员"
        AUDITOR = "auditor", "审计管理员"

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.DISTRICT)
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, null=True, blank=True, related_name="users", verbose_name="所属单位"
    )
    display_name = models.CharField("姓名", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        return self.display_name or self.username

    @property
    def effective_role(self):
        return self.Role.ADMIN if self.is_superuser else self.role
