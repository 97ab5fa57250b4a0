"""What sealing the audit trail costs at bulk-import scale (hezuo/audit/chain.py).

    HEZUO_DATA_DIR=$(mktemp -d) .venv/bin/python bench/audit_seal_bench.py [--entries 100000]
    (DATABASE_URL=postgres://… for PostgreSQL; the database is migrated and the entries
    written into it — use an empty, throwaway database)

Writes N update entries, each with a field before/after, as an import that changes N records
does (it writes one per changed record; the records it creates get one entry per model,
hezuo/audit/imports.py), here with one bulk_create; and times that insert, sealing them
after the commit (one `seal` call: read back, HMAC, insert the seals), and `verify` over
the whole chain.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hezuo.settings")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from hezuo.audit import chain
    from hezuo.projects.models import FundRecord

    call_command("migrate", verbosity=0)
    chain.seal()
    content_type = ContentType.objects.get_for_model(FundRecord)
    now = timezone.now()
    entries = [LogEntry(content_type=content_type, object_pk=str(n), object_id=n, object_repr=f"资金记录 {n}",
                        action=LogEntry.Action.UPDATE, changes={"amount": ["1200000.00", f"{1200000 + n}.00"]},
                        additional_data={"cause": "导入"}, timestamp=now) for n in range(args.entries)]
    sealed = {}

    def seal_after_commit():
        ids = connection.hezuo_unsealed
        t = time.perf_counter()
        chain._seal_pending()
        sealed["seconds"] = time.perf_counter() - t
        sealed["count"] = len(ids)

    t = time.perf_counter()
    with transaction.atomic():
        LogEntry.objects.bulk_create(entries, batch_size=1000)
        chain.request_seal(entries)
        connection.run_on_commit = [(s, seal_after_commit, r) if f is chain._seal_pending else (s, f, r)
                                    for s, f, r in connection.run_on_commit]
        insert = time.perf_counter() - t
    t = time.perf_counter()
    result = chain.verify()
    verify = time.perf_counter() - t
    print(f"{connection.vendor}: {args.entries} entries — bulk_create {insert:.2f} s; "
          f"sealing after commit {sealed['seconds']:.2f} s ({sealed['count']} entries, "
          f"{sealed['seconds'] / args.entries * 1e6:.1f} µs each); verify {verify:.2f} s over {result.checked} "
          f"({'ok' if result.ok else result})")


if __name__ == "__main__":
    main()
