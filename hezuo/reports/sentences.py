"""Sentence templates: how figures become the sentences of the annual summary.

One file per program family (top-level program), named after it: 对口支援.txt. Lines:

    # a comment
    ## 援疆                       a sub-heading (numbered 1. 2. … in the summary)
    (blank line)                  ends a paragraph
    去年，湖州投入援疆资金{援疆/funds_arranged:超}，安排援疆项目{援疆/projects}。

Each other line is one sentence. A placeholder is {program/measure:style}:

- program: a program's name; omitted ({funds_arranged}) it is the file's family.
- measure: a key of hezuo.stats.queries.MEASURES (projects, funds_arranged, consumption,
  dispatch_batches, dispatch_person_times …). `measure@2021` is the sum of the years 2021
  to the report's year (累计).
- style: omitted = precise (2838万元, 28个, 97人次); 超 近 余 多 约 = headline rounding
  (超1.1亿元, 2.4亿余元); 数 = the bare number without its unit (12 in “12批”);
  同比 = the change on the previous year (同比增长12.3%).

A sentence any of whose figures is zero or missing is left out; so is one whose 同比 has
nothing to compare with. Templates are read at run time from this directory, or from
settings.HEZUO_REPORT_TEMPLATES_DIR where an office keeps its own wording.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from hezuo import numbers
from hezuo.stats.queries import BY_KEY

DEFAULT_DIR = Path(__file__).parent / "templates_text"
HEADLINE_STYLES = ("超", "近", "余", "多", "约")
STYLES = ("", "数", "同比", *HEADLINE_STYLES)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SPEC = re.compile(r"^(?:(?P<program>[^/:@]+)/)?(?P<measure>[a-z_]+)(?:@(?P<since>\d{4}))?(?::(?P<style>[^:]*))?$")


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


@dataclass
class Line:
    kind: str  # "sentence", "heading", "break"
    text: str = ""
    placeholders: list = field(default_factory=list)
    line_no: int = 0


@dataclass
class Template:
    family: str
    path: Path
    lines: list


def templates_dir():
    return Path(getattr(settings, "HEZUO_REPORT_TEMPLATES_DIR", None) or DEFAULT_DIR)


def load_template(family, program_names, directory=None):
    """The template of a program family, or None if the directory has none for it."""
    path = Path(directory or templates_dir()) / f"{family}.txt"
    if not path.exists():
        return None
    return parse_template(path, family, program_names)


def parse_template(path, family, program_names):
    """Read and check a template file; raises TemplateError naming the bad line."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateError(path, 1, "文件不是 UTF-8 编码") from None
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
            lines.append(Line("sentence", line, _placeholders(path, no, line, family, program_names), no))
    return Template(family, Path(path), lines)


def _placeholders(path, no, line, family, program_names):
    stripped = _PLACEHOLDER.sub("", line)
    if "{" in stripped or "}" in stripped:
        raise TemplateError(path, no, "花括号不成对")
    found = []
    for body in _PLACEHOLDER.findall(line):
        match = _SPEC.match(body.strip())
        if not match:
            raise TemplateError(path, no, f"占位符“{{{body}}}”写法有误，应为 {{工作类别/指标:格式}}")
        program = (match["program"] or family).strip()
        measure, style = match["measure"], (match["style"] or "").strip()
        if measure not in BY_KEY:
            raise TemplateError(path, no, f"未知的指标“{measure}”（可用：{'、'.join(BY_KEY)}）")
        if program not in program_names:
            raise TemplateError(path, no, f"未知的工作类别“{program}”")
        if style not in STYLES:
            raise TemplateError(path, no, f"未知的格式“{style}”（可用：不写、{'、'.join(s for s in STYLES if s)}）")
        since = int(match["since"]) if match["since"] else None
        found.append(Placeholder(program, measure, style, since))
    return found


def render_value(figure, placeholder):
    """The text of one placeholder for `figure`, or None when the sentence must be left out."""
    if figure is None or not figure.value:
        return None
    style = placeholder.style
    if style == "同比":
        if not figure.previous:
            return None
        return numbers.format_change(figure.value, figure.previous)
    if style == "数":
        return numbers.format_count(figure.value)
    if style in HEADLINE_STYLES:
        return numbers.format_headline(figure.value, figure.unit, style)
    return figure.text
