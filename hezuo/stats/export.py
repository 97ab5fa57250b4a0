"""The statistics page as a workbook: one sheet per breakdown (program, unit, partner region).

Uses the one workbook writer (hezuo/workbooks.py) for the header style, frozen header,
number formats and text kept as text, so every workbook Hezuo writes looks alike. Amounts are
numbers in 万元 (as list exports), counts plain integers, so people can sum and chart them.
"""

from openpyxl.styles import Alignment

from hezuo import numbers
from hezuo.workbooks import AMOUNT_FORMAT, HEADER_FONT, WorkbookWriter, cell

NOTES = (
    "资金、消费帮扶、人员派遣和交流活动按记录日期（派遣按开始日期）统计；项目按年度统计；"
    "园区数据为当年园区整体数据，不含累计数和单个企业数据。",
    "上级工作类别含下级类别，单位含下属单位，省级地区含所辖城市；结对地区按地级市汇总（直辖市按市）。",
)


class StatisticsWriter(WorkbookWriter):
    def sheet(self, title, heading, rows, measures, total=None):
        headers = [heading] + [f"{m.label}（万元）" if m.is_amount else f"{m.label}（{m.unit}）" for m in measures]
        ws = self.new_sheet(title, headers, [28] + [14] * len(measures))
        for row in rows:
            name = cell(ws, row.label, alignment=Alignment(indent=row.depth * 2) if row.depth else None)
            self.append(ws, [name] + [self.number(ws, row[m.key]) for m in measures])
        if total is not None:
            name = cell(ws, total.label, font=HEADER_FONT)
            self.append(ws, [name] + [self.number(ws, total[m.key]) for m in measures])
        self.result.sheets.append((title, len(rows)))
        return ws

    def number(self, ws, figure):
        if figure.is_amount:
            return self.styled(ws, float(numbers.in_unit(figure.value, "万元")), AMOUNT_FORMAT)
        return figure.value


def write_statistics(out, stats):
    writer = StatisticsWriter()
    period = stats.period
    for title, heading, rows, total in (
        ("按工作类别", "工作类别", stats.programs, stats.total),
        ("按单位", "单位", stats.units, None),
        ("按结对地区", "结对地区", stats.regions, None),
    ):
        ws = writer.sheet(title, heading, rows, stats.measures, total)
        writer.append(ws, [])
        writer.append(ws, [f"统计期间：{period}"])
        for note in NOTES:
            writer.append(ws, [note])
    writer.save(out)
    return writer.result
