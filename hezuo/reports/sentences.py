"""Sentence templates: how figures become the sentences of the annual summary.

One file per program family (top-level program), named after it: 对口支援.txt; and 开篇.txt,
the overview that opens the summary. Lines:

    # a comment
    ## 援疆                       a sub-heading (numbered 1. 2. … in the summary)
    (blank line)                  ends a paragraph
    {全市}投入援疆资金{援疆/funds_arranged:超}[，安排援疆项目{援疆/projects}]。

Each other line is one sentence, written as the office writes (a subject, measure words).

Figures. {program/measure:style}:

- program: a program's name; omitted ({funds_arranged}) it is the file's family; 合计 is
  every program together (the opening's headline figures).
- measure: a key of hezuo.stats.queries.REPORT_BY_KEY (projects, funds_arranged,
  funds_subsidy, consumption, dispatch_batches, dispatch_person_times, inspection_enterprises
  …), or one of the year's provincial key projects (KEY_PROJECT_FIGURES: key_count,
  key_completed, key_rate, key_ahead; the program is not read). `measure@2021` is the sum of
  the years 2021 to the report's year (累计).
- style: omitted = precise (2838万元, 28个, 97人次, 675.2亿元); 超 近 余 多 约 = headline
  rounding (超1.1亿元, 2.4亿余元), only where the rounding is honest; 数 = the bare number
  without its unit (12 in “12批”); 同比 = the change on the previous year (同比增长12.3%).

Words. {word} or {program/word:style}, filled from the report (WORDS):

    {年份} 2024年 (去年 in a retrospective summary)   {年度} 2024年 always
    {全年} 全年 (去年)       {全市} 全市 / a district's own name   {我市} 我市 / its name
    {单位} 市区域合作办 / a district's name              {荣誉} the year's honours
    {承办活动} the events the office itself hosted       {重点项目期间} 1至11月 / 全年
    {援青/活动} the program's named activities           {东西部协作/物资} goods in kind
    {山海协作/目标:省定目标任务} how the program's targets stand, ending with the style's noun

Clauses. [ … ] is a clause: it is left out when a figure in it is zero or missing or a word
in it is empty; a sentence is left out when a figure outside every clause is, or when it has
clauses and all of them are. Put a clause's own punctuation inside it ([，安排项目{projects}]);
doubled or stranded punctuation left by a dropped clause is tidied away.

Templates are read at run time: a family's current template is the newest version city
officers saved on the 句式模板 page (hezuo.reports.models.TemplateVersion), else its file in
this directory, or in settings.HEZUO_REPORT_TEMPLATES_DIR where an office keeps its own
wording. `load_template` is the one place that decides, so the command, the page and every
format read the same. They are data: `parse_text` reads a template from text (an editor's
live preview, see `drafting`), and every error names the line.
"""

import contextlib
import contextvars
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from hezuo import numbers
from hezuo.reports.models import TemplateVersion
from hezuo.stats.queries import REPORT_BY_KEY

DEFAULT_DIR = Path(__file__).parent / "templates_text"
OPENING = "开篇"  # the overview template's name (not a program family)
TOTAL = "合计"  # the program name meaning every program
HEADLINE_STYLES = ("超", "近", "余", "多", "约")
STYLES = ("", "数", "同比", *HEADLINE_STYLES)
# The year's provincial key projects (hezuo.keyprojects): measure → what it is.
KEY_PROJECT_FIGURES = {
    "key_count": "省长三角一体化发展重大项目数",
    "key_completed": "重大项目完成年度投资",
    "key_rate": "重大项目年度计划投资完成率",
    "key_ahead": "重大项目完成率快于全省",
}
# Words the report fills in; those that take a program say so.
WORDS = {
    "年份": False, "年度": False, "全年": False, "全市": False, "我市": False, "单位": False,
    "荣誉": False, "承办活动": False, "重点项目期间": False,
    "活动": True, "物资": True, "目标": True,
}
_BRACES = re.compile(r"\{([^{}]*)\}")
_SPEC = re.compile(r"^(?:(?P<program>[^/:@]+)/)?(?P<measure>[a-z_]+)(?:@(?P<since>\d{4}))?(?::(?P<style>[^:]*))?$")
_WORD = re.compile(r"^(?:(?P<program>[^/:@]+)/)?(?P<word>[^/:@a-z_]+)(?::(?P<style>[^:]*))?$")


class TemplateError(ValueError):
    """A template line that cannot be used; the message names the file and line, in Chinese."""

    def __init__(self, path, line_no, message):
        self.path, self.line_no = path, line_no
        super().__init__(f"报告模板“{Path(path).name}”第{line_no}行：{message}")


@dataclass(frozen=True)
class Placeholder:
    program: str  # program name
    measure: str
    style: str = ""
    since: int | None = None


@dataclass(frozen=True)
class Word:
    """A word the report fills in ({全市}, {荣誉}, {援青/活动}); empty drops its clause."""

    word: str
    program: str = ""
    style: str = ""


@dataclass
class Clause:
    """[ … ]: text, figures, words and clauses, left out together."""

    items: list = field(default_factory=list)


@dataclass
class Line:
    kind: str  # "sentence", "heading", "break"
    text: str = ""
    line_no: int = 0
    items: list = field(default_factory=list)  # sentence: str, Placeholder, Word, Clause

    @property
    def placeholders(self):
        """Every figure of the line, in order, clauses' included."""
        return list(_figures(self.items))


@dataclass
class Template:
    family: str
    path: Path
    lines: list


def templates_dir():
    return Path(getattr(settings, "HEZUO_REPORT_TEMPLATES_DIR", None) or DEFAULT_DIR)


# An editor's unsaved texts, {family: text}: a preview builds the whole summary with them.
_drafts = contextvars.ContextVar("report_template_drafts", default={})


@contextlib.contextmanager
def drafting(family, text):
    """Within the block, `family`'s template is `text` (not saved): the editor's preview
    builds the summary as it would read, through the same loading as everything else."""
    token = _drafts.set({**_drafts.get(), family: text})
    try:
        yield
    finally:
        _drafts.reset(token)


def shipped_text(family, directory=None):
    """The text of a family's file (Hezuo's, or the office's directory's), or None."""
    path = Path(directory or templates_dir()) / f"{family}.txt"
    if not path.exists():
        return None
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateError(path, 1, "文件不是 UTF-8 编码") from None


def current_text(family):
    """A family's current text: the draft being previewed, else the newest saved version,
    else its file; None when there is none."""
    drafts = _drafts.get()
    if family in drafts:
        return drafts[family]
    saved = TemplateVersion.objects.filter(family=family).order_by("-number").values_list("text", flat=True).first()
    return saved if saved is not None else shipped_text(family)


def load_template(family, program_names, directory=None):
    """The current template of a program family (or 开篇), or None if it has none. An explicit
    `directory` reads that directory's file and nothing else (a test's or a tool's wording)."""
    text = shipped_text(family, directory) if directory else current_text(family)
    if text is None:
        return None
    return parse_text(text, family, program_names)


def parse_text(text, family, program_names, path=None):
    """A template from its text (a file's, or an editor's before it is saved)."""
    path = Path(path or f"{family}.txt")
    lines = []
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            lines.append(Line("break", line_no=no))
        elif line.startswith("##"):
            lines.append(Line("heading", line.lstrip("#").strip(), line_no=no))
        elif line.startswith("#"):
            continue
        else:
            items = _items(path, no, line, family, program_names)
            lines.append(Line("sentence", line, no, items))
    return Template(family, path, lines)


def _figures(items):
    for item in items:
        if isinstance(item, Placeholder):
            yield item
        elif isinstance(item, Clause):
            yield from _figures(item.items)


def _items(path, no, line, family, program_names):
    """The line as text, placeholders, words and (nested) clauses."""
    stripped = _BRACES.sub("", line)
    if "{" in stripped or "}" in stripped:
        raise TemplateError(path, no, "花括号不成对")
    stack = [[]]
    pos = 0
    for match in re.finditer(r"\{[^{}]*\}|\[|\]", line):
        if match.start() > pos:
            stack[-1].append(line[pos:match.start()])
        token = match.group()
        if token == "[":
            stack.append([])
        elif token == "]":
            if len(stack) == 1:
                raise TemplateError(path, no, "方括号不成对（多了“]”）")
            clause = Clause(stack.pop())
            stack[-1].append(clause)
        else:
            stack[-1].append(_placeholder(path, no, token[1:-1], family, program_names))
        pos = match.end()
    if pos < len(line):
        stack[-1].append(line[pos:])
    if len(stack) != 1:
        raise TemplateError(path, no, "方括号不成对（缺少“]”）")
    return stack[0]


def _placeholder(path, no, body, family, program_names):
    body = body.strip()
    word = _WORD.match(body)
    if word and word["word"] in WORDS:
        takes_program = WORDS[word["word"]]
        if word["program"] and not takes_program:
            raise TemplateError(path, no, f"“{{{body}}}”不带工作类别，应写作 {{{word['word']}}}")
        program = (word["program"] or (family if takes_program else "")).strip()
        if takes_program and program not in program_names:
            raise TemplateError(path, no, f"未知的工作类别“{program}”")
        return Word(word["word"], program, (word["style"] or "").strip())
    match = _SPEC.match(body)
    if not match:
        if word and not word["program"] and not word["style"]:
            raise TemplateError(path, no, f"未知的词“{{{body}}}”（可用：{'、'.join(WORDS)}）")
        raise TemplateError(path, no, f"占位符“{{{body}}}”写法有误，应为 {{工作类别/指标:格式}}")
    program = (match["program"] or family).strip()
    measure, style = match["measure"], (match["style"] or "").strip()
    if measure not in REPORT_BY_KEY and measure not in KEY_PROJECT_FIGURES:
        known = [*REPORT_BY_KEY, *KEY_PROJECT_FIGURES]
        raise TemplateError(path, no, f"未知的指标“{measure}”（可用：{'、'.join(known)}）")
    if program not in program_names and program != TOTAL:
        raise TemplateError(path, no, f"未知的工作类别“{program}”")
    if style not in STYLES:
        raise TemplateError(path, no, f"未知的格式“{style}”（可用：不写、{'、'.join(s for s in STYLES if s)}）")
    since = int(match["since"]) if match["since"] else None
    return Placeholder(program, measure, style, since)


def render_value(figure, placeholder):
    """The text of one placeholder for `figure`, or None when its clause must be left out."""
    if figure is None or not figure.value:
        return None
    style = placeholder.style
    if style == "同比":
        if not figure.previous:
            return None
        return numbers.format_change(figure.value, figure.previous)
    if style in HEADLINE_STYLES:
        return numbers.format_headline(figure.value, figure.unit, style)
    if figure.is_amount:
        return figure.text
    # Counts in running text as official writing has them (2264人次); tables keep separators.
    return numbers.format_quantity(figure.value, "" if style == "数" else figure.unit)


# Punctuation a dropped clause may leave doubled or stranded: the stronger mark wins.
_PAUSES = "，；、"
_RUN = re.compile(f"[{_PAUSES}]{{2,}}")


def tidy(text, at_start=False):
    """Doubled pauses (，；) become the stronger one; a pause before 。 or after an opening
    mark goes; at the start of a sentence a pause goes."""
    text = _RUN.sub(lambda m: "；" if "；" in m.group() else ("，" if "，" in m.group() else "、"), text)
    text = re.sub(f"[{_PAUSES}]+(?=[。！？）])", "", text)
    text = re.sub(f"(?<=[：（“])[{_PAUSES}]+", "", text)
    if at_start:
        text = text.lstrip(_PAUSES)
    return text
