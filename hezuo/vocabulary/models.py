from django.conf import settings
from django.db import models


class Alias(models.Model):
    """An office's own word for a value of a dictionary column: 市级 means 区域合作办 in the
    unit's 类型, 南浔 means the unit 南浔区. `field` names the column ("org.Unit.kind" for a
    choice, "org.Unit" for a reference to a unit); `value` is the stored choice or the id of
    the record meant. Kept by city officers on the 字典别名 page or saved from an import's
    mapping; every change is in the audit trail."""

    field = models.CharField("字段", max_length=60)
    text = models.CharField("别名", max_length=80)
    value = models.CharField("含义", max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="添加人")
    created_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "字典别名"
        ordering = ("field", "text")
        constraints = [models.UniqueConstraint(fields=("field", "text"), name="alias_unique_text")]

    def __str__(self):
        return f"{self.text} → {self.value}"
