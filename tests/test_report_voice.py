"""The summary in the office's own voice, from the Huzhou demo: the year said as its author
says it, an opening overview with the year's figures and honours, every figure the records
hold (goods in kind, fund sources, inspections, key projects, targets), 存在问题 and 下一步打算
from facts, a sign-off."""

import datetime
from decimal import Decimal

from hezuo import access
from hezuo.keyprojects.models import AnnualPlan
from hezuo.projects.models import Project
from hezuo.reports.services.report import build_report
from hezuo.targets.models import Target
from tests.base import DemoTestCase

IN_2024 = datetime.date(2024, 12, 28)
IN_2025 = datetime.date(2025, 1, 15)

# The seed article's figures, each written from the records as the summary writes it.
SEED_FIGURES = [
    "超1.1亿元", "2838万元", "1.74亿元", "12批", "97人次", "345万株", "70万元", "241亿元", "152%",
    "43.1个百分点", "超额完成", "675.2亿元", "1540万元", "3710万元", "2264人次", "13.4亿元", "22.2亿元",
]


def section(text, heading, following):
    return text.split(heading, 1)[1].split(following, 1)[0]


class ReportVoiceTestCase(DemoTestCase):
    def summary(self, **options):
        return build_report(access.CONSOLE, 2024, **{"today": IN_2024, **options})

    def test_the_seed_articles_figures_come_from_the_records(self):
        body = self.summary().body()
        for figure in SEED_FIGURES:
            self.assertIn(figure, body)
        self.assertIn("新捐赠“白叶1号”茶苗345万株", body)
        self.assertIn("发放政策补贴70万元", body)
        self.assertIn("推动12家企业赴结对地区实地考察并签约4家", body)
        self.assertIn("1至11月，全市27个省2024年长三角一体化发展重大项目完成年度投资241亿元，"
                      "年度计划投资完成率达152%，快于全省43.1个百分点", body)
        self.assertIn("所有指标均提前超额完成省定目标任务", body)
        self.assertNotIn("超670亿元", body)

    def test_a_summary_written_in_its_year_never_says_last_year(self):
        body = self.summary().body()
        self.assertNotIn("去年", body)
        self.assertTrue(body.split("\n")[0].startswith("2024年，市区域合作办以"))

    def test_a_look_back_written_the_next_year_says_last_year(self):
        body = self.summary(today=IN_2025, looking_back=True).body()
        self.assertTrue(body.split("\n")[0].startswith("去年，市区域合作办以"))
        self.assertNotIn("2024年，市区域合作办", body)

    def test_the_opening_gives_the_years_headline_figures_honours_and_hosted_events(self):
        report = self.summary()
        opening = [b for b in report.blocks if b.role == "opening"]
        self.assertEqual(len(opening), 1)
        text = opening[0].plain
        self.assertIn("获评省“深入推进长三角一体化发展重要专项工作集体三等功”；连续3年获实干争先“奔跑者”奖；"
                      "获2023年度市直部门单位综合考核第一等次", text)
        self.assertIn("高质量牵头承办“在湖州看见美丽中国”（上海）推介会暨上海活动周开幕式、"
                      "长三角地区合作与发展联席会议等活动", text)
        self.assertIn("签约总投资675.2亿元", text)
        self.assertLess(report.blocks.index(opening[0]), next(i for i, b in enumerate(report.blocks)
                                                               if b.kind == "heading"))

    def test_sentences_have_a_subject_and_measure_words(self):
        body = self.summary().body()
        self.assertIn("全市投入援疆资金超1.1亿元", body)
        self.assertIn("组织12批97人次援疆干部人才和专家进疆指导，邀请8批162人次受援地群众代表来湖交流学习", body)
        self.assertIn("选派干部人才58人次赴协作地区挂职帮扶", body)
        self.assertNotIn("选派1批", body)
        self.assertNotIn("2,264", body)

    def test_the_job_fair_is_said_in_its_familys_section_from_its_records(self):
        from hezuo.jobs.models import Posting, RecruitmentEvent

        report = self.summary()
        event = RecruitmentEvent.objects.get(year=2024)
        published = Posting.objects.filter(event=event, published_at__isnull=False)  # offline ones too
        at, said = next((i, b.plain) for i, b in enumerate(report.blocks)
                        if b.kind == "paragraph" and "劳务协作招聘活动" in b.plain)
        employers = published.values("employer").distinct().count()
        self.assertEqual(employers, 28)
        self.assertIn(f"全市组织28家用工企业赴{event.destination.name}开展劳务协作招聘活动，{published.count()}个用工岗位信息制作成就业二维码", said)
        self.assertIn(f"帮助农村劳动力转移就业{event.transferred}人，其中脱贫劳动力{event.transferred_poor}人。", said)
        section = next(b for b in reversed(report.blocks[:at]) if b.kind == "heading" and b.level == 2)
        self.assertIn(event.program.parent.name if event.program.parent else event.program.name, section.text)

    def test_every_family_with_figures_has_text_not_only_a_table(self):
        report = self.summary()
        i = next(i for i, block in enumerate(report.blocks)
                 if block.kind == "heading" and block.level == 2 and block.text.startswith("（三）对口合作"))
        self.assertEqual(report.blocks[i + 1].kind, "paragraph")
        self.assertIn("全市落地浙吉合作项目20个", report.blocks[i + 1].plain)

    def test_the_problems_name_lagging_projects_with_their_units_and_slow_money_grouped(self):
        text = section(self.summary().text(), "三、存在问题", "四、下一步打算")
        self.assertIn("长兴县“长兴临沪产业合作园基础设施工程”完成71.2%", text)
        self.assertIn("低于序时进度（91.7%）", text)
        self.assertEqual(text.count("资金拨付进度偏慢"), 1)
        self.assertIn("浙吉合作资金安排1100万元、已拨付830万元，拨付率75.5%，均低于90%。", text)

    def test_an_unmet_target_is_a_problem_and_not_all_met(self):
        Target.objects.filter(indicator="consumption", year=2024).update(value=Decimal("50000000"))
        text = self.summary().text()
        self.assertNotIn("所有指标均", text)
        self.assertIn("消费帮扶完成74.2%，尚未完成省定目标任务", text)
        problems = section(text, "三、存在问题", "四、下一步打算")
        self.assertIn("部分目标任务尚未完成。山海协作消费帮扶目标5000万元，完成3710万元（74.2%）", problems)

    def test_next_year_is_planned_from_its_targets_and_plans_else_left_to_the_author(self):
        plans = section(self.summary().text(), "四、下一步打算", "市区域合作办\n")
        self.assertIn("【请填写：下一年度的工作思路和重点任务（记录中尚无下一年度的目标任务和计划）。】", plans)
        target = Target.objects.filter(year=2024, indicator="consumption").get()
        Target.objects.create(indicator="consumption", program=target.program, year=2025, value=Decimal("40000000"))
        project = Project.objects.filter(year=2024, key_level=Project.KeyLevel.PROVINCE).first()
        Project.objects.filter(pk=project.pk).update(year=2025)
        AnnualPlan.objects.create(project=project, year=2025, amount=Decimal("500000000"))
        plans = section(self.summary().text(), "四、下一步打算", "市区域合作办\n")
        self.assertIn("2025年，全市将对标目标任务，确保完成山海协作消费帮扶4000万元。", plans)
        self.assertIn("扎实推进1个省长三角一体化发展重大项目建设，完成年度计划投资5亿元。", plans)
        self.assertIn("【请补充：上述目标任务之外，下一年度的工作思路和重点举措。】", plans)

    def test_it_is_signed_by_the_office_with_the_day_written(self):
        signature = [b.plain for b in self.summary().blocks if b.role == "signature"]
        self.assertEqual(signature, ["市区域合作办", "2024年12月28日"])
