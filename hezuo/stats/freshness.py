"""Keeping computed figures while the records under them stay the same.

At national scale the dashboard reads hundreds of thousands of records (a second or more on
PostgreSQL); its figures change only when someone writes. So a built dashboard is kept in
Django's cache under the *generation* of the data: a counter in the database (one row,
`stats.Generation`), counted up when a transaction that wrote such records commits. Every
app server reads the same counter, so a change made through any of them is seen by all at
their next request; a built dashboard is never shown once a later change has committed.

What counts as a change: saving or deleting any model `watched()` names (signals, connected in
StatsConfig.ready), and the writes that send no signals — imports (fast inserts, bulk
updates), the region loader — which call `changed()` themselves. Changes made outside
Hezuo (SQL typed by a DBA) are not seen: entries expire after
settings.HEZUO_DASHBOARD_CACHE_SECONDS anyway (0 turns the keeping off).

The counter and the keeping (`changed`, `generation`, `kept`) are the neutral module
hezuo/changes.py, which every app that writes or keeps figures calls without importing an
app; this module says which models' signals count (`watched`).

Within a transaction that has changed records and not yet committed, nothing is read from
or kept in the cache: the request sees its own writes, as the list pages do.
"""


def watched():
    """The models whose rows the statistics and the dashboard read, from the declarations
    (hezuo.records.Record): each source's model, every model its unit, program and region paths
    pass through (a park figure's park and the park's unit, program and region), and pairings
    (the dashboard's map, queries.paired_places), and period locks (what the dashboard shows as
    已审核, queries.reviewed), and what the 滞后项目 block reads besides projects (plans,
    monthly reports, the province's rate: keyprojects.queries.progress)."""
    from hezuo.keyprojects.models import AnnualPlan, MonthlyReport, ProvinceRate
    from hezuo.org.models import Pairing
    from hezuo.periods.models import PeriodLock
    from hezuo.stats.queries import SOURCES

    models = {Pairing, PeriodLock, AnnualPlan, MonthlyReport, ProvinceRate}
    for source in SOURCES.values():
        models.add(source.model)
        for path in (source.unit, source.program, source.region):
            model = source.model
            for part in path.split("__"):
                model = model._meta.get_field(part).related_model
                models.add(model)
    return models
