"""Words offices write for the values of choice columns, and what each means.

Built in, per field, as (model label, field) → {label: (synonyms …)}: only words that mean
one value whatever office writes them (在建 is 实施中 everywhere). A word that means one
thing in one office and another elsewhere (省级资金, 市级) is not here: that office says it
once with `hezuo import --map` (and, later, a saved alias). The template's 填写说明 lists
these, and the importer accepts them like the labels.
"""

import difflib

BUILT_IN = {
    ("projects.project", "status"): {
        "谋划中": ("谋划", "前期", "前期工作", "储备", "储备项目", "计划", "拟建", "筹备中", "未开工"),
        "实施中": ("在建", "建设中", "施工中", "进行中", "实施", "已开工", "续建", "推进中"),
        "已完工": ("已完成", "完成", "完工", "竣工", "已竣工", "已建成", "建成", "已验收"),
        "已终止": ("终止", "取消", "已取消", "停止", "已停止"),
    },
    ("projects.project", "category"): {
        "产业合作": ("产业", "产业发展", "产业项目", "产业帮扶"),
        "乡村振兴": ("乡村建设", "美丽乡村"),
        "民生保障": ("民生", "民生项目", "民生事业", "社会事业"),
        "基础设施": ("基础设施建设", "基建"),
        "人才智力": ("人才", "人才支援", "智力支援", "智力帮扶", "人才智力支援"),
    },
    ("projects.project", "key_level"): {
        "省重点": ("省级重点", "省重点项目"),
        "市重点": ("市级重点", "市重点项目"),
    },
    ("projects.fundrecord", "stage"): {
        "安排": ("安排资金", "资金安排", "计划安排"),
        "下达": ("下达资金", "资金下达", "已下达"),
        "拨付": ("拨付资金", "资金拨付", "已拨付", "拨款"),
        "支出": ("支出资金", "已支出", "实际支出"),
    },
    ("projects.fundrecord", "source"): {
        "财政援助资金": ("财政资金", "财政援助", "援助资金", "财政帮扶资金"),
        "省定财政性援建资金": ("省定财政性资金", "省定援建资金", "省定资金"),
        "社会帮扶资金": ("社会资金", "社会帮扶", "社会捐赠资金", "捐赠资金"),
        "政策补贴": ("补贴", "政策性补贴", "补贴资金"),
    },
    ("exchanges.dispatch", "kind"): {
        "党政干部": ("干部", "挂职干部", "党政人才"),
        "专业技术人才": ("专技人才", "专业人才", "技术人才", "专技人员", "专业技术人员"),
        "柔性专家": ("专家", "柔性人才"),
    },
    ("exchanges.activity", "kind"): {
        "推介会": ("推介", "招商推介会", "产品推介会"),
        "招聘会": ("招聘", "专场招聘会"),
        "考察": ("考察交流", "实地考察", "考察调研", "调研考察"),
        "研学": ("研学活动",),
        "联席会议": ("联席会",),
        "培训": ("培训班", "技能培训", "干部培训"),
        "交流学习": ("学习交流",),
    },
    ("assistance.consumptionrecord", "channel"): {
        "机关食堂采购": ("机关食堂", "食堂采购"),
        "工会采购": ("工会",),
        "电商平台": ("电商", "网络销售", "线上销售"),
        "直播带货": ("直播", "直播销售"),
        "展销会": ("展销", "农博会"),
        "商超专柜": ("商超", "超市", "专柜"),
    },
    ("exchanges.cadre", "gender"): {"男": ("男性",), "女": ("女性",)},
    ("honors.honor", "level"): {"国家级": ("国家", "全国"), "省级": ("省部级",), "市级": ("地市级",)},
    ("honors.case", "level"): {"国家级": ("国家", "全国"), "省级": ("省部级",), "市级": ("地市级",)},
}


def synonyms_of(model_field):
    """{label: (synonyms …)} built in for a choice field; empty when it has none."""
    return BUILT_IN.get((model_field.model._meta.label_lower, model_field.name), {})


def suggest(word, candidates, limit=3):
    """The candidates closest to what was written, best first, for "是否为：…？"."""
    candidates = list(dict.fromkeys(candidates))
    close = difflib.get_close_matches(word, candidates, n=limit, cutoff=0.5)
    # Containment catches what edit distance misses on short Chinese words: 实施 → 实施中.
    inside = [c for c in candidates if c not in close and (word in c or c in word)]
    return (close + inside)[:limit]
