"""Writing the summary or the standard statistical tables in one of the formats people ask for."""

from hezuo.reports.services import render
from hezuo.reports.services.report import build_report
from hezuo.stats.export import write_statistics
from hezuo.stats.queries import statistics

FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "工作总结"),
    "pdf": ("application/pdf", "工作总结"),
    "html": ("text/html; charset=utf-8", "工作总结"),
    "md": ("text/markdown; charset=utf-8", "工作总结"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "统计报表"),
}


def write(fmt, user, year, out, looking_back=None):
    """Write `fmt` for `year` to the binary file `out`; returns the file name to offer.
    `looking_back`: the summary written the next year, for a publication (去年); None: the
    setting HEZUO_REPORT_LOOKING_BACK."""
    if fmt == "xlsx":
        # 统计报表: the statistics page's own workbook (by program × measure, by unit, by
        # partner region), so its totals are the dashboard's.
        stats = statistics(user, year)
        write_statistics(out, stats)
        return f"区域合作统计报表-{year}年.xlsx"
    report = build_report(user, year, looking_back=looking_back)
    if fmt == "docx":
        render.to_docx(report, out)
    elif fmt == "pdf":
        render.to_pdf(report, out)
    elif fmt == "html":
        out.write(render.to_html(report).encode("utf-8"))
    elif fmt == "md":
        out.write(render.to_markdown(report).encode("utf-8"))
    else:
        raise ValueError(f"不支持的格式：{fmt}")
    return f"{report.title}.{fmt}"
