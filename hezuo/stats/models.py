from django.db import models


class Generation(models.Model):
    """How many committed changes the figures have seen: one row, counted up after each
    transaction that wrote records the statistics read (hezuo/changes.py)."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "统计数据版本"
