"""The summary's blocks written as HTML, Markdown, Word (.docx) and PDF.

Word: A4, the title in a 小标宋-style font and the body in a 仿宋-style font at 三号 (16pt)
where the machine has them, else an installed CJK serif (Noto Serif/Sans CJK SC); Word's
own Heading 1–3 styles, so the navigation pane shows the outline; a PAGE field in the
footer; a table per program family; an appendix listing every figure with its filter.

PDF: WeasyPrint renders the same HTML as the preview, offline: its url_fetcher serves
files from the static directories only and refuses everything else.
"""

import functools
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from hezuo.reports.services.report import Ref

# Preferred fonts, best first; the first one installed is used. Offices on Windows/WPS have
# the first names; a Debian server has the Noto ones (fonts-noto-cjk).
TITLE_FONTS = ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", "Noto Serif CJK SC",
               "Noto Sans CJK SC")
BODY_FONTS = ("仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", "Noto Sans CJK SC")
HEADING_FONTS = ("黑体", "SimHei", "Noto Sans CJK SC", "Noto Serif CJK SC")
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
SMALL_SIZE = Pt(10.5)  # 五号, tables


@functools.cache
def installed_fonts():
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def pick_font(candidates):
    fonts = installed_fonts()
    return next((name for name in candidates if name in fonts), candidates[-2])


# -- HTML / Markdown ----------------------------------------------------------------------


def report_context(report):
    return {"report": report, "body_font": pick_font(BODY_FONTS), "title_font": pick_font(TITLE_FONTS),
            "heading_font": pick_font(HEADING_FONTS)}


def to_html(report, standalone=True):
    """The summary as HTML; standalone adds <html> and the print stylesheet (PDF, --format html)."""
    template = "reports/document.html" if standalone else "reports/_body.html"
    return render_to_string(template, report_context(report))


def to_markdown(report):
    out = [f"# {report.title}", ""]
    for block in report.blocks:
        if block.kind == "heading":
            out += [f"{'#' * (block.level + 1)} {block.text}", ""]
        elif block.kind == "paragraph":
            out += ["".join(p if isinstance(p, str) else f"[{p.text}]({p.figure.url})" for p in block.parts), ""]
        elif block.kind == "placeholder":
            out += [f"*{block.text}*", ""]
        elif block.kind == "table":
            out += [f"**{block.text}**", "", "| " + " | ".join(block.columns) + " |",
                    "|" + "---|" * len(block.columns)]
            for row in block.rows:
                out.append("| " + " | ".join(c.text if isinstance(c, Ref) else c for c in row) + " |")
            out.append("")
    out += ["## 附：数据来源", "", "| 序号 | 指标 | 数值 | 筛选条件 |", "|---|---|---|---|"]
    for ref in report.appendix:
        out.append(f"| {ref.number} | {ref.figure.label} | {ref.figure.exact} | {ref.figure.url} |")
    return "\n".join(out) + "\n"


# -- Word ---------------------------------------------------------------------------------


def _set_font(target, name, size=None, bold=None):
    """A run's or style's font, East Asian slot included (Word ignores `name` for CJK otherwise)."""
    font = target.font
    font.name = name
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _page_number_footer(section):
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run("— ")
    field_run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "1":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        field_run._r.append(el)
    paragraph.add_run(" —")
    return run


def _styles(document):
    body, title, heading = pick_font(BODY_FONTS), pick_font(TITLE_FONTS), pick_font(HEADING_FONTS)
    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal, body, BODY_SIZE)
    normal.paragraph_format.first_line_indent = Pt(32)  # two characters
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    _set_font(styles["Title"], title, TITLE_SIZE, bold=False)
    styles["Title"].font.color.rgb = None
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Title"].paragraph_format.first_line_indent = Pt(0)
    styles["Title"].paragraph_format.space_after = Pt(16)
    # Official documents: 一、 in 黑体, （一） in 楷体/bold body, 1. in the body font.
    for level, (name, bold) in {1: (heading, False), 2: (body, True), 3: (body, False), 4: (body, False)}.items():
        style = styles[f"Heading {level}"]
        _set_font(style, name, BODY_SIZE, bold=bold)
        style.font.italic = False
        style.font.color.rgb = None
        style.paragraph_format.first_line_indent = Pt(32)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = Pt(28)
    return body


def _table(document, columns, rows, font):
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, columns):
        _cell(cell, text, font, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            _cell(cell, value.text if isinstance(value, Ref) else str(value), font)
    return table


def _cell(cell, text, font, bold=False):
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run(text)
    _set_font(run, font, SMALL_SIZE, bold=bold)


def to_docx(report, out):
    """Write the summary as .docx to `out` (path or binary file)."""
    template = getattr(settings, "HEZUO_REPORT_DOCX_TEMPLATE", "")
    if template:
        # The office's own document: its page setup, styles (Title, Heading 1–3, Normal,
        # Table Grid), header and footer are kept; only its body text is replaced.
        document = Document(template)
        body = document.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        body_font = pick_font(BODY_FONTS)
    else:
        document = Document()
        section = document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Cm(1.5)
        body_font = _styles(document)
        _page_number_footer(section)

    document.add_paragraph(report.title, style="Title")
    for block in report.blocks:
        if block.kind == "heading":
            document.add_paragraph(block.text, style=f"Heading {block.level}")
        elif block.kind in ("paragraph", "placeholder"):
            document.add_paragraph(block.plain)
        elif block.kind == "table":
            caption = document.add_paragraph(block.text)
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption.paragraph_format.first_line_indent = Pt(0)
            _table(document, block.columns, block.rows, body_font)
            document.add_paragraph()

    document.add_page_break()
    document.add_paragraph("附：数据来源", style="Heading 1")
    note = document.add_paragraph(
        f"文中数字均由平台按记录计算（{report.generated:%Y-%m-%d %H:%M}生成）。下表列出每个数字、其精确值和产生它的筛选条件，"
        "在平台中打开该地址即可看到合计等于该数字的记录清单。")
    note.paragraph_format.first_line_indent = Pt(32)
    from hezuo.org.models import Program

    programs = dict(Program.objects.values_list("pk", "name"))
    rows = [[str(r.number), r.figure.label, r.text, r.figure.exact, describe(r.figure.url, programs)]
            for r in report.appendix]
    _table(document, ["序号", "指标", "文中写法", "精确值", "筛选条件（平台地址）"], rows, body_font)
    document.save(out)


FILTER_LABELS = {"year": "年度", "program": "工作类别", "unit": "单位", "region": "结对地区", "stage": "环节",
                 "since": "起始日期", "until": "截止日期", "status": "状态", "key_level": "重点项目"}
HIDDEN_FILTERS = {"cumulative": "不含累计数", "whole_park": "园区整体数据"}


def describe(url, programs=None):
    """A drill-down URL for people: '资金：年度 2024，工作类别 援疆，环节 安排（/funds/?…）'."""
    from urllib.parse import parse_qsl

    from hezuo.kinds import load
    from hezuo.org.models import Program, Region, Unit
    from hezuo.projects.models import FundRecord, Project

    parts = urlsplit(url)
    slug = parts.path.strip("/").split("/")[0]
    kind = load().get(slug)
    names = {"program": Program, "unit": Unit}
    labels = {"stage": dict(FundRecord.Stage.choices), "status": dict(Project.Status.choices),
              "key_level": dict(Project.KeyLevel.choices)}
    if programs is None:
        programs = dict(Program.objects.values_list("pk", "name"))
    said = []
    for key, value in parse_qsl(parts.query):
        if key in HIDDEN_FILTERS:
            said.append(HIDDEN_FILTERS[key])
            continue
        if key == "program" and value.isdigit() and int(value) in programs:
            value = programs[int(value)]
        elif key in names:
            value = names[key].objects.filter(pk=value).values_list("name", flat=True).first() or value
        elif key == "region":
            value = Region.objects.filter(code=value).values_list("name", flat=True).first() or value
        elif key in labels:
            value = labels[key].get(value, value)
        said.append(f"{FILTER_LABELS.get(key, key)} {value}")
    title = kind.title if kind is not None else slug
    return f"{title}：{'，'.join(said)}（{url}）"


# -- PDF ----------------------------------------------------------------------------------


class OfflineFetchError(ValueError):
    pass


def site_url():
    return getattr(settings, "HEZUO_SITE_URL", "") or "http://localhost:8000/"


def static_file_for(url):
    """The local file a static URL names, or None: the only things a report may read."""
    parts = urlsplit(url)
    static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    site = urlsplit(site_url())
    local = parts.scheme in ("", "file") or (parts.scheme, parts.netloc) == (site.scheme, site.netloc)
    if local and parts.path.startswith(static):
        found = finders.find(unquote(parts.path[len(static):]))
        if found:
            return Path(found)
    if parts.scheme == "file" and settings.STATIC_ROOT:
        path = Path(unquote(parts.path)).resolve()
        if path.is_file() and path.is_relative_to(Path(settings.STATIC_ROOT).resolve()):
            return path
    return None


def static_files_fetcher():
    """WeasyPrint's fetcher limited to our static files: nothing leaves the machine."""
    from weasyprint.urls import URLFetcher

    class StaticFilesFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file"}, fail_on_errors=False)

        def fetch(self, url, headers=None):
            path = static_file_for(url)
            if path is None:
                raise OfflineFetchError(f"报告只使用本地静态文件，不读取：{url}")
            return super().fetch(path.as_uri(), headers)

    return StaticFilesFetcher()


def to_pdf(report, out=None):
    """The summary as PDF bytes (also written to `out` if given)."""
    from weasyprint import HTML

    # base_url only makes the figures' links absolute (an auditor clicks them in the PDF);
    # nothing is fetched from it but static files, which the fetcher reads from disk.
    data = HTML(string=to_html(report), base_url=site_url(), url_fetcher=static_files_fetcher()).write_pdf()
    if out is not None:
        if hasattr(out, "write"):
            out.write(data)
        else:
            Path(out).write_bytes(data)
    return data

