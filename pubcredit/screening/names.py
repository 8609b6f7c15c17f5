"""Names made comparable for batch screening: the parts a clerk's spelling may move or change.

`pubcredit.subjects.normalise` removes typing noise (full/half width, bracket styles, blanks).
Screening goes further, because a bid list is typed from memory or copied from another register:

- traditional characters become simplified ones (a character table from zhconv's zh-cn
  dictionary, applied with `str.translate`: names are compared character by character, so the
  phrase entries are not needed, and a table is a thousand times faster than a phrase scan);
- region words (省、自治区、市 and 西安's districts) are taken out wherever they stand: at the start
  ("西安华信科技有限公司"), in brackets ("华信科技（西安）有限公司", "华信（西安）科技有限公司") or just before
  the legal form, and kept apart as a set, so that "陕西华信" and "西安华信" stay different firms;
- the legal form (有限公司 / 有限责任公司 / 股份有限公司 …) is cut off and kept apart;
- the pinyin of the remaining core (first reading, no tones) catches homophone typos (华信 / 华鑫)
  and names typed in pinyin.

`parse_name` is a pure function; the index and the scorer both use it, so a stored key and a
fresh query always agree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pubcredit.subjects.normalise import ORGANISATION_FORM_SUFFIXES, normalise_name

# Province-level names (GB/T 2260) with their formal suffixes, and the cities and districts
# most often written in front of or inside a trade name. Longest first when matching.
_PROVINCES = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
]
_CITIES = [
    "西安",
    "宝鸡",
    "咸阳",
    "铜川",
    "渭南",
    "延安",
    "汉中",
    "榆林",
    "安康",
    "商洛",
    "杨凌",
    "西咸",
    "南通",
    "赤峰",
    "元宝山",
    "大连",
    "韶山",
    "湘潭",
    "长沙",
    "沈阳",
    "哈尔滨",
    "长春",
    "石家庄",
    "太原",
    "呼和浩特",
    "济南",
    "青岛",
    "郑州",
    "武汉",
    "南京",
    "苏州",
    "无锡",
    "杭州",
    "宁波",
    "温州",
    "合肥",
    "福州",
    "厦门",
    "南昌",
    "广州",
    "深圳",
    "珠海",
    "东莞",
    "佛山",
    "南宁",
    "海口",
    "三亚",
    "成都",
    "贵阳",
    "昆明",
    "拉萨",
    "兰州",
    "西宁",
    "银川",
    "乌鲁木齐",
]
_DISTRICTS = [
    "新城",
    "碑林",
    "莲湖",
    "灞桥",
    "未央",
    "雁塔",
    "阎良",
    "临潼",
    "长安",
    "高陵",
    "鄠邑",
    "户县",
    "蓝田",
    "周至",
    "高新",
    "曲江",
    "浐灞",
    "经开",
    "航天",
    "航空港",
]
_REGION_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市", "区", "县", "新区")


def _region_words() -> dict[str, str]:
    """Every spelling of a region word -> the bare region name it stands for."""
    words: dict[str, str] = {}
    for name in (*_PROVINCES, *_CITIES):
        words[name] = name
        for suffix in _REGION_SUFFIXES:
            words[name + suffix] = name
    for name in _DISTRICTS:
        # A bare district name is also an ordinary word (长安, 航天): only its 区/县 form counts.
        for suffix in ("区", "县", "新区"):
            words[name + suffix] = name
    return words


REGION_WORDS: dict[str, str] = _region_words()
_MAX_REGION_LEN = max(map(len, REGION_WORDS))
_FORMS: tuple[str, ...] = ORGANISATION_FORM_SUFFIXES


@lru_cache(maxsize=1)
def _t2s_table() -> dict[str, str]:
    from zhconv import zhconv

    table = zhconv.getdict("zh-cn")
    return {k: v for k, v in table.items() if len(k) == 1 and len(v) == 1 and k != v}


@lru_cache(maxsize=1)
def _t2s_chars() -> frozenset[str]:
    return frozenset(_t2s_table())


@lru_cache(maxsize=1)
def _pinyin_table() -> dict[str, str]:
    from pypinyin.pinyin_dict import pinyin_dict

    out: dict[str, str] = {}
    for code, readings in pinyin_dict.items():
        first = readings.split(",")[0]
        plain = "".join(c for c in unicodedata.normalize("NFD", first) if not unicodedata.combining(c))
        out[chr(code)] = plain.replace("ü", "v")
    return out


def to_simplified(text: str) -> str:
    if _t2s_chars().isdisjoint(text):
        return text
    table = _t2s_table()
    return "".join([table.get(ch, ch) for ch in text])


def to_pinyin(text: str) -> str:
    """Toneless pinyin of each Chinese character, other characters kept (lower-cased)."""
    table = _pinyin_table()
    return "".join([table.get(ch, ch) for ch in text]).lower()


@dataclass(frozen=True, slots=True)
class NameParts:
    """A name taken apart: `core` is what identifies the firm; `regions` and `form` qualify it."""

    text: str  # the whole name, normalised and simplified
    core: str
    regions: frozenset[str]
    form: str
    pinyin: str

    @property
    def key(self) -> str:
        """The input key of a false-match mark: the name without typing and placement noise."""
        regions = "".join(sorted(self.regions))
        return f"{regions}|{self.core}|{self.form}"


_FORM_SET = frozenset(_FORMS)
_FORM_LENGTHS = tuple(sorted({len(f) for f in _FORMS}, reverse=True))


def _cut_form(text: str) -> tuple[str, str]:
    """(text without its legal-form suffixes, the suffixes), never emptying the text."""
    form = ""
    while True:
        suffix = next((text[-n:] for n in _FORM_LENGTHS if n < len(text) and text[-n:] in _FORM_SET), None)
        if suffix is None:
            return text, form
        text, form = text[: -len(suffix)], suffix + form


def _bracketed_regions(text: str, regions: set[str]) -> str:
    """Remove "(西安)"-style groups whose content is only region words."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "(":
            end = text.find(")", i + 1)
            if end > i:
                inner = text[i + 1 : end]
                found = _only_regions(inner)
                if found is not None:
                    regions.update(found)
                    i = end + 1
                    continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _only_regions(text: str) -> list[str] | None:
    """The region names `text` consists of (e.g. 陕西省西安市), or None if anything else is in it."""
    found: list[str] = []
    while text:
        word = _leading_region(text)
        if word is None:
            return None
        found.append(REGION_WORDS[word])
        text = text[len(word) :]
    return found or None


def _leading_region(text: str) -> str | None:
    for length in range(min(_MAX_REGION_LEN, len(text)), 1, -1):
        if text[:length] in REGION_WORDS:
            return text[:length]
    return None


def _trailing_region(text: str) -> str | None:
    for length in range(min(_MAX_REGION_LEN, len(text)), 1, -1):
        if text[-length:] in REGION_WORDS:
            return text[-length:]
    return None


@lru_cache(maxsize=65536)
def parse_name(name: str) -> NameParts:
    """Take a name apart into core, regions and legal form (see the module docstring)."""
    text = to_simplified(normalise_name(name)).lower()
    regions: set[str] = set()
    rest = _bracketed_regions(text, regions) if "(" in text else text
    rest, form = _cut_form(rest)
    # Leading region words (陕西省西安市…), leaving at least two characters of core.
    while (word := _leading_region(rest)) is not None and len(rest) - len(word) >= 2:
        regions.add(REGION_WORDS[word])
        rest = rest[len(word) :]
    # A region written just before the legal form ("华信科技西安有限公司").
    if form and (word := _trailing_region(rest)) is not None and len(rest) - len(word) >= 2:
        regions.add(REGION_WORDS[word])
        rest = rest[: -len(word)]
    rest, more_form = _cut_form(rest)
    form = more_form + form
    core = rest.replace("(", "").replace(")", "") or rest
    return NameParts(text=text, core=core, regions=frozenset(regions), form=_form_class(form), pinyin=to_pinyin(core))


# Legal forms that name the same kind of firm: a clerk writing 有限公司 for 有限责任公司 (or the
# reverse) means the same company; 股份有限公司 is kept apart but close.
_FORM_CLASSES = {
    "有限责任公司": "有限公司",
    "有限公司": "有限公司",
    "公司": "有限公司",
    "股份有限公司": "股份有限公司",
    "股份公司": "股份有限公司",
}


def _form_class(form: str) -> str:
    return _FORM_CLASSES.get(form, form)
