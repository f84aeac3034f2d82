"""Word lists for the demo city: places, trade names, products, people, titles.

Everything here is invented. The shape follows the source city (a county-level
manufacturing city in northern Zhejiang: garments and luggage, machinery, electrical
and electronic goods, a chemical port zone), not its real names.
"""

import random
from typing import NamedTuple

CITY_NAME = "平澜市"
CITY_SHORT = "平澜"
#: Zhejiang (33), a prefecture-level city (04), a county-level city (8x) — a code no real place uses.
CITY_DIVISION_CODE = "330489"
CITY_CENTRE = (30.700, 121.020)
CITY_AREA_CODE = "0573"


class TownSpec(NamedTuple):
    name: str
    short_name: str
    is_street: bool
    weight: float  # share of the city's enterprises, relative
    centre: tuple[float, float]  # latitude, longitude
    specialities: tuple[str, ...]  # GB/T 4754 divisions more common here (特色产业)


TOWNS: tuple[TownSpec, ...] = (
    TownSpec("澜湖街道", "澜湖", True, 14, (30.700, 121.015), ("18", "19")),
    TownSpec("钟溪街道", "钟溪", True, 12, (30.736, 121.062), ("38", "39")),
    TownSpec("荷桥街道", "荷桥", True, 9, (30.664, 120.972), ("33", "34")),
    TownSpec("新埠镇", "新埠", False, 11, (30.782, 121.004), ("19", "29")),
    TownSpec("港山镇", "港山", False, 16, (30.628, 121.112), ("26", "28", "59")),
    TownSpec("乍湾镇", "乍湾", False, 10, (30.598, 121.048), ("26", "54")),
    TownSpec("黄泾镇", "黄泾", False, 8, (30.683, 121.142), ("17", "22")),
    TownSpec("林浦镇", "林浦", False, 10, (30.746, 120.928), ("13", "33")),
    TownSpec("广澄镇", "广澄", False, 7, (30.812, 121.083), ("18", "21")),
)

DISTRICT_NAMES = ("东片", "西片", "南片", "北片", "中片", "园区片")

#: Relative frequency of each division among the city's enterprises.
INDUSTRY_WEIGHTS: dict[str, float] = {
    "18": 12, "19": 11, "34": 10, "33": 9, "29": 8, "38": 8, "39": 6, "17": 5, "26": 5,
    "22": 4, "35": 4, "36": 4, "30": 2, "21": 2, "24": 2, "13": 1.5, "14": 1.5, "23": 1,
    "27": 1, "28": 1, "32": 1, "40": 1, "20": 0.5, "31": 0.5, "37": 0.5, "41": 0.5,
    "42": 0.5, "15": 0.3, "43": 0.3, "44": 0.4,
    "47": 1.5, "48": 1, "49": 0.5, "50": 1, "51": 3, "54": 2, "58": 0.5, "59": 1.5,
}  # fmt: skip

#: The product or trade word in a company name, by division.
PRODUCTS: dict[str, tuple[str, ...]] = {
    "13": ("食品", "粮油", "饲料", "农产品"),
    "14": ("食品", "调味品", "糕点"),
    "15": ("酒业", "饮品"),
    "17": ("纺织", "织造", "针织", "印染", "经编"),
    "18": ("服饰", "服装", "制衣", "时装", "羽绒制品", "针织服饰"),
    "19": ("箱包", "皮具", "鞋业", "旅游用品", "皮革制品"),
    "20": ("木业", "竹木制品"),
    "21": ("家具", "家居", "办公家具"),
    "22": ("纸业", "包装", "纸制品", "彩印包装"),
    "23": ("印刷", "印务"),
    "24": ("文具", "工艺品", "体育用品", "玩具"),
    "26": ("化工", "新材料", "涂料", "精细化工", "化学", "树脂"),
    "27": ("药业", "生物医药", "制药"),
    "28": ("化纤", "纤维"),
    "29": ("塑业", "塑料制品", "橡塑", "塑胶", "橡胶制品", "包装材料"),
    "30": ("建材", "玻璃制品", "新型建材", "混凝土"),
    "31": ("特钢", "钢管"),
    "32": ("铝业", "铜业", "有色金属"),
    "33": ("五金", "金属制品", "紧固件", "不锈钢制品", "标准件", "钢结构"),
    "34": ("机械", "精密机械", "轴承", "液压", "泵业", "阀门", "传动设备"),
    "35": ("专用设备", "机电设备", "环保设备", "智能装备", "医疗器械"),
    "36": ("汽车部件", "汽配", "汽车零部件"),
    "37": ("船舶配件", "车业"),
    "38": ("电器", "电气", "电机", "照明", "电线电缆", "光伏科技"),
    "39": ("电子", "光电科技", "通信设备", "电子科技", "微电子"),
    "40": ("仪表", "仪器"),
    "41": ("日用品",),
    "42": ("再生资源", "资源利用"),
    "43": ("设备维修",),
    "44": ("热电", "新能源"),
    "47": ("建设", "建筑"),
    "48": ("市政工程", "路桥工程", "水利工程"),
    "49": ("建筑安装", "机电安装"),
    "50": ("装饰工程", "幕墙工程"),
    "51": ("贸易", "进出口", "物资", "商贸"),
    "54": ("物流", "运输", "货运"),
    "58": ("国际货运代理", "物流"),
    "59": ("仓储", "供应链", "物流"),
}

#: Small workshops are often registered as a 厂 of their town: 平澜市港山宏达五金厂.
FACTORY_WORDS: dict[str, tuple[str, ...]] = {
    "17": ("织造厂", "针织厂"),
    "18": ("制衣厂", "服装厂"),
    "19": ("箱包厂", "皮件厂"),
    "21": ("家具厂",),
    "22": ("纸箱厂", "包装厂"),
    "24": ("工艺品厂",),
    "29": ("塑料厂", "塑料制品厂"),
    "33": ("五金厂", "金属制品厂"),
    "34": ("机械厂", "五金机械厂"),
}

TRADE_FIRST = "宏鑫永华恒金天瑞新嘉盛荣昌泰隆丰兴亿佳诚利顺通达德富汇凯康力联明欧强锐尚胜拓伟信旭耀益宇元源卓正中众博创东海航宝申万安百"
TRADE_SECOND = "达源兴盛利丰泰昌华隆顺发成信诚宇鑫业祥瑞和美亚通力科星辉峰腾龙阳升茂凯益宏远邦晟泽"
#: Trade names of foreign-invested firms, registered as 日精（平澜）精密机械有限公司.
FOREIGN_TRADE = ("日精", "东研", "丰和", "三协", "大和", "富士美", "台联", "德科", "欧亚", "新光", "太平洋", "明治")

ROAD_FIRST = "兴工新东南西北建创富华金平澜港湖长胜民环振开文海"
ROAD_SECOND = ("业路", "园路", "华路", "盛路", "安路", "丰路", "河路", "港路", "发大道", "兴路", "和路", "新路")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗沈陆顾钱金姚俞戴蒋陶许曹吕施汪范邱潘屠钟褚费方程孔倪冯唐"
#: Weights for SURNAMES: the common ones of northern Zhejiang first.
SURNAME_WEIGHTS = (
    9, 8, 9, 5, 8, 5, 4, 3, 5, 5, 7, 3, 3, 5, 3, 2, 2, 3, 3, 2, 8, 6, 5, 4, 5, 3, 3, 3, 2, 3, 2, 3, 2, 3,
    3, 2, 2, 2, 2, 2, 2, 1, 2, 2, 1, 1, 1, 2,
)  # fmt: skip
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红春文斌萍林晓燕玲浩宇婷雪梅海峰亮鹏飞琴云凤"
    "欢嘉晨佳俊慧欣怡瑶卫东新民永良忠荣昊晗楠昕晔琳菁骏"
)

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185", "186", "187",
    "188", "189", "191", "198", "199",
)  # fmt: skip

EXPERT_TITLES = (
    "注册安全工程师",
    "高级工程师",
    "注册安全工程师、高级工程师",
    "一级安全评价师",
    "注册消防工程师",
    "特种设备检验师",
    "职业卫生评价师",
    "电气工程师",
)
EXPERT_EMPLOYERS = (
    f"{CITY_NAME}安全生产协会",
    f"{CITY_NAME}特种设备检测所",
    "浙江安衡安全技术咨询有限公司",
    "浙江诚安安全评价有限公司",
    f"{CITY_NAME}职业病防治所",
    f"{CITY_NAME}应急管理服务中心",
    "浙澜职业技术学院",
)

CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (group names: 第二代表小组)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    head = "十" if tens == 1 else CHINESE_NUMERALS[tens - 1] + "十"
    return head + (CHINESE_NUMERALS[units - 1] if units else "")


def person_name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    length = 2 if rng.random() < 0.78 else 1
    return surname + "".join(rng.choice(GIVEN_CHARS) for _ in range(length))


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random) -> str:
    return f"{CITY_AREA_CODE}-8{rng.randrange(10**7):07d}"


def trade_name(rng: random.Random) -> str:
    first = rng.choice(TRADE_FIRST)
    second = rng.choice(TRADE_SECOND)
    while second == first:
        second = rng.choice(TRADE_SECOND)
    return first + second


def road_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        road = rng.choice(ROAD_FIRST) + rng.choice(ROAD_SECOND)
        if road not in names:
            names.append(road)
    return names
