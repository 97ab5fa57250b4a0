"""An event's printable QR codes: the A4 PDF of labels and posters, and the ZIP of PNGs.

The postings printed are those published and open for applications now (已发布, within their
有效期, not 已招满), in the order of the event's employers and their titles; each label's code
points to the posting's public page, each employer's poster to the employer's
(HEZUO_PUBLIC_BASE_URL). The drawing is hezuo.jobs.qrsheet's, which knows no models.

A file is written aside and moved into place when whole: a failure halfway leaves no half
PDF where the last good one was. Large events are written by a background worker
(hezuo.imports.services.exports, ExportRecord.What.QR_PDF / QR_ZIP) with progress.
"""

import os
import tempfile
from itertools import groupby
from operator import attrgetter
from pathlib import Path

from django.conf import settings

from hezuo import access
from hezuo.jobs import qrsheet
from hezuo.jobs.models import Posting
from hezuo.jobs.public import public_employer_url, public_url

PDF, ZIP = "pdf", "zip"
FORMATS = {PDF: "application/pdf", ZIP: "application/zip"}  # format → content type


def printed_postings(user, event):
    """The event's postings that get a code: open now, in the reader's scope."""
    return (access.visible(user, Posting.objects.open().filter(event=event))
            .select_related("employer").order_by("employer__name", "employer_id", "title", "id"))


def labels_and_posters(user, event):
    """(labels, posters) of the event's printed postings: one poster per employer."""
    labels, posters = [], []
    postings = printed_postings(user, event).iterator(chunk_size=1000)
    for employer, group in groupby(postings, key=attrgetter("employer")):  # ordered by employer
        own = tuple(qrsheet.Label(url=public_url(p), employer=employer.name, title=p.title, headcount=p.headcount,
                                  salary_text=p.salary_text()) for p in group)
        labels += own
        posters.append(qrsheet.Poster(employer.name, public_employer_url(employer), own))
    return labels, posters


def file_name(event, fmt):
    return f"{event.name}-岗位二维码.{fmt}"


def count(user, event):
    """The number of labels the event's file would have; raises Empty when there is none."""
    found = printed_postings(user, event).count()
    if not found:
        raise Empty(event)
    return found


def write(user, event, fmt, out, progress=None):
    """Write the event's codes as `fmt` (PDF or ZIP) to the binary file `out`. `progress(done,
    total)` counts labels. Returns the number of labels; raises Empty when there is none."""
    labels, posters = labels_and_posters(user, event)
    if not labels:
        raise Empty(event)
    total = len(labels)
    if fmt == PDF:
        def on_page(done, _pages):  # label pages first, then the posters: count what is drawn
            if progress:
                progress(min(total, done * qrsheet.LABELS_PER_PAGE), total)

        qrsheet.write_pdf(labels, posters, out, host=settings.HEZUO_PUBLIC_BASE_URL,
                          title=f"{event.name} · 岗位二维码", progress=on_page)
    elif fmt == ZIP:
        qrsheet.write_png_zip(labels, out, progress=progress)
    else:
        raise ValueError(f"不支持的格式：{fmt}")
    return total


def write_file(user, event, fmt, path, progress=None):
    """`write` to the file at `path`, written aside in its folder and moved into place when whole."""
    path = Path(path)
    handle, aside = tempfile.mkstemp(suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            total = write(user, event, fmt, out, progress)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(aside, 0o666 & ~umask)  # mkstemp's file is private; the output is the caller's
        os.replace(aside, path)
    except BaseException:
        Path(aside).unlink(missing_ok=True)
        raise
    return total


class Empty(Exception):
    """Nothing to print, with a message for people."""

    def __init__(self, event):
        super().__init__(f"“{event.name}”没有已发布且在有效期内的岗位，请先在“岗位管理”中发布岗位")
