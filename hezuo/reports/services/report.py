"""The annual summary (年度工作总结) drafted from the statistics module's figures.

    report = build_report(user, 2024)
    report.blocks      # headings, paragraphs (text and figure references), tables, placeholders
    report.appendix    # every figure used, its value and the list that sums to it

Every number comes from the records through hezuo.stats.queries (statistics() and the
summary's own reads there), hezuo.keyprojects.queries (key projects' progress) and
hezuo.targets (targets against their indicators), never recomputed here, and is written
through hezuo.numbers. The wording lives in the sentence templates (hezuo/reports/sentences.py):
an opening overview (开篇.txt), one template per program family. The renderers (render.py) turn
the same blocks into HTML, Markdown, Word and PDF, so all formats say the same thing.

The summary is of the reader's scope: a district reporter's (or `hezuo report --unit`) is
titled with its unit, holds its unit's figures only and names it where the city's says 全市.
"""

import datetime
from functools import cached_property
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hezuo import access, numbers
from hezuo.exchanges.models import Activity
from hezuo.honors.models import Case, Level
from hezuo.jobs.queries import for_report as jobs_for_report
from hezuo.keyprojects.queries import progress as key_progress
from hezuo.keyprojects.queries import rounded
from hezuo.org.models import Unit
from hezuo.projects.models import Project
from hezuo.reports import sentences
from hezuo.stats import queries
from hezuo.stats.queries import BY_KEY, MEASURES, REPORT_BY_KEY, REPORT_MEASURES, Figure, statistics
from hezuo.targets import indicators as targets

CN_ORDINALS = "一二三四五六七八九十"
# Measures a family's table shows (when any of the family's rows has them).
TABLE_MEASURES = ("projects", "funds_arranged", "funds_disbursed", "consumption", "dispatch_batches",
                  "dispatch_person_times", "activity_batches", "activity_person_times", "signed_projects",
                  "signed_investment", "park_investment", "park_output")
DEFAULT_DISBURSE_FLOOR = 90  # percent of arranged funds disbursed below which a problem is listed
# Activities a section names ({援青/活动}): not the many training courses and study visits counted
# in batches, not job fairs (labour cooperation, see labour_cooperation()), not inspections
# (counted as enterprises and signings).
NAMED_ACTIVITY_KINDS = (Activity.Kind.PROMOTION, Activity.Kind.STUDY, Activity.Kind.MEETING, Activity.Kind.OTHER)
HOSTED_KINDS = (Activity.Kind.PROMOTION, Activity.Kind.MEETING)
NAMED_AT_MOST = 2  # activities named in one sentence (the template says 等)


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
    role: str = ""  # paragraph: "" for body text, "opening" (the overview), "signature" (落款, right-aligned)

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
    unit: str = ""  # the district (or other unit) the summary is of; "" for the whole city
    looking_back: bool = False  # written the next year for a publication: 去年

    def paragraphs(self):
        return [b.plain for b in self.blocks if b.kind != "table"]

    def text(self):
        return "\n".join(self.paragraphs())

    def body(self):
        """The summary's own text: what follows the title, tables and placeholders left out."""
        return "\n".join(b.plain for b in self.blocks if b.kind in ("heading", "paragraph"))


DEFAULT_OFFICE_NAME = "湖州市区域合作办"  # without a unit to name it after


def office_name():
    """settings.HEZUO_OFFICE_NAME (default 湖州市区域合作办); set it empty to use the root unit's name."""
    if settings.HEZUO_OFFICE_NAME:
        return settings.HEZUO_OFFICE_NAME
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


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def scope_unit(user):
    """The unit a reader's summary is of: a district reporter's own unit, else None (the city)."""
    scope = access.data_scope(user)
    return None if scope in ("all", "none") else user.unit


def year_words(year, today, looking_back):
    """How the summary names its year. Written in or after the year it sums up, it says
    2024年 and 全年; a retrospective (looking_back, for a publication of the next year)
    says 去年 — or 今年 when it is still that year."""
    if looking_back and today.year == year + 1:
        return {"年份": "去年", "全年": "去年"}
    if looking_back and today.year == year:
        return {"年份": "今年", "全年": "今年"}
    return {"年份": f"{year}年", "全年": "全年"}


def quoted(name):
    """A name in quotation marks, unless it carries its own (实干争先“奔跑者”奖)."""
    return f"“{name}”" if "“" not in name else name


class _Builder:
    def __init__(self, user, year, template_dir=None, today=None, looking_back=None):
        self.user, self.year, self.template_dir = user, year, template_dir
        self.today = today or timezone.localdate()
        if looking_back is None:
            looking_back = getattr(settings, "HEZUO_REPORT_LOOKING_BACK", False)
        self.looking_back = bool(looking_back)
        self.unit = scope_unit(user)
        # The summary's own measures first: one sums a field (signed_projects) that a measure
        # of MEASURES is named after, and an aggregate cannot read an annotation made before it.
        self.stats = statistics(user, year, by=("program",), measures=[*REPORT_MEASURES, *MEASURES])
        self.rows = {row.label: row for row in self.stats.programs}
        self.rows[sentences.TOTAL] = self.stats.total
        self.program_names = set(self.rows) - {sentences.TOTAL}
        self.blocks, self.appendix = [], []
        self._refs = {}
        self._cumulative = {}
        self._key_progress = None
        self._targets = None
        root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        if self.unit is not None:
            self.office = self.unit.name
            subject = self.unit.name
            self.own_units = [self.unit.pk]
        else:
            self.office = office_name()
            subject = None
            self.own_units = [root.pk] if root else []
        self.words = {
            **year_words(year, self.today, self.looking_back),
            "年度": f"{year}年",
            "全市": subject or "全市",
            "我市": subject or "我市",
            "单位": subject or (root.name if root else self.office),
        }

    # -- figures ------------------------------------------------------------------------

    def ref(self, figure, text, label):
        key = (figure.url, text)
        if key not in self._refs:
            name = figure.label if not label or figure.label.startswith(label) else f"{label}{figure.label}"
            if text.startswith(("同比", "与上年", "上年")):
                name += "（同比，对比上年同期）"
            if name != figure.label:
                figure = Figure(figure.value, figure.url, figure.unit, figure.total, figure.previous, name)
            ref = Ref(text, figure, len(self.appendix) + 1)
            self.appendix.append(ref)
            self._refs[key] = ref
        return self._refs[key]

    def figure(self, placeholder):
        if placeholder.measure in sentences.KEY_PROJECT_FIGURES:
            return self.key_figure(placeholder.measure)
        row = self.rows[placeholder.program]
        if placeholder.since is None or placeholder.since >= self.year:
            return row[placeholder.measure]
        return self.cumulative(row, placeholder.measure, placeholder.since)

    def cumulative(self, row, measure_key, since):
        """A measure summed over the years `since`…report year: one statistics() per year."""
        key = (row.label, measure_key, since)
        if key not in self._cumulative:
            measure = REPORT_BY_KEY[measure_key]
            program = row.node
            value = 0
            for year in range(since, self.year + 1):
                stats = statistics(self.user, year, program=program, by=(), compare=False, measures=[measure])
                value += stats.total[measure_key].value
            # The list of those records: the source's dates across the years, one program.
            query = {**({"program": program.pk} if program else {}), "since": f"{since}-01-01",
                     "until": f"{self.year}-12-31", **dict(measure.params)}
            url = f"{reverse(f'{measure.source}:list')}?{urlencode(query)}"
            self._cumulative[key] = Figure(value, url, measure.unit, measure.total, None,
                                           f"{since}—{self.year}年累计{measure.label}")
        return self._cumulative[key]

    def key_projects(self):
        if self._key_progress is None:
            self._key_progress = key_progress(self.user, self.year)
        return self._key_progress

    def key_figure(self, measure):
        """A figure of the year's provincial key projects (hezuo.keyprojects), or None."""
        p = self.key_projects()
        if not p.count:
            return None
        listed = f"{reverse('keyprojects:list')}?{urlencode({'year': self.year})}"
        label = sentences.KEY_PROJECT_FIGURES[measure]
        if measure == "key_count":
            return self.rows[sentences.TOTAL]["key_projects"]
        if measure == "key_completed":
            return Figure(p.completed, listed, "元", label=f"{self.period_words()}{label}")
        if measure == "key_rate":
            rate = rounded(p.completion_rate)
            return None if rate is None else Figure(rate, listed, "%", label=f"{self.period_words()}{label}")
        points = p.ahead_points
        return None if points is None else Figure(points, listed, "个百分点", label=f"{self.period_words()}{label}")

    def key_text(self, measure, figure):
        if measure == "key_rate":
            return numbers.format_percent(figure.value)
        if measure == "key_ahead":
            return self.key_projects().versus_province
        return None

    def period_words(self):
        """1至11月 for key projects reported through November; 全年 through December."""
        month = self.key_projects().through_month
        if month in (None, 12):
            return self.words["全年"]
        return "1月" if month == 1 else f"1至{month}月"

    def targets(self):
        if self._targets is None:
            self._targets = targets.progress(self.user, targets.targets_of(self.user, self.year))
        return self._targets

    # -- words ----------------------------------------------------------------------------

    def word(self, word):
        """The parts a word stands for, or None when it is empty (its clause is left out)."""
        if word.word in self.words:
            return [self.words[word.word]]
        if word.word == "重点项目期间":
            return [self.period_words()] if self.key_projects().count else None
        if word.word == "荣誉":
            return self.honour_words()
        if word.word == "承办活动":
            hosted = queries.notable_activities(self.user, self.year, HOSTED_KINDS, unit_ids=self.own_units)
            return self.named(hosted)
        program = self.rows[word.program].node
        if word.word == "活动":
            return self.named(queries.notable_activities(self.user, self.year, NAMED_ACTIVITY_KINDS, program=program))
        if word.word == "物资":
            parts = []
            for item, figure in queries.in_kind(self.user, self.year, program):
                parts += ["、" if parts else "", item, self.ref(figure, figure.text, "")]
            return parts or None
        if word.word == "目标":
            return self.target_words(program, word.style or "目标任务")
        raise ValueError(word.word)

    def named(self, activities):
        names = [a.name for a in activities[:NAMED_AT_MOST]]
        return ["、".join(names)] if names else None

    def honour_words(self):
        """其中，市区域合作办获评省“…”；连续3年获实干争先“奔跑者”奖；获…: the holder named
        when it changes, 连续N年 from the years running."""
        phrases, holder = [], None
        for h in self.honour_lines:
            who = h.holder if h.holder != holder else ""
            holder = h.holder
            running = f"连续{h.years_running}年" if h.years_running > 1 else ""
            if h.level in (Level.PROVINCIAL.label, Level.NATIONAL.label):
                level = "省" if h.level == Level.PROVINCIAL.label else "国家"
                phrases.append(f"{who}{running}获评{level}{quoted(h.name)}")
            else:
                phrases.append(f"{who}{running}获{h.name}")
        return ["；".join(phrases)] if phrases else None

    def target_words(self, program, noun):
        """How the program's targets of the year stand: 所有指标均提前超额完成省定目标任务, or
        which are not met yet and how far they are."""
        ids = program.tree_ids()
        mine = [t for t in self.targets() if t.target.program_id in ids and t.actual is not None]
        if not mine:
            return None
        unmet = [t for t in mine if not t.met]
        if not unmet:
            early = "提前" if all(t.early for t in mine) else ""
            beyond = "超额" if all(Decimal(t.actual) > t.target.value for t in mine) else ""
            every = "所有指标均" if len(mine) > 1 else f"{mine[0].target.indicator_label}指标"
            return [f"{every}{early}{beyond}完成{noun}"]
        said = "、".join(f"{t.target.indicator_label}完成{t.rate_text}" for t in unmet)
        return [f"{said}，尚未完成{noun}"]

    # -- sections -----------------------------------------------------------------------

    def heading(self, level, index, text):
        self.blocks.append(Block("heading", level, numbered(level, index, text)))

    def build(self):
        if self.unit is not None:
            title = f"{self.unit.name}{self.year}年区域合作工作总结"
        else:
            title = f"{self.office}{self.year}年工作总结"
        opening = sentences.load_template(sentences.OPENING, self.program_names, self.template_dir)
        if opening is not None:
            start = len(self.blocks)
            self.sentences(opening)
            for block in self.blocks[start:]:
                if block.kind == "paragraph":
                    block.role = "opening"
        self.heading(1, 1, "主要工作成效")
        families = [row for row in self.stats.programs if row.depth == 0 and self.has_figures(row)]
        for index, family in enumerate(families, start=1):
            self.family(index, family)
        self.heading(1, 2, "荣誉与典型案例")
        self.honors()
        self.heading(1, 3, "存在问题")
        self.problems()
        self.heading(1, 4, "下一步打算")
        self.next_year()
        self.signature()
        return Report(title, self.year, self.office, self.blocks, self.appendix, datetime.datetime.now(),
                      self.unit.name if self.unit else "", self.looking_back)

    def has_figures(self, row):
        return any(row.value(key) for key in TABLE_MEASURES)

    def family(self, index, row):
        self.heading(2, index, row.label)
        template = sentences.load_template(row.label, self.program_names, self.template_dir)
        if template is None:
            self.blocks.append(Block("placeholder", text=f"【请填写：{row.label}工作情况（未找到该类别的句式模板）。】"))
        elif not self.sentences(template):
            self.blocks.append(Block("placeholder", text=f"【请填写：{row.label}工作情况（句式模板中的数字均为零）。】"))
        self.blocks += self.labour_cooperation(row)
        self.table(row)

    def sentences(self, template):
        """The template's kept sentences as paragraphs; returns how many were kept."""
        paragraph, sub, kept = [], 0, 0
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
                kept += 1
                if pending_heading:
                    flush()
                    sub += 1
                    self.heading(3, sub, pending_heading)
                    pending_heading = None
                paragraph.extend(parts)
        flush()
        return kept

    def sentence(self, line):
        """The parts of a sentence, or None if it is left out (see sentences.py: clauses)."""
        state = {"kept": False}
        parts = self.render(line.items, state, top=True)
        if parts is None or not state["kept"]:
            return None
        return _tidy(parts)

    def render(self, items, state, top=False):
        """Parts of `items`, or None when a figure or word among them (not in a clause of its
        own) is zero or empty. A clause kept first in its sentence loses its leading pause."""
        parts = []
        has_clause = dropped = False
        for item in items:
            follows_dropped, dropped = dropped, False
            if isinstance(item, str):
                parts.append(item)
            elif isinstance(item, sentences.Clause):
                has_clause = True
                before = state["kept"]
                inner = self.render(item.items, state)
                if inner is None:
                    state["kept"] = before
                    dropped = True
                    continue
                # 全市[投入援疆资金…][，安排援疆项目…] without the first: 全市安排援疆项目…
                if not before and follows_dropped and inner and isinstance(inner[0], str):
                    inner[0] = inner[0].lstrip("，；、")
                parts += inner
            elif isinstance(item, sentences.Word):
                value = self.word(item)
                if value is None:
                    return None
                parts += value
                if item.word not in self.words:
                    state["kept"] = True
            else:
                figure = self.figure(item)
                text = None
                if item.measure in sentences.KEY_PROJECT_FIGURES and figure is not None and figure.value:
                    text = self.key_text(item.measure, figure)
                text = text or sentences.render_value(figure, item)
                if text is None:
                    return None
                parts.append(self.ref(figure, text, item.program))
                state["kept"] = True
        if top and not has_clause and not state["kept"]:
            state["kept"] = True  # a sentence of words and text only (the opening's first line)
        return parts

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

    def labour_cooperation(self, family):
        """The paragraph on 劳务协作 of a family's section, from its programs' recruitment events
        of the year (hezuo.jobs.queries.for_report): 全市组织28家用工企业赴白山市开展劳务协作招聘
        活动，3046个用工岗位信息制作成就业二维码、计划招聘N人，帮助农村劳动力转移就业N人，其中
        脱贫劳动力N人。 A figure that is zero drops its clause; no event, no paragraph."""
        program = family.node
        found = jobs_for_report(self.user, self.year, program.tree_ids()) if program is not None else None
        if not found:
            return []
        query = urlencode({"year": self.year, "program": program.pk})
        postings = f"{reverse('postings:list')}?{query}&published=0"  # 发布时间 已填写: published at some time
        events = f"{reverse('recruitment-events:list')}?{query}"
        label = family.label

        def figure(value, url, unit, total, name):  # written as the sentences write counts: 3046个
            return self.ref(Figure(value, url, unit, total, label=name), f"{numbers.format_number(value)}{unit}", label)

        parts = [self.words["全市"], "组织"]
        if found["employers"]:
            parts += [f"{numbers.format_number(found['employers'])}家用工企业"]
        places = "、".join(found["places"][:3]) + ("等地" if len(found["places"]) > 3 else "")
        times = f"{numbers.format_number(found['events'])}场" if found["events"] > 1 else ""
        parts += [f"赴{places}开展劳务协作招聘活动{times}"]
        if found["postings"]:
            parts += ["，", figure(found["postings"], postings, "个", "", "劳务协作发布岗位"),
                      "用工岗位信息制作成就业二维码"]
            if found["people"]:
                parts += ["、计划招聘", figure(found["people"], postings, "人", "headcount", "劳务协作招聘人数")]
        if found["transferred"]:
            parts += ["，帮助农村劳动力转移就业", figure(found["transferred"], events, "人", "transferred", "转移就业人数")]
            if found["poor"]:
                parts += ["，其中脱贫劳动力", figure(found["poor"], events, "人", "transferred_poor", "其中脱贫劳动力")]
        parts.append("。")
        return [Block("paragraph", parts=parts)]

    @cached_property
    def honour_lines(self):
        """The year's honours (stats.queries.honors), read once for the opening and the section."""
        return queries.honors(self.user, self.year)

    def honors(self):
        honors = self.honour_lines
        cases = list(access.visible(self.user, Case.objects.filter(year=self.year)).select_related("program"))
        if not honors and not cases:
            self.blocks.append(Block("placeholder", text="【请填写：本年度获得的荣誉和入选的典型案例。】"))
            return
        sub = 0
        if honors:
            sub += 1
            self.heading(2, sub, "荣誉")
            for i, h in enumerate(honors, start=1):
                running = f"连续{h.years_running}年" if h.years_running > 1 else ""
                by = f"，{h.awarded_by}授予" if h.awarded_by else ""
                text = f"{i}.{h.holder}{running}获{quoted(h.name)}（{h.level}{by}）。"
                self.blocks.append(Block("paragraph", parts=[text]))
        if cases:
            sub += 1
            self.heading(2, sub, "典型案例")
            for i, c in enumerate(cases, start=1):
                sel = f"，入选{c.selection}" if c.selection else ""
                self.blocks.append(Block("paragraph", parts=[
                    # Marks of its own nest as ‘…’ when printed (render.printed).
                    f"{i}.“{c.title}”（{c.program.name}，{c.get_level_display()}{sel}）。"]))

    # -- problems and next year ------------------------------------------------------------

    def problems(self):
        """存在问题 from the records: lagging key projects, targets not met, money not paid out,
        projects stopped; each a numbered paragraph that says what and where."""
        items = [self.lagging_projects(), self.unmet_targets(), self.slow_funds(), self.suspended_projects()]
        items = [parts for parts in items if parts]
        for i, parts in enumerate(items, start=1):
            self.blocks.append(Block("paragraph", parts=[f"{i}.", *[p for p in parts if p != ""]]))
        if items:
            text = "【请补充：上述自动列出的问题之外，工作中存在的其他问题和不足。】"
        else:
            text = "【请填写：工作中存在的问题和不足（记录中未见滞后项目、未完成目标或拨付偏慢的资金）。】"
        self.blocks.append(Block("placeholder", text=text))

    def lagging_projects(self):
        p = self.key_projects()
        lagging = p.lagging
        if not lagging:
            return None
        own = self.unit.pk if self.unit else None  # a district's own projects need no name of it
        listed = "；".join(
            f"{'' if q.project.unit_id == own else q.project.unit.name}{quoted(q.project.name)}"
            f"完成{numbers.format_percent(rounded(q.completion_rate))}" for q in lagging)
        time = numbers.format_percent(rounded(p.time_progress))
        return [f"重点项目推进不平衡。截至{p.through_month}月底，{numbers.format_count(len(lagging), '个')}"
                f"省长三角一体化发展重大项目年度投资完成率低于序时进度（{time}）：{listed}，需督促加快建设进度。"]

    def unmet_targets(self):
        unmet = [t for t in self.targets() if t.actual is not None and not t.met]
        if not unmet:
            return None
        said = "；".join(f"{t.target.program.name}{t.target.indicator_label}目标{t.target_text}，完成{t.actual_text}"
                        f"（{t.rate_text}）" for t in unmet)
        return [f"部分目标任务尚未完成。{said}，需在年底前加快推进。"
                if self.today.year == self.year else f"部分目标任务未完成。{said}。"]

    def slow_funds(self):
        floor = Decimal(getattr(settings, "HEZUO_REPORT_DISBURSE_FLOOR", DEFAULT_DISBURSE_FLOOR))
        slow, unpaid = [], []
        for row in self.stats.programs:
            if row.depth == 0 and any(r.parent is not None and r.parent.pk == row.node.pk and r["funds_arranged"].value
                                      for r in self.stats.programs):
                continue  # the children say it more precisely
            arranged, disbursed = row["funds_arranged"], row["funds_disbursed"]
            if not arranged.value:
                continue
            if not disbursed.value:
                unpaid.append(row)
                continue
            rate = (Decimal(disbursed.value) / Decimal(arranged.value) * 100).quantize(Decimal("0.1"))
            if rate < floor:
                slow.append((row, rate))
        if not slow and not unpaid:
            return None
        parts = ["资金拨付进度偏慢。"]
        for n, (row, rate) in enumerate(slow):
            arranged, disbursed = row["funds_arranged"], row["funds_disbursed"]
            parts += ["；" if n else "", f"{row.label}资金安排", self.ref(arranged, arranged.text, row.label),
                      "、已拨付", self.ref(disbursed, disbursed.text, row.label),
                      f"，拨付率{numbers.format_percent(rate)}"]
        if slow:
            parts.append(f"，均低于{numbers.format_percent(floor)}" if len(slow) > 1
                         else f"，低于{numbers.format_percent(floor)}")
            parts.append("。")
        for row in unpaid:
            arranged = row["funds_arranged"]
            parts += [f"{row.label}资金尚未拨付：安排", self.ref(arranged, arranged.text, row.label), "，至年底未有拨付记录。"]
        return parts

    def suspended_projects(self):
        suspended = access.visible(self.user, Project.objects.filter(year=self.year, status=Project.Status.SUSPENDED))
        names = list(suspended.order_by("code").values_list("name", flat=True)[:5])
        count = suspended.count() if names else 0
        if not count:
            return None
        url = f"{reverse('projects:list')}?{urlencode({'year': self.year, 'status': Project.Status.SUSPENDED})}"
        figure = Figure(count, url, "个", label="已终止项目")
        more = "等" if count > len(names) else ""
        return [f"{self.year}年度有", self.ref(figure, numbers.format_count(count, "个"), ""),
                f"项目已终止（{'、'.join(names)}{more}），需分析原因、做好资金收回或调整。"]

    def next_year(self):
        """下一步打算 from what is already entered for next year (targets, key projects' annual
        plans); the author writes the rest."""
        following = self.year + 1
        said = []
        # Only what was set: next year's actuals are not read.
        entered = [targets.Progress(t, None) for t in targets.targets_of(self.user, following)]
        if entered:
            by_program = {}
            for t in entered:
                by_program.setdefault(t.target.program.name, []).append(f"{t.target.indicator_label}{t.target_text}")
            goals = "；".join(f"{program}{'、'.join(goals)}" for program, goals in by_program.items())
            said.append(f"{following}年，{self.words['全市']}将对标目标任务，确保完成{goals}。")
        plans = key_progress(self.user, following, 1)
        if plans.count and plans.annual_plan:
            said.append(f"扎实推进{numbers.format_count(plans.count, '个')}省长三角一体化发展重大项目建设，"
                        f"完成年度计划投资{numbers.format_amount(plans.annual_plan)}。")
        for text in said:
            self.blocks.append(Block("paragraph", parts=[text]))
        if said:
            text = "【请补充：上述目标任务之外，下一年度的工作思路和重点举措。】"
        else:
            text = "【请填写：下一年度的工作思路和重点任务（记录中尚无下一年度的目标任务和计划）。】"
        self.blocks.append(Block("placeholder", text=text))

    def signature(self):
        self.blocks.append(Block("paragraph", parts=[self.words["单位"]], role="signature"))
        self.blocks.append(Block("paragraph", parts=[chinese_date(self.today)], role="signature"))


def _tidy(parts):
    """Adjacent text joined, punctuation a dropped clause left behind tidied (sentences.tidy)."""
    merged = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        elif p != "":
            merged.append(p)
    return [sentences.tidy(p, at_start=i == 0) if isinstance(p, str) else p for i, p in enumerate(merged)
            if not isinstance(p, str) or sentences.tidy(p, at_start=i == 0)]


def build_report(user, year, template_dir=None, today=None, looking_back=None):
    """The summary of `year` in `user`'s scope (access.CONSOLE: everything, the city's).

    `today` is the day it is written (default: today); `looking_back` (default
    settings.HEZUO_REPORT_LOOKING_BACK) writes it as a look back from the next year: 去年."""
    return _Builder(user, year, template_dir, today, looking_back).build()
