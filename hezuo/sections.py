"""Parts one app adds to what another shows, without the two importing each other.

The statistics (hezuo.stats) are below the targets (hezuo.targets, which counts with
stats.queries), yet the stats JSON carries `targets` and the dashboard a 目标任务 block. So the
upper app provides a function by name in its AppConfig.ready(), and the lower one asks for it:

    sections.provide("stats.targets", fn)            # hezuo/targets/apps.py
    sections.collect("stats.targets", user, 2024)    # None when no app provides it

A neutral module: it imports no app (the apps' layering: docs/architecture.md).
"""

_provided = {}


def provide(name, function):
    _provided[name] = function


def collect(name, *args, **kwargs):
    """What the function provided under `name` returns, or None when none is."""
    function = _provided.get(name)
    return None if function is None else function(*args, **kwargs)
