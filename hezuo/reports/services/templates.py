"""Keeping the annual summary's sentence templates: city officers reword a family's template
(对口支援, 开篇 …) on the 句式模板 page, or restore the file shipped with Hezuo; the console's
`hezuo report-templates` reads and restores them. Every write is `save` (or `restore`, which
calls it): checked by the write gate, refused with the parser's message naming the line,
refused when someone else saved the family meanwhile, and kept as a new TemplateVersion
(audited by django-auditlog) — nothing is changed or deleted.

    family = templates.family("对口支援")
    templates.save(user, "对口支援", text, based_on=family.number, note="改写资金一句")
    templates.preview(user, "对口支援", text, 2024).blocks
"""

import difflib
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from hezuo import access, gate
from hezuo.org.models import Program
from hezuo.reports import sentences
from hezuo.reports.models import TemplateVersion
from hezuo.reports.services.report import build_report
from hezuo.stats.queries import REPORT_BY_KEY
from hezuo.text import TextError, clean

HISTORY_SHOWN = 30  # versions listed on a family's page, newest first


class TemplateConflict(ValueError):
    """A save on top of a version that is no longer the newest: someone saved meanwhile."""


class Unchanged(ValueError):
    """A save that would not change the template."""


@dataclass
class Family:
    """A family's template as it stands: `current` is its newest saved version, None while
    the shipped file is in force; `number` the version an editor starts from (0: the file)."""

    name: str
    current: TemplateVersion | None
    shipped: str | None  # the file's text; None when there is no file for it

    @property
    def text(self):
        return self.current.text if self.current else (self.shipped or "")

    @property
    def number(self):
        return self.current.number if self.current else 0

    @property
    def is_shipped(self):
        """Does the family read as shipped (never edited, or last restored)?"""
        return self.current is None or self.current.restored

    @property
    def is_opening(self):
        return self.name == sentences.OPENING


def family_names():
    """开篇, then every top-level program in the dictionary's order: the summary's sections."""
    return [sentences.OPENING, *Program.objects.filter(parent__isnull=True).values_list("name", flat=True)]


def families():
    """Every family with its current version: two queries, however many versions there are."""
    names = family_names()
    newest = {}
    for version in (TemplateVersion.objects.filter(family__in=names).select_related("created_by")
                    .order_by("family", "-number")):
        newest.setdefault(version.family, version)
    return [Family(name, newest.get(name), sentences.shipped_text(name)) for name in names]


def family(name):
    """A family by name, or None when the summary has no such section."""
    if name not in family_names():
        return None
    current = (TemplateVersion.objects.filter(family=name).select_related("created_by").order_by("-number").first())
    return Family(name, current, sentences.shipped_text(name))


def program_names():
    return set(Program.objects.values_list("name", flat=True))


def check(name, text):
    """`text` cleaned and parsed as `name`'s template; raises TemplateError naming the line."""
    try:
        text = clean(text)
    except TextError as error:
        raise sentences.TemplateError(f"{name}.txt", _line_of_control(text), str(error)) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sentences.parse_text(text, name, program_names())
    return text


def _line_of_control(text):
    for no, line in enumerate(text.splitlines(), start=1):
        try:
            clean(line)
        except TextError:
            return no
    return 1


@transaction.atomic
def save(actor, name, text, *, based_on, note="", restored=False):
    """Save `text` as the newest version of family `name`, on top of version `based_on` (the
    one the editor started from; 0 for the shipped file; None: whatever is newest, for the
    console). Refused: by the gate (gate.WriteRefused), a bad line (TemplateError), another
    save since `based_on` (TemplateConflict), or no change (Unchanged)."""
    gate.check(actor, gate.CREATE, TemplateVersion, [gate.Target()])
    text = check(name, text)
    # Lock the family's newest version: a second editor waits here; the unique number below
    # refuses them if they then build on the same one.
    newest = TemplateVersion.objects.select_for_update().filter(family=name).order_by("-number").first()
    number = newest.number if newest else 0
    if based_on is not None and based_on != number:
        raise TemplateConflict(conflict_message(newest))
    current = newest.text if newest else sentences.shipped_text(name)
    if current is not None and current.strip() == text.strip():
        raise Unchanged("当前已是系统默认句式，无需恢复" if restored else "内容没有修改，未保存新版本")
    try:
        # The first version has no row to lock: the unique number refuses the second one.
        with transaction.atomic():
            return TemplateVersion.objects.create(family=name, number=number + 1, text=text, note=(note or "")[:200],
                                                  restored=restored, created_by=access.user_of(actor))
    except IntegrityError:
        raise TemplateConflict(conflict_message(TemplateVersion.objects.filter(family=name).order_by("-number")
                                                .select_related("created_by").first())) from None


def conflict_message(newest):
    when = timezone.localtime(newest.created_at).strftime("%Y-%m-%d %H:%M")
    return (f"保存失败：{newest.author}已于{when}保存了第{newest.number}版，您的修改是在此之前的版本上做的。"
            "请复制您的修改，刷新页面后在最新版本上重新修改。")


def restore(actor, name, *, based_on=None):
    """Make the shipped file `name`'s template again, as a new version (nothing is deleted)."""
    shipped = sentences.shipped_text(name)
    if shipped is None:
        raise Unchanged(f"“{name}”没有系统默认的句式模板文件")
    return save(actor, name, shipped, based_on=based_on, note="恢复为系统默认", restored=True)


def history(name, limit=HISTORY_SHOWN):
    """The family's versions, newest first, each with its changes from the one before (the
    first from the shipped file): one query."""
    versions = list(TemplateVersion.objects.filter(family=name).select_related("created_by")
                    .order_by("-number")[:limit + 1])
    shown = versions[:limit]
    shipped = sentences.shipped_text(name) or ""
    entries = []
    for i, version in enumerate(shown):
        before = versions[i + 1].text if i + 1 < len(versions) else (shipped if version.number == 1 else None)
        entries.append(Change(version, diff(before, version.text) if before is not None else []))
    return entries


@dataclass
class Change:
    version: TemplateVersion
    lines: list = field(default_factory=list)  # [(kind, text)]: kind is "+", "-" or "@"


def diff(before, after):
    """The changed lines of `after` against `before`, as (kind, text) pairs."""
    found = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            found.append(("@", _hunk_label(line)))
        else:
            found.append((line[:1], line[1:]))
    return found


def _hunk_label(header):
    """'@@ -3,2 +3,2 @@' → 第3行起."""
    new = header.split()[2]  # +3,2
    start = new[1:].split(",")[0]
    return f"第{max(int(start), 1)}行起"


# -- what an editor may write --------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    code: str
    label: str


def reference(name):
    """What the editor of `name` may write, from sentences.py's own tables: the measures,
    the key-project figures, the words, the styles, and the programs a figure may name."""
    programs = list(Program.objects.filter(parent__name=name).values_list("name", flat=True)) if name != sentences.OPENING else []
    return {
        "measures": [Entry(key, measure.label) for key, measure in REPORT_BY_KEY.items()],
        "key_figures": [Entry(key, label) for key, label in sentences.KEY_PROJECT_FIGURES.items()],
        "words": [Entry(f"{{{word}}}" if not takes else f"{{{name if name != sentences.OPENING else '工作类别'}/{word}}}",
                        "带工作类别" if takes else "") for word, takes in sentences.WORDS.items()],
        "styles": [Entry(style or "（不写）", STYLE_NOTES.get(style, "")) for style in sentences.STYLES],
        "programs": [sentences.TOTAL, *programs] if name == sentences.OPENING else [name, *programs],
    }


STYLE_NOTES = {"": "精确值，如2838万元", "数": "只写数字，不带单位", "同比": "与上年相比的增减"}
STYLE_NOTES.update({style: f"取整，如{style}1.1亿元" if style != "余" else "取整，如2.4亿余元"
                    for style in sentences.HEADLINE_STYLES})


# -- the preview ---------------------------------------------------------------------------


@dataclass
class Preview:
    """A family's section of the summary as `text` would write it. `error`: the parser's
    message when the text is refused; `absent`: the family has no figures in the year, so
    the summary has no section for it."""

    blocks: list = field(default_factory=list)
    error: str = ""
    absent: bool = False
    year: int | None = None


def preview(user, name, text, year):
    """`name`'s section of `year`'s summary in `user`'s scope, written with `text`; saves nothing."""
    try:
        text = check(name, text)
    except sentences.TemplateError as error:
        return Preview(error=str(error), year=year)
    with sentences.drafting(name, text):
        report = build_report(user, year)
    blocks = section(report, name)
    return Preview(blocks, absent=not blocks, year=year)


def section(report, name):
    """The blocks of a family's section (the opening's paragraphs for 开篇)."""
    if name == sentences.OPENING:
        return [b for b in report.blocks if b.kind == "paragraph" and b.role == "opening"]
    found, inside = [], False
    for block in report.blocks:
        if block.kind == "heading" and block.level <= 2:
            if inside:
                break
            inside = block.level == 2 and block.text.split("）", 1)[-1] == name
            continue
        if inside:
            found.append(block)
    return found
