"""The annual summary (年度工作总结) drafted from the statistics module's figures.

    report = build_report(user, 2024)
    report.blocks      # headings, paragraphs (text and figure references), tables, placeholders
    report.appendix    # every figure used, its value and the list that sums to it

Every number comes from hezuo.stats.queries.statistics() (never recomputed here) and is
written through hezuo.numbers. The wording lives in the sentence templates
(hezuo/reports/sentences.py); the renderers (render.py) turn the same blocks into HTML,
Markdown, Word and PDF, so all formats say the same thing.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from hezuo import access, numbers
from hezuo.honors.models import Case, Honor
from hezuo.org.models import Unit
from hezuo.projects.models import Project
from hezuo.reports import sentences
from hezuo.stats.queries import BY_KEY, Figure, statistics

CN_ORDINALS = "一二三四五六七八九十"
# Measures a family's table shows (when any of the family's rows has them).
TABLE_MEASURES = ("projects", "funds_arranged", "funds_disbursed", "consumption", "dispatch_batches",
                  "dispatch_person_times", "activity_batches", "activity_person_times", "signed_projects",
                  "signed_investment", "park_investment", "park_output")
DEFAULT_DISBURSE_FLOOR = 90  # percent of arranged funds disbursed below which a problem is listed


@dataclass
class Ref:
    """A figure as it stands in a sentence: its text there and the figure behind it."""

    text: str
    figure: Figure
    number: int = 0  # its row in the appendix


@dataclass
class Block:
    kind: str  # heading, paragraph, table, placeholder
    level: int = 0  # heading level 1–4 (一、/（一）/1./（1）)
    text: str = ""  # heading text (with its number) or placeholder text
    parts: list = field(default_factory=list)  # paragraph: str and Ref
    columns: list = field(default_factory=list)  # table: header texts
    rows: list = field(default_factory=list)  # table: [label, Ref | "", …]

    @property
    def plain(self):
        if self.kind == "paragraph":
            return "".join(p if isinstance(p, str) else p.text for p in self.parts)
        return self.text


@dataclass
class Report:
    title: str
    year: int
    office: str
    blocks: list
    appendix: list  # [Ref], numbered from 1
    generated: datetime.datetime

    def paragraphs(self):
        return [b.plain for b in self.blocks if b.kind != "table"]

    def text(self):
        return "\n".join(self.paragraphs())


DEFAULT_OFFICE_NAME = "湖州市区域合作办"


def office_name():
    """settings.HEZUO_OFFICE_NAME (default 湖州市区域合作办); set it empty to use the root unit's name."""
    name = getattr(settings, "HEZUO_OFFICE_NAME", DEFAULT_OFFICE_NAME)
    if name:
        return name
    root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    return root.name if root else DEFAULT_OFFICE_NAME


def numbered(level, index, text):
    """一、/（一）/1./（1） headings."""
    if level == 1:
        return f"{chinese(index)}、{text}"
    if level == 2:
        return f"（{chinese(index)}）{text}"
    if level == 3:
        return f"{index}.{text}"
    return f"（{index}）{text}"


def chinese(n):
    if n <= 10:
        return CN_ORDINALS[n - 1]
    return ("" if n < 20 else CN_ORDINALS[n // 10 - 1]) + "十" + (CN_ORDINALS[n % 10 - 1] if n % 10 else "")


class _Builder:
    def __init__(self, user, year, template_dir=None):
        self.user, self.year, self.template_dir = user, year, template_dir
        self.stats = statistics(user, year, by=("program",))
        self.rows = {row.label: row for row in self.stats.programs}
        self.program_names = set(self.rows)
        self.blocks, self.appendix = [], []
        self._refs = {}
        self._cumulative = {}

    # -- figures ------------------------------------------------------------------------

    def ref(self, figure, text, label):
        key = (figure.url, text)
        if key not in self._refs:
            name = figure.label if figure.label.startswith(label) else f"{label}{figure.label}"
            if text.startswith(("同比", "与上年", "上年")):
                name += "（同比，对比上年同期）"
            if name != figure.label:
                figure = Figure(figure.value, figure.url, figure.unit, figure.total, figure.previous, name)
            ref = Ref(text, figure, len(self.appendix) + 1)
            self.appendix.append(ref)
            self._refs[key] = ref
        return self._refs[key]

    def figure(self, placeholder):
        row = self.rows[placeholder.program]
        if placeholder.since is None or placeholder.since >= self.year:
            return row[placeholder.measure]
        return self.cumulative(row, placeholder.measure, placeholder.since)

    def cumulative(self, row, measure_key, since):
        """A measure summed over the years `since`…report year: one statistics() per year."""
        key = (row.label, measure_key, since)
        if key not in self._cumulative:
            measure = BY_KEY[measure_key]
            value = 0
            for year in range(since, self.year + 1):
                stats = statistics(self.user, year, program=row.node, by=(), compare=False, measures=[measure])
                value += stats.total[measure_key].value
            # The list of those records: the source's dates across the years, one program.
            query = {"program": row.node.pk, "since": f"{since}-01-01", "until": f"{self.year}-12-31",
                     **dict(measure.params)}
            url = f"{reverse(f'{measure.source}:list')}?{urlencode(query)}"
            self._cumulative[key] = Figure(value, url, measure.unit, measure.total, None,
                                           f"{since}—{self.year}年累计{measure.label}")
        return self._cumulative[key]

    # -- sections -----------------------------------------------------------------------

    def heading(self, level, index, text):
        self.blocks.append(Block("heading", level, numbered(level, index, text)))

    def build(self):
        office = office_name()
        title = f"{office}{self.year}年工作总结"
        self.heading(1, 1, "主要工作成效")
        families = [row for row in self.stats.programs if row.depth == 0 and self.has_figures(row)]
        for index, family in enumerate(families, start=1):
            self.family(index, family)
        self.heading(1, 2, "荣誉与典型案例")
        self.honors()
        self.heading(1, 3, "存在问题")
        self.problems()
        self.heading(1, 4, "下一步打算")
        self.blocks.append(Block("placeholder", text="【请填写：下一年度的工作思路和重点任务。】"))
        return Report(title, self.year, office, self.blocks, self.appendix, datetime.datetime.now())

    def has_figures(self, row):
        return any(f.value for f in row.figures.values())

    def family(self, index, row):
        self.heading(2, index, row.label)
        template = sentences.load_template(row.label, self.program_names, self.template_dir)
        if template is not None:
            self.sentences(template)
        else:
            self.blocks.append(Block("placeholder", text=f"【请填写：{row.label}工作情况（未找到该类别的句式模板）。】"))
        self.table(row)

    def sentences(self, template):
        paragraph, sub = [], 0
        pending_heading = None

        def flush():
            if paragraph:
                # The last kept line may have been written to go on (，；): end the paragraph.
                if isinstance(paragraph[-1], str) and paragraph[-1][-1:] in "，；、":
                    paragraph[-1] = paragraph[-1][:-1] + "。"
                self.blocks.append(Block("paragraph", parts=list(paragraph)))
                paragraph.clear()

        for line in template.lines:
            if line.kind == "break":
                flush()
            elif line.kind == "heading":
                flush()
                pending_heading = line.text  # shown only if a sentence follows
            else:
                parts = self.sentence(line)
                if parts is None:
                    continue
                if pending_heading:
                    sub += 1
                    self.heading(3, sub, pending_heading)
                    pending_heading = None
                paragraph.extend(parts)
        flush()

    def sentence(self, line):
        """The parts of a sentence, or None if one of its figures is zero or missing."""
        texts = []
        for placeholder in line.placeholders:
            figure = self.figure(placeholder)
            text = sentences.render_value(figure, placeholder)
            if text is None:
                return None
            texts.append((text, figure, placeholder))
        parts, rest = [], line.text
        for text, figure, placeholder in texts:
            before, _, rest = rest.partition("{")
            _, _, rest = rest.partition("}")
            parts.append(before)
            label = placeholder.program
            parts.append(self.ref(figure, text, label))
        parts.append(rest)
        return [p for p in parts if p != ""]

    def table(self, family):
        rows = [family] + [r for r in self.stats.programs if r.parent is not None and r.parent.pk == family.node.pk
                           and self.has_figures(r)]
        measures = [BY_KEY[k] for k in TABLE_MEASURES if any(r[k].value for r in rows)]
        if not measures:
            return
        # Each column in one unit and one number style: amounts in 万元 or 亿元 as the column's
        # magnitudes fit (numbers.amount_column), counts in their own unit.
        columns, texts = ["工作类别"], {}
        for m in measures:
            values = [r[m.key].value for r in rows]
            if m.is_amount:
                unit, texts[m.key] = numbers.amount_column(values)
            else:
                unit, texts[m.key] = m.unit, [numbers.format_number(v) if v else "" for v in values]
            columns.append(f"{m.label}（{unit}）")
        body = []
        for i, r in enumerate(rows):
            cells = [r.label]
            for m in measures:
                f = r[m.key]
                cells.append(self.ref(f, texts[m.key][i], r.label) if f.value else "")
            body.append(cells)
        self.blocks.append(Block("table", text=f"{family.label}主要指标（{self.year}年）", columns=columns, rows=body))

    def honors(self):
        honors = list(access.visible(self.user, Honor.objects.filter(year=self.year)).select_related("unit"))
        cases = list(access.visible(self.user, Case.objects.filter(year=self.year)).select_related("program"))
        if not honors and not cases:
            self.blocks.append(Block("placeholder", text="【请填写：本年度获得的荣誉和入选的典型案例。】"))
            return
        sub = 0
        if honors:
            sub += 1
            self.heading(2, sub, "荣誉")
            for i, h in enumerate(honors, start=1):
                who = h.recipient or h.unit.name
                by = f"，{h.awarded_by}授予" if h.awarded_by else ""
                self.blocks.append(Block("paragraph", parts=[f"{i}.{who}获“{h.name}”（{h.get_level_display()}{by}）。"]))
        if cases:
            sub += 1
            self.heading(2, sub, "典型案例")
            for i, c in enumerate(cases, start=1):
                sel = f"，入选{c.selection}" if c.selection else ""
                self.blocks.append(Block("paragraph", parts=[
                    f"{i}.“{c.title}”（{c.program.name}，{c.get_level_display()}{sel}）。"]))

    def problems(self):
        items = []
        suspended = access.visible(self.user, Project.objects.filter(year=self.year, status=Project.Status.SUSPENDED))
        names = list(suspended.order_by("code").values_list("name", flat=True)[:5])
        count = suspended.count() if names else 0
        if count:
            url = f"{reverse('projects:list')}?{urlencode({'year': self.year, 'status': Project.Status.SUSPENDED})}"
            figure = Figure(count, url, "个", label="已终止项目")
            more = "等" if count > len(names) else ""
            items.append([f"{self.year}年度有", self.ref(figure, numbers.format_count(count, "个"), ""),
                          f"项目已终止（{'、'.join(names)}{more}），需分析原因、做好资金收回或调整。"])
        floor = Decimal(getattr(settings, "HEZUO_REPORT_DISBURSE_FLOOR", DEFAULT_DISBURSE_FLOOR))
        for row in self.stats.programs:
            if row.depth == 0 and any(r.parent is not None and r.parent.pk == row.node.pk and r["funds_arranged"].value
                                      for r in self.stats.programs):
                continue  # the children say it more precisely
            arranged, disbursed = row["funds_arranged"], row["funds_disbursed"]
            if not arranged.value:
                continue
            if not disbursed.value:
                items.append([f"{row.label}资金尚未拨付：安排", self.ref(arranged, arranged.text, row.label),
                              "，至年底未有拨付记录。"])
                continue
            rate = (Decimal(disbursed.value) / Decimal(arranged.value) * 100).quantize(Decimal("0.1"))
            if rate < floor:
                items.append([f"{row.label}资金拨付进度偏慢：安排", self.ref(arranged, arranged.text, row.label),
                              "，已拨付", self.ref(disbursed, disbursed.text, row.label),
                              f"，拨付率{numbers.format_percent(rate)}，低于{numbers.format_percent(floor)}，"
                              f"差{numbers.format_points(floor - rate)}。"])
        for i, parts in enumerate(items, start=1):
            self.blocks.append(Block("paragraph", parts=[f"{i}.", *[p for p in parts if p != ""]]))
        self.blocks.append(Block("placeholder", text="【请补充：上述自动列出的问题之外，工作中存在的其他问题和不足。】"))


def build_report(user, year, template_dir=None):
    """The summary of `year` in `user`'s scope (access.CONSOLE: everything, for the console)."""
    return _Builder(user, year, template_dir).build()
