"""The summary's blocks written as HTML, Markdown, Word (.docx) and PDF.

Word follows GB/T 9704-2012 (党政机关公文格式) as an office's PC shows it: the fonts are
named as offices have them (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312; Latin letters and
digits in Times New Roman), whatever the server has; A4 with the standard margins, a grid of
22 lines × 28 characters, page numbers “— 1 —” at the outer edges; Word's own Heading 1–4
styles, so the navigation pane shows the outline. Nothing of python-docx's default template is
left (its styles, theme fonts, blue title rule, author and thumbnail). An office's own .docx
(HEZUO_REPORT_DOCX_TEMPLATE) gives the look instead: only its body is replaced.

PDF: WeasyPrint renders the same HTML as the preview, with the same page box and the office
fonts named first (the server's Noto CJK behind them), offline: its url_fetcher serves files
from the static directories only and refuses everything else.

Every format prints the same typeset blocks (`printed`): quotes nested the Chinese way, and an
appendix for auditors that lists each figure once with the records behind it in words.
"""

import dataclasses
import datetime
import functools
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, Twips

from hezuo import numbers, text
from hezuo.reports.services.report import Ref

# Fonts, best first. Word gets the first name of each (what offices have on Windows/WPS);
# CSS names them all and ends with what a Debian server has (fonts-noto-cjk).
TITLE_FONTS = ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", "Noto Serif CJK SC",
               "Noto Sans CJK SC")
BODY_FONTS = ("仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", "Noto Sans CJK SC")
HEADING_FONTS = ("黑体", "SimHei", "STHeiti", "Noto Sans CJK SC", "Noto Serif CJK SC")
KAI_FONTS = ("楷体_GB2312", "楷体", "KaiTi", "STKaiti", "Noto Serif CJK SC", "Noto Sans CJK SC")
PAGE_NUMBER_FONTS = ("宋体", "SimSun", "STSong", "Noto Serif CJK SC", "Noto Sans CJK SC")
SERVER_FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC")
LATIN_FONT = "Times New Roman"  # letters and digits in 公文
# What Word/WPS may use on a PC that lacks a font (fontTable.xml w:altName; GB2312 charset).
FONT_SUBSTITUTES = {"方正小标宋简体": "宋体", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "黑体": "SimHei",
                    "宋体": "SimSun"}

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
CAPTION_SIZE = Pt(14)  # 四号: table captions, page numbers
SMALL_SIZE = Pt(10.5)  # 五号: tables, the appendix

# GB/T 9704-2012 §5.2: A4; 天头 37 mm, 订口 28 mm, so the text block is 156 × 225 mm.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28


def grid():
    """(linePitch in twips, charSpace) of the docGrid giving 22 lines of 28 characters.

    Word stores lengths in whole twips: the text block is 16838 − 2098 − 1984 = 12756 twips
    high and 11906 − 1587 − 1474 = 8845 twips (442.25 pt) wide. Word puts ⌊height ÷ pitch⌋
    lines on a page, so the pitch is ⌊12756 ÷ 22⌋ = 579 twips (28.95 pt; 580 would give 21).
    charSpace is the character pitch minus the Normal font's size, in 1/4096 pt, and Word
    fits ⌊width ÷ pitch⌋ characters: 442.25 ÷ 28 = 15.795 pt, 15.795 − 16 = −0.2054 pt,
    × 4096 = −841.2, rounded down to −842 (−841 would leave 27.9998 → 27 characters).
    """
    height = PAGE_HEIGHT.twips - TOP.twips - BOTTOM.twips
    width = PAGE_WIDTH.twips - LEFT.twips - RIGHT.twips
    line_pitch = height // LINES_PER_PAGE
    char_pitch = Twips(width).pt / CHARS_PER_LINE
    return line_pitch, int((char_pitch - BODY_SIZE.pt) * 4096 // 1)


LINE_PITCH, CHAR_SPACE = grid()


@functools.cache
def installed_fonts():
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def pick_font(candidates):
    """The first of `candidates` this machine has (the PDF's actual font)."""
    fonts = installed_fonts()
    return next((name for name in candidates if name in fonts), SERVER_FONTS[0])


def css_fonts(candidates):
    return ", ".join(f'"{name}"' for name in dict.fromkeys((*candidates, *SERVER_FONTS))) + ", serif"


def stand_in(candidates):
    """True when the PDF falls back to the server's Noto for these office fonts."""
    return pick_font(candidates) in SERVER_FONTS


# -- what every format prints ---------------------------------------------------------------


@dataclass
class Source:
    """One row of the appendix: a figure, however many times the text and tables use it."""

    number: int
    label: str
    exact: str  # the exact value (and on a line of its own last year's, when the text compares)
    description: str  # the records behind it, in words
    url: str  # their list (relative)


@dataclass
class Printed:
    report: object  # the Report, its blocks typeset
    sources: list


def printed(report):
    """The report as every format prints it: quotes nested (text.nest_quotes) in every text,
    and the appendix with each figure once (same list, same total, same value), the text's
    references renumbered to match."""
    groups = {}
    for ref in report.appendix:
        figure = ref.figure
        groups.setdefault((figure.url, figure.total, figure.unit, str(figure.value)), []).append(ref)
    programs = _program_names()
    sources, renumber = [], {}
    for number, refs in enumerate(groups.values(), start=1):
        figure = refs[0].figure
        exact = _exact(figure.value, figure)
        if figure.previous is not None and any(r.text == figure.change for r in refs):
            exact += f"\n上年 {_exact(figure.previous, figure)}"
        label = min((r.figure.label for r in refs), key=len)  # the plainest: without （同比…）
        description = describe(figure.url, programs, figure.total, year=report.year)
        sources.append(Source(number, label, exact, description, figure.url))
        renumber.update((r.number, number) for r in refs)

    def ref(part, new_text):
        return dataclasses.replace(part, text=new_text, number=renumber.get(part.number, part.number))

    blocks = []
    for block in report.blocks:
        if block.kind == "paragraph":
            # Quotes may open in one part and close in another: nest them over the whole
            # paragraph, then cut it back into its parts (nest_quotes keeps the length).
            texts = [p if isinstance(p, str) else p.text for p in block.parts]
            whole, parts, start = text.nest_quotes("".join(texts)), [], 0
            for part, old in zip(block.parts, texts):
                new = whole[start:start + len(old)]
                start += len(old)
                parts.append(new if isinstance(part, str) else ref(part, new))
            blocks.append(dataclasses.replace(block, parts=parts))
        elif block.kind == "table":
            rows = [[ref(c, text.nest_quotes(c.text)) if isinstance(c, Ref) else text.nest_quotes(str(c)) for c in row]
                    for row in block.rows]
            blocks.append(dataclasses.replace(block, text=text.nest_quotes(block.text), rows=rows,
                                              columns=[text.nest_quotes(c) for c in block.columns]))
        else:
            blocks.append(dataclasses.replace(block, text=text.nest_quotes(block.text)))
    return Printed(dataclasses.replace(report, title=text.nest_quotes(report.title), blocks=blocks), sources)


def _exact(value, figure):
    """A figure's exact value: 元 to the fen, a count in the document's number style."""
    return numbers.format_exact(value) if figure.is_amount else numbers.format_number(value) + figure.unit


def _program_names():
    from hezuo.org.models import Program

    return dict(Program.objects.values_list("pk", "name"))


FILTER_LABELS = {"year": "年度", "program": "工作类别", "unit": "单位", "region": "结对地区", "stage": "环节",
                 "since": "起始日期", "until": "截止日期", "status": "状态", "key_level": "重点项目",
                 "source": "资金来源", "kind": "类型", "q": "名称", "state": "状态"}
HIDDEN_FILTERS = {"cumulative": "不含累计数", "whole_park": "园区整体数据"}


# Pages a figure links to that are no list of one record kind: what they hold, in words.
PAGES = {"key-projects": "重点项目：省重点项目的月报、年度计划投资和全省进度"}


def describe(url, programs=None, total=None, year=None):
    """A drill-down URL for people: '资金：年度 2024，工作类别 援疆，环节 安排'.

    With `total` (the figure's list column: '' counts the records) it says what is summed:
    '…；合计人次' or '…；记录条数'. With `year`, that year goes unsaid (the appendix
    says it once). The URL itself is never part of it.
    """
    from hezuo.kinds import load
    from hezuo.org.models import Program, Region, Unit

    parts = urlsplit(url)
    slug = parts.path.strip("/").split("/")[0]
    if slug in PAGES:
        return PAGES[slug]
    kind = load().get(slug)
    model = kind.model if kind is not None else None
    names = {"program": Program, "unit": Unit}
    if programs is None:
        programs = _program_names()
    said = []
    for key, value in parse_qsl(parts.query):
        if key in HIDDEN_FILTERS:
            said.append(HIDDEN_FILTERS[key])
            continue
        if key == "year" and year is not None and value == str(year):
            continue
        if key == "program" and value.isdigit() and int(value) in programs:
            value = programs[int(value)]
        elif key in names:
            value = names[key].objects.filter(pk=value).values_list("name", flat=True).first() or value
        elif key == "region":
            value = Region.objects.filter(code=value).values_list("name", flat=True).first() or value
        elif kind is not None and str(kind.filters.get(key, "")).endswith("__isnull"):  # 已填写 / 未填写, as the list's filter says
            field = kind.filters[key].removesuffix("__isnull")
            said.append(f"{model._meta.get_field(field).verbose_name}{'未填写' if value == '1' else '已填写'}")
            continue
        elif model is not None:
            value = _choice_label(model, key, value)
        said.append(f"{FILTER_LABELS.get(key, key)} {value}")
    title = kind.title if kind is not None else slug
    described = f"{title}：{'，'.join(said)}"
    if total is None:
        return described
    if not total:
        return f"{described}；记录条数"
    return f"{described}；合计{_field_label(model, total)}"


def _choice_label(model, key, value):
    try:
        field = model._meta.get_field(key)
    except Exception:  # a filter that is not a field (since, until …)
        return value
    return dict(field.choices or ()).get(value, value)


def _field_label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def configured_site():
    """HEZUO_SITE_URL, where the platform is served; empty when not set."""
    return getattr(settings, "HEZUO_SITE_URL", "") or ""


def site_url():
    """The base the PDF's relative URLs resolve against (static files are read from disk)."""
    return configured_site() or "http://localhost:8000/"


def link(url):
    """A figure's list as a link in a file: absolute on HEZUO_SITE_URL, else as it is."""
    return urljoin(configured_site(), url) if configured_site() else url


# -- HTML / Markdown ------------------------------------------------------------------------


def report_context(report, links=True):
    """What reports/_body.html and document.html need. `links`: figures and sources are
    links (the preview, the HTML file); the PDF has them only with HEZUO_SITE_URL."""
    typeset = printed(report)
    return {"report": typeset.report, "sources": typeset.sources, "links": links,
            "fonts": {"title": css_fonts(TITLE_FONTS), "body": css_fonts(BODY_FONTS),
                      "heading": css_fonts(HEADING_FONTS), "kai": css_fonts(KAI_FONTS),
                      "page_number": css_fonts(PAGE_NUMBER_FONTS)},
            # Noto has no 小标宋 and no 楷体: its bold serif stands in for both (the title
            # and the （一） headings), as offices' own fonts need no bold.
            "title_bold": stand_in(TITLE_FONTS[:-2]), "kai_bold": stand_in(KAI_FONTS[:-2]),
            "line_pitch": Twips(LINE_PITCH).pt, "letter_spacing": CHAR_SPACE / 4096}


def to_html(report, standalone=True, links=True):
    """The summary as HTML; standalone adds <html> and the print stylesheet (PDF, --format html)."""
    template = "reports/document.html" if standalone else "reports/_body.html"
    return render_to_string(template, report_context(report, links))


def to_markdown(report):
    typeset = printed(report)
    report = typeset.report
    out = [f"# {report.title}", ""]
    for block in report.blocks:
        if block.kind == "heading":
            out += [f"{'#' * (block.level + 1)} {block.text}", ""]
        elif block.kind == "paragraph":
            out += ["".join(p if isinstance(p, str) else f"[{p.text}]({p.figure.url})" for p in block.parts), ""]
        elif block.kind == "table":
            out += [f"**{block.text}**", "", "| " + " | ".join(block.columns) + " |",
                    "|" + "---|" * len(block.columns)]
            for row in block.rows:
                out.append("| " + " | ".join(c.text if isinstance(c, Ref) else c for c in row) + " |")
            out.append("")
        else:
            out += [f"*{block.plain}*", ""]
    out += ["## 附件：数据来源", "", "| 序号 | 指标 | 精确值 | 记录范围 |", "|---|---|---|---|"]
    for source in typeset.sources:
        exact = source.exact.replace("\n", "，")
        out.append(f"| {source.number} | {source.label} | {exact} | [{source.description}]({source.url}) |")
    return "\n".join(out) + "\n"


# -- Word -----------------------------------------------------------------------------------

STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
TABLE_TEXT = "表格文字"
TABLE_CAPTION = "表格标题"
ATTACHMENT_LABEL = "附件标注"
ATTACHMENT_TITLE = "附件标题"


def to_docx(report, out):
    """Write the summary as .docx to `out` (path or binary file)."""
    template = getattr(settings, "HEZUO_REPORT_DOCX_TEMPLATE", "")
    if template:
        # The office's own document: its page setup, styles, header and footer are kept;
        # only its body text is replaced, and styles it lacks are added on its Normal.
        document = Document(template)
        body = document.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        _add_missing_styles(document)
    else:
        document = Document()
        _official_document(document, report)
    typeset = printed(report)
    _properties(document, typeset.report)
    _write_body(document, typeset)
    document.save(out)


def _write_body(document, typeset):
    report = typeset.report
    document.add_paragraph(report.title, style="Title")
    for block in report.blocks:
        if block.kind == "heading":
            document.add_paragraph(block.text, style=f"Heading {min(max(block.level, 1), 4)}")
        elif block.kind == "table":
            document.add_paragraph(block.text, style=TABLE_CAPTION)
            columns = len(block.columns)
            first = _label_width(block.rows)
            rest = (_text_width(document) - first) // max(columns - 1, 1)
            _table(document, block.columns, [[c.text if isinstance(c, Ref) else c for c in row] for row in block.rows],
                   [first] + [rest] * (columns - 1), numeric=True)
            document.add_paragraph()
        else:  # paragraphs, placeholders, and whatever else a block may hold: its text
            document.add_paragraph(block.plain)

    # 附件 (GB/T 9704 §8.2): on a page of its own, “附件” at the top left in 黑体, its title
    # centred on the third line as a document's title; in the outline, for the navigation pane.
    document.add_paragraph("附件", style=ATTACHMENT_LABEL)
    document.add_paragraph("数据来源", style=ATTACHMENT_TITLE)
    document.add_paragraph(
        f"文中数字均由平台按记录计算（{report.generated:%Y年%-m月%-d日 %H:%M}生成）。下表每个数字列出精确值和"
        f"合计等于它的记录范围（未注明年度的为{report.year}年度），点击记录范围可在平台中打开该记录清单。")
    width = _text_width(document)
    widths = [Mm(11), Mm(38), Mm(38)]
    widths.append(width - sum(widths))
    rows = [[str(s.number), s.label, s.exact, (s.description, link(s.url))] for s in typeset.sources]
    _table(document, ["序号", "指标", "精确值", "记录范围"], rows, widths)


def head_lines(column):
    """A column header as (label, unit): '派遣人次（人次）' → ('派遣人次', '（人次）'); the unit
    goes on a line of its own so that narrow columns do not break inside words."""
    label, bracket, unit = column.rpartition("（")
    return (label, bracket + unit) if label and unit.endswith("）") else (column, "")


def _text_width(document):
    section = document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def _label_width(rows):
    longest = max((len(str(row[0])) for row in rows), default=4)
    return Pt(SMALL_SIZE.pt * max(longest, 4) + 12)


def _table(document, columns, rows, widths, numeric=False):
    """A bordered table in the 表格文字 style; the header row repeats on every page. With
    `numeric`, every column but the first holds numbers (right-aligned). A cell may be
    (text, url): a link."""
    table = document.add_table(rows=1, cols=len(columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    header = table.rows[0]
    _row_properties(header, repeat=True)
    for cell, value in zip(header.cells, columns):
        _cell(cell, head_lines(value), WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    for row in rows:
        added = table.add_row()
        _row_properties(added)
        for index, (cell, value) in enumerate(zip(added.cells, row)):
            align = WD_ALIGN_PARAGRAPH.RIGHT if numeric and index else WD_ALIGN_PARAGRAPH.LEFT
            if not numeric and index == 0:
                align = WD_ALIGN_PARAGRAPH.CENTER
            _cell(cell, value, align)
    for column, width in zip(table.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return table


def _cell(cell, value, align, bold=False):
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.style = TABLE_TEXT
    paragraph.alignment = align
    if bold:  # a header: (label, unit), the unit on a second line
        label, unit = value
        run = paragraph.add_run(label)
        run.bold = True
        if unit:
            run.add_break()
            paragraph.add_run(unit).bold = True
    elif isinstance(value, tuple):
        _hyperlink(paragraph, *value)
    else:
        paragraph.add_run(str(value))


def _hyperlink(paragraph, label, url):
    """`label` as a link to `url` (a w:hyperlink with an external relationship)."""
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    element = OxmlElement("w:hyperlink")
    element.set(qn("r:id"), r_id)
    run = paragraph.add_run(label)
    run.underline = True
    element.append(run._r)
    paragraph._p.append(element)


def _borders(table):
    """Single 0.5 pt rules on every edge, set on the table itself (no table style needed)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        rule = OxmlElement(f"w:{edge}")
        rule.set(qn("w:val"), "single")
        rule.set(qn("w:sz"), "4")
        rule.set(qn("w:space"), "0")
        rule.set(qn("w:color"), "000000")
        borders.append(rule)
    # Word refuses a tblPr whose children are out of the schema's order.
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                           "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _row_properties(row, repeat=False):
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if repeat:
        properties.append(OxmlElement("w:tblHeader"))


def _properties(document, report):
    """The office is the author; the summary's title is the document's; nothing else said."""
    props = document.core_properties
    props.author = props.last_modified_by = report.office
    props.title = report.title
    props.subject = props.keywords = props.category = props.comments = ""
    # Core properties are UTC (python-docx writes a 'Z'); the report's time is local.
    generated = report.generated
    if timezone.is_naive(generated):
        generated = timezone.make_aware(generated)
    props.created = props.modified = generated.astimezone(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.revision = 1


# The default template's page: everything below replaces python-docx's default template.


def _official_document(document, report):
    part = document.part
    # Drop what the default template carries and a real document does not: its thumbnail,
    # a bibliography, a second copy of its styles and Word-for-Mac's application properties.
    package = part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(r_id)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _app_properties(report.office)
    for r_id, rel in list(part.rels.items()):
        if rel.reltype in (RT.CUSTOM_XML, STYLES_WITH_EFFECTS):
            part.rels.pop(r_id)
    _styles(document)
    _font_table(document)
    _settings(document)
    _page(document.sections[0])


def _app_properties(office):
    from xml.sax.saxutils import escape

    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f'<Template>Normal.dotm</Template><Application>Hezuo</Application><Company>{escape(office)}</Company>'
            '<DocSecurity>0</DocSecurity></Properties>').encode("utf-8")


def _half_points(size):
    return round(size.pt * 2)


def _run_properties(east_asia, size, bold=False, latin=LATIN_FONT):
    half = _half_points(size)
    weight = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    return (f'<w:rPr><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" w:cs="{latin}"/>'
            f'{weight}<w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>')


def _paragraph_style(style_id, name, east_asia, size, *, bold=False, jc="both", indent_chars=2, line=None,
                     before=0, after=0, outline=None, snap=True, keep_next=False, page_break=False, latin=LATIN_FONT,
                     based_on="Normal", default=False):
    """A paragraph style as XML: fonts by name (never theme fonts), size, bold, alignment,
    first-line indent in characters, exact line spacing (the grid's pitch unless given)."""
    line = LINE_PITCH if line is None else line
    indent = round(indent_chars * size.pt * 20)
    is_default = ' w:default="1"' if default else ""
    parent = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    keep = ("<w:keepNext/><w:keepLines/>" if keep_next else "") + ("<w:pageBreakBefore/>" if page_break else "")
    # Off the character grid: a larger or smaller font would otherwise take whole grid cells.
    no_snap = "" if snap else '<w:snapToGrid w:val="0"/>'
    level = f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
    return parse_xml(
        f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="{style_id}"{is_default}>'
        f'<w:name w:val="{name}"/>{parent}<w:next w:val="Normal"/><w:qFormat/>'
        f'<w:pPr>{keep}{no_snap}<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="exact"/>'
        f'<w:ind w:firstLineChars="{indent_chars * 100}" w:firstLine="{indent}"/><w:jc w:val="{jc}"/>'
        f'{level}</w:pPr>{_run_properties(east_asia, size, bold, latin)}</w:style>')


def _styles(document):
    """Replace the default template's 160 styles with the few this document uses."""
    styles = document.styles.element
    for child in list(styles):
        if child.tag in (qn("w:docDefaults"), qn("w:style")):
            styles.remove(child)
    body = BODY_FONTS[0]
    half = _half_points(BODY_SIZE)
    # The grid's character pitch is relative to this size, so it is the documents' default too.
    styles.insert(0, parse_xml(
        f'<w:docDefaults {nsdecls("w")}><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{body}" w:cs="{LATIN_FONT}"/>'
        f'<w:kern w:val="2"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
        f'<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        f'<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>'
        f'</w:docDefaults>'))
    small_line = round(SMALL_SIZE.pt * 1.3 * 20)
    for style in (
        _paragraph_style("Normal", "Normal", body, BODY_SIZE, based_on="", default=True),
        _paragraph_style("Title", "Title", TITLE_FONTS[0], TITLE_SIZE, jc="center", indent_chars=0, after=LINE_PITCH,
                         snap=False, keep_next=True),
        # GB/T 9704 §7.3.3: 一、 in 黑体, （一） in 楷体, 1. and （1） in 仿宋 (1. in bold, as offices do).
        _paragraph_style("Heading1", "heading 1", HEADING_FONTS[0], BODY_SIZE, outline=0, keep_next=True),
        _paragraph_style("Heading2", "heading 2", KAI_FONTS[0], BODY_SIZE, outline=1, keep_next=True),
        _paragraph_style("Heading3", "heading 3", body, BODY_SIZE, bold=True, outline=2, keep_next=True),
        _paragraph_style("Heading4", "heading 4", body, BODY_SIZE, outline=3, keep_next=True),
        _paragraph_style("Footer", "footer", PAGE_NUMBER_FONTS[0], CAPTION_SIZE, indent_chars=0, jc="right",
                         line=round(CAPTION_SIZE.pt * 20), snap=False, latin=PAGE_NUMBER_FONTS[0]),
        _paragraph_style("TableCaption", TABLE_CAPTION, HEADING_FONTS[0], CAPTION_SIZE, jc="center", indent_chars=0,
                         line=round(CAPTION_SIZE.pt * 1.5 * 20), before=120, after=80, snap=False, keep_next=True),
        _paragraph_style("TableText", TABLE_TEXT, body, SMALL_SIZE, jc="left", indent_chars=0, line=small_line,
                         snap=False),
        _paragraph_style("AttachmentLabel", ATTACHMENT_LABEL, HEADING_FONTS[0], BODY_SIZE, jc="left",
                         indent_chars=0, after=LINE_PITCH, keep_next=True, page_break=True),
        _paragraph_style("AttachmentTitle", ATTACHMENT_TITLE, TITLE_FONTS[0], TITLE_SIZE, jc="center",
                         indent_chars=0, after=LINE_PITCH, snap=False, keep_next=True, outline=0),
        parse_xml(f'<w:style {nsdecls("w")} w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
                  f'<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
                  f'<w:unhideWhenUsed/></w:style>'),
        parse_xml(f'<w:style {nsdecls("w")} w:type="table" w:default="1" w:styleId="TableNormal">'
                  f'<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
                  f'<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
                  f'<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
                  f'<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'),
        parse_xml(f'<w:style {nsdecls("w")} w:type="numbering" w:default="1" w:styleId="NoList">'
                  f'<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
                  f'</w:style>'),
    ):
        styles.append(style)


def _add_missing_styles(document):
    """Styles the body uses that an office's template may lack, added on its Normal so its
    fonts still rule (a Word-made template holds Heading 1–9 only as latent styles)."""
    names = {style.name for style in document.styles}
    added = {
        "Title": dict(jc="center", indent_chars=0, after=LINE_PITCH, snap=False, keep_next=True, size=TITLE_SIZE),
        "Heading 1": dict(outline=0, keep_next=True), "Heading 2": dict(outline=1, keep_next=True),
        "Heading 3": dict(outline=2, keep_next=True), "Heading 4": dict(outline=3, keep_next=True),
        TABLE_CAPTION: dict(jc="center", indent_chars=0, keep_next=True, size=CAPTION_SIZE),
        TABLE_TEXT: dict(jc="left", indent_chars=0, snap=False, size=SMALL_SIZE),
        ATTACHMENT_LABEL: dict(jc="left", indent_chars=0, after=LINE_PITCH, keep_next=True, page_break=True),
        ATTACHMENT_TITLE: dict(jc="center", indent_chars=0, after=LINE_PITCH, snap=False, keep_next=True, outline=0,
                               size=TITLE_SIZE, based_on="Title"),
    }
    for name, options in added.items():
        if name in names:
            continue
        size = options.pop("size", BODY_SIZE)
        internal = name.lower() if name.startswith("Heading") else name
        element = _paragraph_style(name.replace(" ", ""), internal, BODY_FONTS[0], size, **options)
        # Theirs: drop our fonts so the template's Normal decides them.
        for fonts in element.iter(qn("w:rFonts")):
            fonts.getparent().remove(fonts)
        if options.get("line") is None:
            for spacing in element.iter(qn("w:spacing")):
                spacing.getparent().remove(spacing)
        document.styles.element.append(element)


def _font_table(document):
    """fontTable.xml naming the fonts used, with the GB2312 charset and a substitute a PC
    without the font may take (方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋 …)."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    used = dict.fromkeys((LATIN_FONT, TITLE_FONTS[0], BODY_FONTS[0], HEADING_FONTS[0], KAI_FONTS[0],
                          PAGE_NUMBER_FONTS[0]))
    entries = []
    for name in used:
        if name == LATIN_FONT:
            entries.append(f'<w:font w:name="{name}"><w:panose1 w:val="02020603050405020304"/>'
                           f'<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>')
            continue
        family = "modern" if name in ("黑体",) else "roman"
        alt = f'<w:altName w:val="{FONT_SUBSTITUTES[name]}"/>' if name in FONT_SUBSTITUTES else ""
        entries.append(f'<w:font w:name="{name}">{alt}'
                       f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>')
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts {nsdecls("w")}>'
           f'{"".join(entries)}</w:fonts>').encode("utf-8")
    part._blob = xml


def _settings(document):
    settings_element = document.settings.element
    document.settings.odd_and_even_pages_header_footer = True
    for element in settings_element.findall(qn("w:rsids")) + settings_element.findall(qn("w:themeFontLang")):
        settings_element.remove(element)


def _page(section):
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.header_distance = Mm(15)
    # GB/T 9704 §7.5: the page number's top is 7 mm below the text block; the footer is
    # measured from the paper's edge to the bottom of the number's line (14 pt exactly).
    section.footer_distance = Mm(35 - 7) - Pt(14)
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    doc_grid = OxmlElement("w:docGrid")
    doc_grid.set(qn("w:type"), "linesAndChars")
    doc_grid.set(qn("w:linePitch"), str(LINE_PITCH))
    doc_grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    sect.append(doc_grid)
    # Odd pages (the first is one) have the number on the right, even pages on the left,
    # each one character in from the edge: the outer edge of a two-sided print.
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph, align):
    paragraph.style = "Footer"
    paragraph.alignment = align
    one_char = Pt(CAPTION_SIZE.pt)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = one_char
    else:
        paragraph.paragraph_format.left_indent = one_char
    paragraph.add_run("— ")
    field = paragraph.add_run()
    for kind, content in (("begin", None), (None, " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        if kind in ("begin", "separate", "end"):
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = content
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = content
        field._r.append(element)
    paragraph.add_run(" —")


# -- PDF ------------------------------------------------------------------------------------


class OfflineFetchError(ValueError):
    pass


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
    """The summary as PDF bytes (also written to `out` if given).

    Paper shows no addresses; with HEZUO_SITE_URL the figures and the appendix's record
    ranges are also links an auditor can click (without it there is no address to give).
    """
    from weasyprint import HTML

    html = to_html(report, links=bool(configured_site()))
    data = HTML(string=html, base_url=site_url(), url_fetcher=static_files_fetcher()).write_pdf()
    if out is not None:
        if hasattr(out, "write"):
            out.write(data)
        else:
            Path(out).write_bytes(data)
    return data
