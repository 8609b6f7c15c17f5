"""The demo city: 西安's districts, its departments and the words its organisations are named with.

Fiction built on real administrative codes (GB/T 2260) so that every generated USCC and ID
number has a plausible region and passes the national check.
"""

from __future__ import annotations

from dataclasses import dataclass

DISTRICTS: tuple[tuple[str, str], ...] = (
    ("610102", "新城区"),
    ("610103", "碑林区"),
    ("610104", "莲湖区"),
    ("610111", "灞桥区"),
    ("610112", "未央区"),
    ("610113", "雁塔区"),
    ("610114", "阎良区"),
    ("610115", "临潼区"),
    ("610116", "长安区"),
    ("610117", "高陵区"),
    ("610118", "鄠邑区"),
    ("610122", "蓝田县"),
    ("610124", "周至县"),
)


@dataclass(frozen=True)
class Department:
    name: str
    short_name: str
    kind: str  # accounts.OrganisationKind value
    is_provider: bool = True
    is_consumer: bool = True
    reporting_frequency: str = "weekly"


CREDIT_CENTRE = Department("西安市公共信用信息中心", "信用中心", "credit_centre", False, True, "")
AUTHORITY = Department("西安市发展和改革委员会", "市发改委", "authority", True, True, "monthly")

PROVIDERS: tuple[Department, ...] = (
    Department("西安市市场监督管理局", "市场监管局", "department", reporting_frequency="daily"),
    Department("国家税务总局西安市税务局", "税务局", "department", reporting_frequency="weekly"),
    Department("西安市生态环境局", "生态环境局", "department"),
    Department("西安市住房和城乡建设局", "住建局", "department"),
    Department("西安市人力资源和社会保障局", "人社局", "department"),
    Department("西安市交通运输局", "交通局", "department"),
    Department("西安市应急管理局", "应急局", "department"),
    Department("西安市卫生健康委员会", "卫健委", "department"),
    Department("西安市教育局", "教育局", "department", reporting_frequency="monthly"),
    Department("西安市公安局", "公安局", "department"),
    Department("西安市中级人民法院", "中院", "court", reporting_frequency="daily"),
    Department("西安市文化和旅游局", "文旅局", "department", reporting_frequency="monthly"),
    Department("西安市商务局", "商务局", "department", reporting_frequency="monthly"),
    Department("西安市农业农村局", "农业农村局", "department", reporting_frequency="monthly"),
    Department("西安市自然资源和规划局", "资源规划局", "department"),
    Department("西安市城市管理和综合执法局", "城管局", "department"),
    Department("西安市水务局", "水务局", "department", reporting_frequency="monthly"),
    Department("西安市财政局", "财政局", "department", reporting_frequency="monthly"),
    Department("西安市医疗保障局", "医保局", "department"),
    Department("西安市民政局", "民政局", "department", reporting_frequency="monthly"),
)

CONSUMERS: tuple[Department, ...] = (
    Department("西安市公共资源交易中心", "交易中心", "other", is_provider=False, reporting_frequency=""),
    Department("西安银行股份有限公司长安支行", "西安银行", "financial", is_provider=False, reporting_frequency=""),
)

# Organisation names: <district?><trade word><field word><form>.
TRADE_WORDS = (
    "华信",
    "秦川",
    "长安",
    "丝路",
    "大唐",
    "曲江",
    "恒通",
    "瑞丰",
    "鼎盛",
    "汇源",
    "博远",
    "金泰",
    "宏达",
    "中天",
    "天成",
    "永安",
    "兴业",
    "泰和",
    "海纳",
    "凯旋",
    "新锐",
    "盛世",
    "祥云",
    "众诚",
    "明德",
    "润泽",
    "佳禾",
    "远航",
    "晨光",
    "嘉禾",
    "骊山",
    "终南",
    "渭水",
    "灞柳",
    "雁塔",
    "钟楼",
    "鼓楼",
    "碑林",
    "未央",
    "汉唐",
)
FIELD_WORDS = (
    "科技",
    "建设工程",
    "商贸",
    "餐饮管理",
    "物流",
    "环保科技",
    "医药",
    "文化传媒",
    "教育咨询",
    "农业开发",
    "机械制造",
    "电子",
    "软件",
    "食品",
    "房地产开发",
    "物业管理",
    "建材",
    "汽车服务",
    "旅游开发",
    "信息技术",
    "印务",
    "装饰工程",
    "劳务",
    "化工",
    "新能源",
    "生物科技",
    "服饰",
    "酒店管理",
    "检测技术",
    "供应链管理",
)
ORG_FORMS: tuple[tuple[str, str, int], ...] = (
    # (suffix, USCC positions 1-2, weight)
    ("有限公司", "91", 60),
    ("有限责任公司", "91", 15),
    ("股份有限公司", "91", 5),
    ("经营部", "92", 5),
    ("商行", "92", 3),
    ("协会", "51", 2),
    ("农民专业合作社", "93", 4),
    ("股份经济合作社", "N2", 3),
    ("民办学校", "52", 3),
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN_CHARS = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰海燕辉鹏飞欣怡子轩浩然思远雨涵梓萱"
