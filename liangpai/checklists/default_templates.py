"""The default annual-assessment checklists (年度评估标准), MISSION.md R2 — as data.

Two templates ship with the system: 规上 (above-scale) with 5 categories and 30
items, and 规下 (below-scale) with 20 items. The real lists of the source city are
not public; these were written for this system in the working language of enterprise
safety management and of trade-union labour-protection supervision (工会劳动保护监督
检查). They are only the defaults: the checklists app loads them into versioned
template tables, and the city admin copies and edits a template for each new year.
This module is pure Python and imports no Django, so that loading, rendering
(scripts/render_checklists.py → docs/checklists.md) and testing need no database.

Scoring. Every scored item has a ``max_score`` (a ``Decimal``, in steps of 0.5); the
scored items of a template add up to exactly 100. The guidance (评分标准) says what
to deduct; deductions within an item stop at zero (扣完为止). An item an assessor
marks not applicable (不适用) leaves the score, which is then normalised to 100
(the rule engine).

Veto items (否决项). Each template carries the same three veto items:

- ``fatal_accident`` — a fatal production-safety accident in the assessment year
  (or a concealed / falsely reported accident);
- ``inspection_refused`` — refusing or obstructing the union's labour-protection
  inspection (including refusing to accept its supervision opinion letter);
- ``major_hazard_overdue`` — a major accident hazard (重大事故隐患) not rectified by
  its deadline.

Decision: a veto item carries **0 points**. It is a pass/fail condition, not a
scored line: a failed veto item makes the annual grade D directly (R3) whatever the
score, and a passed one earns nothing, because meeting a legal bottom line is not
merit. Giving it 0 weight also keeps normalisation honest — an enterprise cannot
"buy" points by having had no accident, and a veto item can never be marked not
applicable to shift the total. The veto items count towards the 30 / 20 items of
each template, so 规上 has 27 scored items and 规下 17, each summing to 100.
``ItemSpec.veto_key`` names which veto an item is, so the ruleset's veto list and
the quarterly facts (accidents, refusals, overdue major hazards) can refer to it
across templates and years without depending on item codes or wording.

Codes. 规上 items are ``GS-<category>-<nn>`` (GS-1-01 … GS-5-07), categories
``GS-1`` … ``GS-5``; 规下 items are numbered through the template, ``GX-01`` …
``GX-20``, in categories ``GX-1`` … ``GX-5``. Codes are stable: a later year's copy
keeps the code of an item whose meaning is unchanged.
"""

from dataclasses import dataclass
from decimal import Decimal

from liangpai.rules.vetoes import VETO_FATAL_ACCIDENT, VETO_INSPECTION_REFUSED, VETO_MAJOR_HAZARD_OVERDUE

SCALE_ABOVE = "above"  # 规上, as Enterprise.Scale.ABOVE
SCALE_BELOW = "below"  # 规下, as Enterprise.Scale.BELOW


DEFAULT_VERSION_YEAR = 2026


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One checklist item (评价项目)."""

    code: str
    text: str  # 评价内容
    max_score: Decimal  # 分值; 0 for a veto item
    guidance: str  # 评分标准
    evidence: str  # 评价方法：查阅资料 / 现场查看 / 询问
    is_veto: bool = False  # 否决项
    veto_key: str = ""  # one of VETO_KEYS when is_veto

    def __post_init__(self) -> None:
        if not isinstance(self.max_score, Decimal) or self.max_score < 0:
            raise ValueError(f"{self.code}: max_score must be a non-negative Decimal")
        if self.is_veto != bool(self.veto_key):
            raise ValueError(f"{self.code}: a veto item names its veto_key, and only a veto item does")
        if self.is_veto and self.max_score != 0:
            raise ValueError(f"{self.code}: veto items carry no points")


@dataclass(frozen=True, slots=True)
class CategorySpec:
    """One category (评价类别) and its items, in order."""

    code: str
    name: str
    items: tuple[ItemSpec, ...]

    @property
    def max_score(self) -> Decimal:
        return sum((item.max_score for item in self.items), Decimal(0))


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    """A whole checklist for one scale and year."""

    code: str
    name: str
    scale: str  # SCALE_ABOVE | SCALE_BELOW
    version_year: int
    categories: tuple[CategorySpec, ...]

    @property
    def items(self) -> tuple[ItemSpec, ...]:
        return tuple(item for category in self.categories for item in category.items)

    @property
    def max_score(self) -> Decimal:
        return sum((category.max_score for category in self.categories), Decimal(0))

    @property
    def veto_items(self) -> tuple[ItemSpec, ...]:
        return tuple(item for item in self.items if item.is_veto)


def _item(code: str, max_score: str, text: str, guidance: str, evidence: str) -> ItemSpec:
    return ItemSpec(code=code, text=text, max_score=Decimal(max_score), guidance=guidance, evidence=evidence)


# The three veto items are the same rule in both templates: written once, coded per template.
_VETO_TEXTS: dict[str, tuple[str, str, str]] = {
    VETO_INSPECTION_REFUSED: (
        "年度内未发生拒绝、阻挠工会劳动保护监督检查的情形。",
        "本项为否决项，不计分。有下列情形之一的，判定为不通过，年度评估直接评定为D级："
        "拒绝或阻挠工会（含工会代表小组分片督查）进入生产经营场所开展劳动保护监督检查；"
        "拒绝如实提供有关情况和资料；拒收工会安全生产监督意见书；"
        "对参与监督检查、反映安全问题的职工或群众安全生产监督员打击报复。",
        "查阅督查记录、工会安全生产监督意见书送达回执或拒收记录；向镇（街道）总工会和工会代表小组核实。",
    ),
    VETO_MAJOR_HAZARD_OVERDUE: (
        "年度内被认定的重大事故隐患均在规定期限内整改完毕。",
        "本项为否决项，不计分。依据国家和行业重大事故隐患判定标准认定的重大事故隐患"
        "（含监管部门责令整改的，以及工会督查、“安全隐患随手拍”发现并经核实定为重大隐患的），"
        "超过整改期限仍未整改完毕，或者整改期间未采取安全防范措施、继续冒险组织作业的，"
        "判定为不通过，年度评估直接评定为D级。按期整改完毕并经复查确认的，判定为通过。",
        "查阅隐患排查治理台账、监管部门责令限期整改指令书及复查意见、工会监督意见书复查记录；现场核查整改结果。",
    ),
    VETO_FATAL_ACCIDENT: (
        "年度内未发生生产安全死亡事故，未瞒报、谎报生产安全事故。",
        "本项为否决项，不计分。评估年度（1月1日至12月31日）内，企业发生造成人员死亡的生产安全事故"
        "（以事故调查处理结论为准），或者瞒报、谎报生产安全事故的，判定为不通过，年度评估直接评定为D级。",
        "查阅企业事故报告和处理台账、工伤认定记录；向镇（街道）应急办核实事故统计和调查处理情况。",
    ),
}


def _veto(code: str, key: str) -> ItemSpec:
    text, guidance, evidence = _VETO_TEXTS[key]
    return ItemSpec(
        code=code,
        text=text,
        max_score=Decimal(0),
        guidance=guidance,
        evidence=evidence,
        is_veto=True,
        veto_key=key,
    )


# ---------------------------------------------------------------------------
# 规上企业: 5 categories, 30 items (27 scored = 100 points, 3 veto).
# 组织建设 5 items / 15 · 制度和台账 6 / 20 · 宣传教育培训 5 / 15 ·
# 监督检查 7 / 20 (2 veto) · 安全生产工作落实 7 / 30 (1 veto)
# ---------------------------------------------------------------------------

_GS_ORGANISATION = CategorySpec(
    code="GS-1",
    name="组织建设",
    items=(
        _item(
            "GS-1-01",
            "3",
            "成立安全生产委员会（或安全生产领导小组），由企业主要负责人任主任（组长），工会主席为成员，"
            "定期研究安全生产和劳动保护工作。",
            "未成立安全生产委员会或领导小组的扣3分；工会主席（或工会负责人）未列为成员的扣1分；"
            "未做到每季度至少召开1次会议研究安全生产和劳动保护工作的，每少1次扣0.5分；扣完为止。",
            "查阅成立文件及成员名单、年度会议记录或会议纪要。",
        ),
        _item(
            "GS-1-02",
            "3",
            "按照《安全生产法》要求设置安全生产管理机构或者配备安全生产管理人员，职责明确，履职到位。",
            "从业人员超过100人，或属于矿山、金属冶炼、建筑施工、运输以及危险物品生产、经营、储存、装卸单位，"
            "未设置安全生产管理机构且未配备专职安全生产管理人员的扣3分；其他企业未配备专职或兼职安全生产管理人员的扣3分；"
            "机构或人员职责未以文件明确的扣1分；安全生产管理人员不清楚本人职责的扣1分；扣完为止。",
            "查阅机构设置或人员任命文件、岗位职责；现场询问安全生产管理人员履职情况。",
        ),
        _item(
            "GS-1-03",
            "3",
            "建立健全全员安全生产责任制，明确主要负责人、分管负责人、各部门、班组和各岗位人员的"
            "安全生产责任范围和考核标准，逐级签订安全生产责任书。",
            "未建立全员安全生产责任制的扣3分；责任制未覆盖全部部门和岗位的，每缺1个扣0.5分；"
            "未逐级签订责任书或未开展年度考核的扣1分；扣完为止。",
            "查阅安全生产责任制文本、责任书签订记录、年度考核记录；抽问2名一线职工本岗位安全责任。",
        ),
        _item(
            "GS-1-04",
            "3",
            "依法建立工会组织，设立工会劳动保护监督检查委员会（或配备工会劳动保护监督检查员），"
            "人员组成和工作职责明确。",
            "未建立工会组织的本项不得分；已建会但既未设立劳动保护监督检查委员会、也未配备劳动保护监督检查员的扣2分；"
            "委员会人员组成、职责未明确或人员变动后未及时调整的扣1分；扣完为止。",
            "查阅工会成立批复、劳动保护监督检查委员会成立文件、成员名单及职责分工。",
        ),
        _item(
            "GS-1-05",
            "3",
            "建立企业、车间（部门）、班组三级劳动保护监督检查网络：车间（部门）设工会劳动保护监督检查员，"
            "班组设群众安全生产监督员（群监员）。",
            "未建立三级监督检查网络的扣3分；车间（部门）未配备劳动保护监督检查员的，每缺1个扣0.5分；"
            "班组未全部设立群监员的扣1分；人员变动后未及时补充的扣0.5分；扣完为止。",
            "查阅三级网络名单、群监员推选或聘任文件；现场抽查班组群监员在岗情况。",
        ),
    ),
)

_GS_RULES_AND_RECORDS = CategorySpec(
    code="GS-2",
    name="制度和台账",
    items=(
        _item(
            "GS-2-01",
            "4",
            "建立健全安全生产规章制度，至少涵盖安全生产责任考核、教育培训、安全检查和隐患排查治理、"
            "劳动防护用品管理、危险作业管理、设备设施管理、职业病防治、应急管理、事故报告和调查处理等内容，"
            "并结合安全生产标准化建设定期评审修订。",
            "未制定安全生产规章制度的扣4分；本项所列制度内容每缺1项扣0.5分；"
            "制度近3年未评审修订，或与现行法律法规、企业实际明显不符的扣1分；扣完为止。",
            "查阅安全生产规章制度汇编、制度发布文件及评审修订记录。",
        ),
        _item(
            "GS-2-02",
            "3",
            "制定各工种、岗位和主要设备的安全操作规程，在作业场所醒目位置张贴或发放到岗位，职工熟悉并严格执行。",
            "未制定安全操作规程的扣3分；工种、岗位或主要设备缺少操作规程的，每缺1个扣0.5分；"
            "未在作业场所张贴或未发放到岗位的扣0.5分；现场抽问职工不熟悉本岗位操作规程的，每人次扣0.5分；扣完为止。",
            "查阅安全操作规程汇编；现场查看张贴情况，抽问2至3名职工。",
        ),
        _item(
            "GS-2-03",
            "4",
            "建立安全风险分级管控和隐患排查治理双重预防机制；隐患排查治理台账如实记录隐患内容、整改措施、"
            "责任人、整改期限和验收情况，实行闭环管理，并向从业人员通报。",
            "未建立隐患排查治理台账的扣4分；未开展安全风险辨识评估或无风险清单的扣1分；"
            "台账记录要素不全的，每条扣0.5分（最多扣2分）；隐患未整改销号又无管控措施的，每条扣1分；"
            "隐患排查治理情况未向从业人员通报的扣0.5分；扣完为止。",
            "查阅风险辨识清单、隐患排查治理台账、整改验收记录和通报记录；对照台账现场抽查2至3处已整改隐患。",
        ),
        _item(
            "GS-2-04",
            "3",
            "建立安全生产教育和培训档案，如实记录培训时间、内容、参加人员和考核结果；"
            "建立特种作业人员和特种设备作业人员持证台账。",
            "未建立教育培训档案的扣2分；档案记录不全或与实际不符的扣1分；"
            "未建立持证人员台账或台账未载明证件有效期的扣1分；扣完为止。",
            "查阅培训计划、签到表、教材课件、考核试卷或成绩记录，以及持证人员台账。",
        ),
        _item(
            "GS-2-05",
            "3",
            "建立职业卫生档案和劳动者职业健康监护档案；劳动防护用品的采购、验收、发放和报废有记录。",
            "存在职业病危害因素而未建立职业卫生档案的扣1.5分；未建立劳动者职业健康监护档案或档案不全的扣1分"
            "（经确认不存在职业病危害因素的，以上两项不扣分）；"
            "无劳动防护用品发放记录或记录与实际不符的扣1分；扣完为止。",
            "查阅职业卫生档案、职业健康监护档案、劳动防护用品采购验收单和职工签字的发放记录。",
        ),
        _item(
            "GS-2-06",
            "3",
            "保障安全生产投入，按规定提取和使用安全生产费用，专款专用，建立使用台账。",
            "无安全生产投入计划且无使用台账的扣3分；按规定应提取安全生产费用而未提取的扣1.5分；"
            "挪用安全生产费用或使用范围不符合规定的扣1分；台账与财务凭证不符的扣0.5分；扣完为止。",
            "查阅安全生产投入（费用）计划、财务凭证或明细账、使用台账。",
        ),
    ),
)

_GS_EDUCATION = CategorySpec(
    code="GS-3",
    name="宣传教育培训",
    items=(
        _item(
            "GS-3-01",
            "3",
            "主要负责人和安全生产管理人员具备与本单位生产经营活动相适应的安全生产知识和管理能力，按规定参加安全培训；"
            "危险物品生产经营储存装卸、矿山、金属冶炼等单位的，经考核合格。",
            "主要负责人或安全生产管理人员未参加安全培训的，每人扣1.5分；按规定应经考核而未考核合格的，每人扣1.5分；"
            "未按规定参加再培训的扣0.5分；扣完为止。",
            "查阅培训证明、考核合格证明和再培训记录；现场询问主要负责人的安全生产职责。",
        ),
        _item(
            "GS-3-02",
            "3",
            "对新进从业人员（含劳务派遣人员、实习学生）进行厂（公司）级、车间（部门）级、班组级三级安全教育，"
            "经考核合格后上岗；调整岗位、离岗一年以上重新上岗，以及采用新工艺、新技术、新材料、新设备时，"
            "进行相应的安全教育培训。",
            "未开展三级安全教育的扣3分；抽查新进职工，每发现1人未完成三级安全教育或未经考核即上岗的扣1分；"
            "转岗、复岗或“四新”安全培训缺失的，每项扣0.5分；扣完为止。",
            "查阅三级安全教育卡、考核记录、劳务派遣人员和实习学生的培训记录；对照近一年新进职工名单抽查。",
        ),
        _item(
            "GS-3-03",
            "3",
            "特种作业人员（电工、焊接与热切割、高处作业等）和特种设备作业人员（叉车、起重机械、锅炉等）"
            "经专门培训取得相应资格证书，持证上岗，证书在有效期内并按期复审。",
            "发现无证上岗的，每人扣2分；证书过期或未按期复审的，每人扣1分；扣完为止。"
            "企业无特种作业和特种设备作业岗位的，本项可标记为不适用。",
            "查阅持证人员台账和证件（或发证部门平台查询结果）；现场核对在岗作业人员与持证人员是否一致。",
        ),
        _item(
            "GS-3-04",
            "3",
            "每年对全体从业人员开展安全生产和职业病防治再培训；班组坚持班前安全讲话和定期安全活动，"
            "结合岗位风险讲解防护要求和应急处置措施。",
            "年度内未开展全员再培训的扣1.5分；培训未覆盖全部在岗职工的扣0.5分；"
            "班组未开展班前安全讲话或安全活动的扣1分，活动记录不全的扣0.5分；扣完为止。",
            "查阅年度培训计划和记录、班组安全活动记录；现场抽问职工本岗位风险和应急处置知识。",
        ),
        _item(
            "GS-3-05",
            "3",
            "开展群众性安全生产宣传教育，组织“安全生产月”、“安康杯”竞赛、安全知识竞赛和事故警示教育等活动，"
            "设置安全生产宣传栏（或厂务公开栏安全专栏）。",
            "年度内未开展任何安全生产宣传教育活动的扣3分；未组织开展“安全生产月”活动的扣1分；"
            "工会未组织“安康杯”竞赛或其他群众性安全生产活动的扣1分；未设置安全生产宣传栏的扣0.5分；扣完为止。",
            "查阅活动方案、照片、总结和职工参与记录；现场查看宣传栏。",
        ),
    ),
)

_GS_SUPERVISION = CategorySpec(
    code="GS-4",
    name="监督检查",
    items=(
        _item(
            "GS-4-01",
            "4",
            "建立并落实安全检查制度，开展日常巡查以及综合性、专项、季节性和节假日前安全检查，"
            "检查有记录，发现问题及时整改。",
            "年度内未开展安全检查的扣4分；检查频次达不到本企业制度要求的扣1分；检查无记录或记录流于形式的扣1分；"
            "检查发现的问题未整改又无管控措施的，每项扣1分；扣完为止。",
            "查阅安全检查制度、检查计划、检查记录和整改记录；现场抽查近期检查发现问题的整改情况。",
        ),
        _item(
            "GS-4-02",
            "4",
            "工会劳动保护监督检查委员会依法开展劳动保护监督检查，每季度至少组织或参与1次；"
            "对工会提出的整改建议，企业及时研究答复并落实。",
            "工会年度内未开展劳动保护监督检查的扣4分；每少1个季度扣1分（未建工会的企业，按镇（街道）总工会或工会代表小组的督查计算）；"
            "对工会提出的整改建议，企业未研究答复或未落实的，每项扣1分；扣完为止。",
            "查阅工会劳动保护监督检查记录、整改建议及企业答复、整改落实情况。",
        ),
        _item(
            "GS-4-03",
            "4",
            "群众安全生产监督员（群监员）开展日常监督，及时报告事故隐患，劝阻、制止违章指挥、强令冒险作业"
            "和违反操作规程的行为；职工依法提出批评、检举、控告或拒绝违章指挥、强令冒险作业的，不受不利对待。",
            "群监员无日常监督记录的扣2分；职工报告的隐患未登记或未处理的，每件扣1分；"
            "企业因职工提出批评、检举、控告或拒绝违章指挥、强令冒险作业而降低其工资福利待遇或解除劳动合同的扣4分；扣完为止。",
            "查阅群监员工作记录、隐患报告登记表；现场询问群监员和职工。",
        ),
        _item(
            "GS-4-04",
            "4",
            "职工代表大会（职工大会）每年审议或听取安全生产和劳动保护工作情况报告，涉及职工安全健康的重大事项"
            "听取职工意见；通过厂务公开栏等公开安全生产投入、隐患整改、评估分级亮牌和季度亮灯结果等情况。",
            "职代会（职工大会）年度内未审议或听取安全生产和劳动保护工作情况报告的扣2分；"
            "涉及职工安全健康的重大事项未听取职工意见的扣1分；"
            "未在厂务公开栏或企业内部人流量大的区域公布评估分级亮牌和季度亮灯结果的扣1分；"
            "其他应公开事项未公开的扣0.5分；扣完为止。",
            "查阅职代会会议材料、决议及签到表、厂务公开记录；现场查看厂务公开栏和亮牌亮灯张贴情况。",
        ),
        _item(
            "GS-4-05",
            "4",
            "对上级工会、应急管理等部门的监督检查，工会代表小组分片督查和“安全隐患随手拍”中发现的问题，"
            "按工会安全生产监督意见书或执法文书要求的期限整改，并书面提交整改情况报告。",
            "每发现1项问题逾期未整改的扣1分；未按期提交整改情况报告的，每份扣1分；"
            "“安全隐患随手拍”反映属实的隐患未按期整改的，每件扣1分；扣完为止。"
            "重大事故隐患逾期未整改的，按否决项GS-4-07处理。",
            "查阅工会安全生产监督意见书及送达回执、整改情况报告和复查记录、执法文书及整改回复、随手拍隐患处理记录。",
        ),
        _veto("GS-4-06", VETO_INSPECTION_REFUSED),
        _veto("GS-4-07", VETO_MAJOR_HAZARD_OVERDUE),
    ),
)

_GS_IMPLEMENTATION = CategorySpec(
    code="GS-5",
    name="安全生产工作落实",
    items=(
        _item(
            "GS-5-01",
            "5",
            "落实职业病防治责任：定期开展职业病危害因素检测，在醒目位置公布检测结果，设置警示标识和中文警示说明；"
            "在劳动合同中如实告知职业病危害；按规定组织上岗前、在岗期间和离岗时职业健康检查，并书面告知本人结果。",
            "未开展职业病危害因素检测的扣2分；检测结果未公布或未设置警示标识的扣1分；劳动合同未告知职业病危害的扣1分；"
            "应检未检职业健康检查的，每人扣0.5分；检查结果未书面告知本人的扣0.5分；扣完为止。"
            "经确认不存在职业病危害因素的，本项可标记为不适用。",
            "查阅职业病危害因素检测报告、劳动合同、职业健康检查报告及告知记录；现场查看公告栏和警示标识。",
        ),
        _item(
            "GS-5-02",
            "5",
            "为从业人员免费提供符合国家标准或者行业标准的劳动防护用品，不以货币或其他物品替代；"
            "教育、督促职工按规定正确佩戴和使用。",
            "未按岗位配备劳动防护用品的扣3分；劳动防护用品不符合国家标准或行业标准，或以货币、其他物品替代的扣2分；"
            "现场发现职工未按规定佩戴使用的，每人次扣1分；扣完为止。",
            "查阅劳动防护用品配备标准、产品合格证明和发放记录；现场查看职工佩戴使用情况。",
        ),
        _item(
            "GS-5-03",
            "5",
            "有限空间、动火、高处、临时用电、吊装等危险作业实行作业审批，落实安全措施和专人监护；"
            "有限空间作业严格执行“先通风、再检测、后作业”，严禁未经审批擅自作业。",
            "危险作业未经审批的，每发现1次扣2分；审批手续不全或安全措施、监护人员未落实的，每次扣1分；"
            "有限空间未辨识建档或未设置安全警示标识的扣1分；扣完为止。",
            "查阅危险作业审批单（作业票）、有限空间管理台账、气体检测和监护记录；现场查看作业点。",
        ),
        _item(
            "GS-5-04",
            "5",
            "生产设备设施安全防护装置齐全有效；特种设备依法登记并定期检验；消防设施、器材完好有效，"
            "疏散通道、安全出口畅通；不违规设置员工宿舍（“三合一”场所）。",
            "设备防护装置缺失或失效的，每处扣1分；特种设备未登记或超期未检验的，每台扣2分；"
            "消防设施器材缺失、失效，或疏散通道、安全出口堵塞、锁闭的，每处扣1分；违规设置员工宿舍的扣3分；扣完为止。",
            "查阅设备台账、特种设备使用登记证和定期检验报告、消防设施检查维护记录；"
            "现场查看设备设施、消防设施、疏散通道和员工宿舍。",
        ),
        _item(
            "GS-5-05",
            "5",
            "制定生产安全事故应急救援预案并按规定评审、备案；每年至少组织1次综合或专项应急预案演练，"
            "每半年至少组织1次现场处置方案演练，演练后评估总结；配备必要的应急救援器材并经常维护保养。",
            "未制定应急预案的扣3分；预案未按规定评审或备案的扣1分；未按要求组织演练的，每少1次扣1分；"
            "演练无评估总结的扣0.5分；应急救援器材缺失或失效的扣1分；扣完为止。",
            "查阅应急预案及评审备案材料、演练计划、演练记录和照片、评估报告；现场查看应急救援器材。",
        ),
        _item(
            "GS-5-06",
            "5",
            "依法为全体职工参加工伤保险；集体合同中订有劳动安全卫生条款（或签订劳动安全卫生专项集体合同）并认真履行；"
            "落实女职工和未成年工特殊劳动保护。",
            "未参加工伤保险的扣3分；参保人数少于在岗职工人数的，每缺1人扣0.5分；"
            "集体合同无劳动安全卫生条款且未签订专项集体合同的扣1分；"
            "安排女职工从事禁忌劳动，或孕期、产期、哺乳期保护措施未落实的扣1分；安排未成年工从事禁忌劳动的扣1分；扣完为止。",
            "对照职工花名册查阅工伤保险参保缴费凭证；查阅集体合同（专项集体合同）文本及履约检查记录、"
            "女职工特殊劳动保护落实记录；现场询问女职工。",
        ),
        _veto("GS-5-07", VETO_FATAL_ACCIDENT),
    ),
)

ABOVE_SCALE_TEMPLATE = TemplateSpec(
    code="GS",
    name="规上企业安全生产劳动保护评估标准（默认）",
    scale=SCALE_ABOVE,
    version_year=DEFAULT_VERSION_YEAR,
    categories=(_GS_ORGANISATION, _GS_RULES_AND_RECORDS, _GS_EDUCATION, _GS_SUPERVISION, _GS_IMPLEMENTATION),
)


# ---------------------------------------------------------------------------
# 规下企业: 20 items in the same 5 categories (17 scored = 100 points, 3 veto).
# Simpler and fitted to small enterprises: no 安委会, a part-time safety officer or a
# contracted safety service is enough, a union inspector or an elected 群监员.
# 组织建设 3 / 15 · 制度和台账 4 / 20 · 宣传教育培训 3 / 15 ·
# 监督检查 5 / 20 (2 veto) · 安全生产工作落实 5 / 30 (1 veto)
# ---------------------------------------------------------------------------

_GX_ORGANISATION = CategorySpec(
    code="GX-1",
    name="组织建设",
    items=(
        _item(
            "GX-01",
            "5",
            "企业主要负责人对本单位安全生产工作全面负责，明确分管安全生产的负责人，配备专职或兼职安全生产管理人员"
            "（也可委托具备相应条件的安全生产技术服务机构提供管理服务，安全生产责任仍由本企业负责）。",
            "既未配备安全生产管理人员也未委托服务机构的扣5分；安全生产管理人员职责不明确的扣2分；"
            "委托服务机构但无服务协议或服务记录的扣2分；扣完为止。",
            "查阅人员任命文件或委托服务协议、服务记录；现场询问负责人和安全生产管理人员。",
        ),
        _item(
            "GX-02",
            "5",
            "建立全员安全生产责任制，明确负责人和各岗位人员的安全职责，与职工签订安全生产责任书，职工知晓本岗位安全责任。",
            "未建立安全生产责任制的扣5分；未覆盖全部岗位的扣2分；未签订安全生产责任书的扣1分；"
            "抽问职工不清楚本岗位安全责任的，每人次扣1分；扣完为止。",
            "查阅安全生产责任制文本或岗位责任清单、责任书；抽问1至2名职工。",
        ),
        _item(
            "GX-03",
            "5",
            "已建工会的企业由工会确定劳动保护监督检查员；未建工会的企业由职工推选群众安全生产监督员（群监员），"
            "参加所在区域（行业）工会联合会或工会代表小组组织的安全生产活动。",
            "既未确定劳动保护监督检查员也未推选群监员的扣5分；人员未向职工公布或职责不明确的扣1分；"
            "年度内未参加任何工会安全生产活动或培训的扣2分；扣完为止。",
            "查阅工会确定或职工推选记录、人员名单；现场询问监督员履职情况。",
        ),
    ),
)

_GX_RULES_AND_RECORDS = CategorySpec(
    code="GX-2",
    name="制度和台账",
    items=(
        _item(
            "GX-04",
            "5",
            "制定适合本企业的安全生产管理制度（教育培训、安全检查和隐患治理、劳动防护用品、消防安全、事故报告等）"
            "和主要岗位、设备的安全操作规程，并在作业场所张贴上墙。",
            "未制定安全生产管理制度的扣3分；主要岗位或设备无安全操作规程的，每缺1个扣1分；"
            "操作规程未在作业场所张贴或放置的扣1分；扣完为止。",
            "查阅制度和操作规程文本；现场查看张贴情况。",
        ),
        _item(
            "GX-05",
            "5",
            "建立隐患排查治理记录，如实记录发现的隐患、整改措施、责任人、整改期限和完成情况。",
            "无隐患排查治理记录的扣5分；记录要素不全的扣1分；记录的隐患未整改又无管控措施的，每条扣1分；扣完为止。",
            "查阅隐患排查治理记录；现场抽查1至2处已整改隐患。",
        ),
        _item(
            "GX-06",
            "5",
            "建立安全教育培训记录和劳动防护用品发放记录，由职工本人签字确认。",
            "无安全教育培训记录的扣2.5分；无劳动防护用品发放记录的扣2.5分；"
            "记录未经职工本人签字或与实际不符的，每项扣1分；扣完为止。",
            "查阅培训签到表和培训内容记录、劳动防护用品发放签收表。",
        ),
        _item(
            "GX-07",
            "5",
            "建立消防设施器材和主要生产设备的日常检查维护记录；使用特种设备的，建立特种设备台账并按期检验。",
            "无消防设施器材检查记录的扣2分；无主要设备检查维护记录的扣1分；"
            "使用特种设备而未建立台账或超期未检验的扣2分；扣完为止。",
            "查阅消防器材检查卡、设备维护记录、特种设备使用登记证和定期检验报告。",
        ),
    ),
)

_GX_EDUCATION = CategorySpec(
    code="GX-3",
    name="宣传教育培训",
    items=(
        _item(
            "GX-08",
            "5",
            "主要负责人和安全生产管理人员参加安全生产培训；新进职工（含临时用工）上岗前接受安全教育和岗位带教，"
            "经考核合格后上岗。",
            "主要负责人或安全生产管理人员未参加安全生产培训的扣2分；新进职工未经岗前安全教育即上岗的，每人扣1分；"
            "岗前安全教育无考核记录的扣1分；扣完为止。",
            "查阅培训证明、新进职工岗前安全教育和考核记录；对照近一年新进职工名单抽查。",
        ),
        _item(
            "GX-09",
            "5",
            "电工、焊工等特种作业人员和叉车司机等特种设备作业人员持有效证件上岗。",
            "发现无证上岗的，每人扣3分；证件过期或未按期复审的，每人扣1分；扣完为止。"
            "企业无特种作业和特种设备作业岗位的，本项可标记为不适用。",
            "查阅持证人员名单和证件；现场核对在岗作业人员。",
        ),
        _item(
            "GX-10",
            "5",
            "每年组织全体职工开展安全生产和职业健康知识培训，参加“安全生产月”等宣传活动；"
            "职工掌握消防安全“四懂四会”，会报警、会使用灭火器材、会疏散逃生。",
            "年度内未组织全员安全培训的扣3分；未参加“安全生产月”等宣传活动的扣1分；"
            "现场抽问职工不会使用灭火器材或不清楚疏散路线的，每人次扣1分；扣完为止。",
            "查阅培训记录和活动照片；现场抽问职工消防安全常识。",
        ),
    ),
)

_GX_SUPERVISION = CategorySpec(
    code="GX-4",
    name="监督检查",
    items=(
        _item(
            "GX-11",
            "7",
            "企业负责人每月至少组织1次安全检查，节假日前和季节变化时开展针对性检查，检查有记录，发现问题及时整改。",
            "年度内未开展安全检查的扣7分；每少1个月扣0.5分；检查无记录的扣2分；"
            "检查发现的问题未整改又无管控措施的，每项扣1分；扣完为止。",
            "查阅安全检查记录和整改记录；现场抽查近期检查发现问题的整改情况。",
        ),
        _item(
            "GX-12",
            "7",
            "配合上级工会、工会代表小组分片督查和应急管理等部门检查，对工会安全生产监督意见书、执法文书"
            "和“安全隐患随手拍”提出的问题按期整改，并书面报告整改情况。",
            "每发现1项问题逾期未整改的扣2分；未按期提交整改情况报告的，每份扣1分；扣完为止。"
            "重大事故隐患逾期未整改的，按否决项GX-15处理。",
            "查阅工会安全生产监督意见书及送达回执、整改情况报告、复查记录和随手拍隐患处理记录。",
        ),
        _item(
            "GX-13",
            "6",
            "通过公示栏、职工会议等形式向职工公开安全生产情况，听取职工意见；"
            "在厂务公开栏或人流量大的区域张贴评估分级亮牌和季度亮灯结果。",
            "未向职工公开安全生产情况或未听取职工意见的扣2分；未按要求张贴评估分级亮牌和季度亮灯结果的扣3分；"
            "职工反映的安全问题未答复处理的，每件扣1分；扣完为止。",
            "查阅公开记录、职工意见处理记录；现场查看亮牌亮灯张贴情况。",
        ),
        _veto("GX-14", VETO_INSPECTION_REFUSED),
        _veto("GX-15", VETO_MAJOR_HAZARD_OVERDUE),
    ),
)

_GX_IMPLEMENTATION = CategorySpec(
    code="GX-5",
    name="安全生产工作落实",
    items=(
        _item(
            "GX-16",
            "8",
            "为职工免费配备符合国家标准或者行业标准的劳动防护用品并督促正确佩戴；存在职业病危害的，"
            "如实告知职工，设置警示标识，定期检测，并组织职业健康检查。",
            "未按岗位配备劳动防护用品的扣4分；现场发现职工未按规定佩戴使用的，每人次扣1分；"
            "存在职业病危害而未告知或未设置警示标识的扣2分；未按规定开展检测或职业健康检查的扣2分；扣完为止。",
            "查阅劳动防护用品发放记录、职业病危害因素检测报告、职业健康检查报告和告知材料；"
            "现场查看佩戴使用情况和警示标识。",
        ),
        _item(
            "GX-17",
            "8",
            "生产设备安全防护装置齐全有效，电气线路规范敷设、无私拉乱接；"
            "动火、有限空间、高处等危险作业经负责人审批，并有专人监护。",
            "设备防护装置缺失或失效的，每处扣1分；电气线路私拉乱接的，每处扣1分；"
            "危险作业未经审批或无人监护的，每次扣3分；扣完为止。",
            "查阅危险作业审批记录；现场查看设备设施、电气线路和作业现场。",
        ),
        _item(
            "GX-18",
            "7",
            "消防器材配置齐全、完好有效，疏散通道和安全出口畅通；不违规设置员工宿舍（“三合一”场所），"
            "电动自行车不在室内、楼道违规停放充电；制定应急处置方案，每年至少组织1次应急演练。",
            "消防器材缺失、失效，或疏散通道、安全出口堵塞、锁闭的，每处扣1分；违规设置员工宿舍的扣4分；"
            "电动自行车违规停放充电的扣1分；无应急处置方案的扣2分；年度内未组织应急演练的扣2分；扣完为止。",
            "查阅消防器材检查记录、应急处置方案和演练记录；现场查看消防设施、疏散通道、宿舍和电动自行车停放充电区域。",
        ),
        _item(
            "GX-19",
            "7",
            "依法为全体职工参加工伤保险；落实女职工和未成年工特殊劳动保护，不安排其从事禁忌劳动。",
            "未参加工伤保险的扣5分；参保人数少于在岗职工人数的，每缺1人扣1分；"
            "安排女职工或未成年工从事禁忌劳动的扣2分；扣完为止。",
            "对照职工花名册查阅工伤保险参保缴费凭证；现场询问女职工、未成年工的岗位安排。",
        ),
        _veto("GX-20", VETO_FATAL_ACCIDENT),
    ),
)

BELOW_SCALE_TEMPLATE = TemplateSpec(
    code="GX",
    name="规下企业安全生产劳动保护评估标准（默认）",
    scale=SCALE_BELOW,
    version_year=DEFAULT_VERSION_YEAR,
    categories=(_GX_ORGANISATION, _GX_RULES_AND_RECORDS, _GX_EDUCATION, _GX_SUPERVISION, _GX_IMPLEMENTATION),
)

DEFAULT_TEMPLATES = (ABOVE_SCALE_TEMPLATE, BELOW_SCALE_TEMPLATE)


def default_template_for(scale: str) -> TemplateSpec:
    """The default template for an enterprise scale ("above" / "below")."""
    for template in DEFAULT_TEMPLATES:
        if template.scale == scale:
            return template
    raise KeyError(scale)
