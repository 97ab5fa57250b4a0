"""The data's change counter: a number counted up when a transaction that wrote records
commits, and what is kept under it (`kept`: the dashboard, list footers). Import previews
read it too (has the data changed since?). Model signals count saves and deletes of what
the statistics read (hezuo/stats/freshness.py); every write path that sends no signals
(imports, the region loader) calls `changed()`.

A neutral module: it imports no app, so any app that writes may call it. The counter's one
row is the model `stats.Generation`, looked up by its label.
"""

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F


def _counter():
    return apps.get_model("stats", "Generation")


def _bump():
    Generation = _counter()
    if not Generation.objects.filter(pk=1).update(value=F("value") + 1):
        Generation.objects.get_or_create(pk=1, defaults={"value": 1})


def changed(**_signal_kwargs):
    """Records the statistics read were written: count the generation up when this commits."""
    if not pending():
        transaction.on_commit(_bump)


def pending():
    """Has this connection's open transaction changed records? (Its commit will count up.)"""
    return any(func is _bump for _savepoints, func, *_robust in connection.run_on_commit)


def generation():
    """The number of committed changes so far."""
    Generation = _counter()
    return Generation.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def kept(name, scope, parts, build):
    """`build()`, or what it returned before for the same name, scope, parts and generation.

    `scope` names whose figures they are (access.data_scope): those with the same data scope
    see the same figures, so all who read every unit share one entry."""
    seconds = settings.HEZUO_DASHBOARD_CACHE_SECONDS
    if not seconds or pending():
        return build()
    key = ":".join(["hezuo", name, str(generation()), scope, *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value
