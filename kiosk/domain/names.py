"""Enterprise name rules (企业名称登记管理规定, domain.md §6).

A name is 行政区划 + 字号 + 行业或经营特点 + 组织形式. The kiosk collects the four parts on one
page (``NameParts``), so the rules work on parts; ``split_name`` recovers parts from a full name
for the platform's check. Catalogue data (forms per subject type, industry terms, forbidden
words) comes from ``catalogues``; which rules exist and what they say lives here. No I/O.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from kiosk.domain import catalogues
from kiosk.domain.subject_types import BY_ID, SubjectType
from kiosk.domain.validation import is_chinese

TRADE_NAME_MIN = 2   # Art. 8: 字号 of two or more 汉字 [S]
TRADE_NAME_MAX = 10  # local practice, UNCONFIRMED: one place to correct
NAME_MAX = 50        # length of the licence's name box; UNCONFIRMED as a legal limit
_SUFFIXES = ("省", "市", "自治区", "自治州", "地区", "盟")


def trade_name_hint(example: str = "青禾") -> str:
    """The 字号 field's hint, from the rule itself."""
    return f"{TRADE_NAME_MIN}到{TRADE_NAME_MAX}个汉字，例如：{example}"


def region_choices(county_code: str) -> tuple[str, ...]:
    """The 行政区划 a name filed at this hall may carry, from its county up (Art. 7): the
    county with its city (a 市辖区 never stands alone), the city, the province, each also
    without its 市/省 suffix as names commonly carry it: 杭州市西湖区, 杭州市, 杭州, 浙江省, 浙江.
    Empty for a code the catalogue does not know."""
    r = catalogues.region(county_code)
    if r is None:
        return ()
    city = r.city if r.city and r.city not in ("市辖区", "县") else ""
    if not city and r.province.endswith("市"):
        city = r.province       # a municipality: 北京市东城区
    levels = [city + r.name if r.level == "county" and city else r.name]
    if r.level == "county" and city and not r.name.endswith("区"):
        levels.append(r.name)
    levels += [city, r.province] if r.level == "county" else [r.province]
    out: list[str] = []
    for name in levels:
        if not name:
            continue
        out.append(name)
        short = next((name.removesuffix(x) for x in _SUFFIXES
                      if name.endswith(x) and len(name) > len(x) + 1), "")
        if short and short != name and name in (city, r.province):
            out.append(short)
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class NameParts:
    region: str = ""
    trade_name: str = ""
    industry: str = ""
    form: str = ""

    @property
    def full(self) -> str:
        return f"{self.region}{self.trade_name}{self.industry}{self.form}"


def branch_full_name(parent: object, branch: object) -> str:
    """A branch's registered name: the parent's full name + place + form (Art. 13, domain.md §6),
    from the cleaned ``parent`` and ``branch_name`` answers: 杭州青禾百货有限公司西湖分公司."""
    p = parent if isinstance(parent, dict) else {}
    b = branch if isinstance(branch, dict) else {}
    return f"{p.get('name', '')}{b.get('place', '')}{b.get('form', '')}"


def _clean(text: object) -> str:
    # Only text: str() of what the person did not type (a huge number, deep nesting) can raise.
    return "".join(text.split()) if isinstance(text, str) else ""


def parts_from(answer: object) -> NameParts:
    """Build parts from a flow answer (a dict with the four keys); missing keys are empty."""
    if isinstance(answer, NameParts):
        return answer
    data = answer if isinstance(answer, dict) else {}
    return NameParts(*(_clean(data.get(k, "")) for k in ("region", "trade_name", "industry", "form")))


@lru_cache(maxsize=1)
def _region_names() -> frozenset[str]:
    """Every region name, with and without its 省/市/县/区 suffix."""
    names: set[str] = set()
    for r in catalogues.all_regions():
        for n in (r.name, r.city, r.province):
            if n:
                names.add(n)
                for suffix in ("省", "市", "县", "区", "自治州", "自治县", "自治区", "地区", "盟", "旗"):
                    if n.endswith(suffix) and len(n) > len(suffix) + 1:
                        names.add(n.removesuffix(suffix))
    return frozenset(names)


@lru_cache(maxsize=1)
def _regions_longest_first() -> tuple[str, ...]:
    return tuple(sorted(_region_names(), key=len, reverse=True))


@lru_cache(maxsize=1)
def _industries_longest_first() -> tuple[str, ...]:
    return tuple(sorted(catalogues.industry_terms(), key=len, reverse=True))


@lru_cache(maxsize=1)
def _all_forms() -> tuple[str, ...]:
    forms = {f for t in BY_ID for f in _forms(t)}
    return tuple(sorted(forms, key=len, reverse=True))


def _forms(subject_type: str) -> tuple[str, ...]:
    f = catalogues.org_forms(subject_type)
    return f.suffixes + f.unconfirmed_suffixes


def split_name(full_name: str) -> NameParts | None:
    """Split a full name into its four parts; None when no allowed organisation form ends it."""
    name = _clean(full_name)
    form = next((f for f in _all_forms() if name.endswith(f) and len(name) > len(f)), None)
    if form is None:
        return None
    rest = name[: -len(form)]
    region = ""
    for candidate in _regions_longest_first():
        if rest.startswith(candidate) and len(rest) > len(candidate):
            region = candidate
            # A 市辖区 follows its city: 杭州市西湖区.
            tail = rest[len(region):]
            more = next((c for c in _regions_longest_first()
                         if tail.startswith(c) and len(tail) > len(c) and c[-1] in "区县市"), "")
            region += more
            break
    rest = rest[len(region):]
    industry = next((t for t in _industries_longest_first()
                     if rest.endswith(t) and len(rest) > len(t)), "")
    trade = rest[: len(rest) - len(industry)] if industry else rest
    return NameParts(region, trade, industry, form)


def forbidden_in(text: str) -> list[str]:
    """Reasons for every forbidden or approval-only word in ``text`` (Art. 11, 12)."""
    return [f"名称中不能含有“{w.word}”：{w.reason_zh}" for w in catalogues.forbidden_words_in(text)]


_PARTS = ("region", "trade_name", "industry", "form")


def _part_with(parts: NameParts, found: Callable[[str], bool]) -> str:
    """The first of the name's parts (by field) in which ``found`` holds; else the 字号."""
    return next((f for f in _PARTS if found(getattr(parts, f))), "trade_name")


def parts_problem_fields(parts: NameParts, subject_type: str | SubjectType) -> list[tuple[str, str]]:
    """Every rule a name's parts break, as (part, message): the part is the field of the name
    page the message belongs next to (region, trade_name, industry, form)."""
    st = subject_type if isinstance(subject_type, SubjectType) else BY_ID[subject_type]
    forms = catalogues.org_forms(st.id)
    problems: list[tuple[str, str]] = []
    full = parts.full
    if not parts.trade_name:
        return [("trade_name", "请输入字号（名称中体现您特色的部分，例如“青禾”）")]
    non_chinese = sorted({c for c in full if not is_chinese(c)})
    if non_chinese:
        problems.append((_part_with(parts, lambda t: any(not is_chinese(c) for c in t)),
                         "名称只能使用规范汉字，不能含有字母、数字或符号：" + " ".join(non_chinese)))
    if len(parts.trade_name) < TRADE_NAME_MIN:
        problems.append(("trade_name", f"字号至少应有{TRADE_NAME_MIN}个汉字"))
    if len(parts.trade_name) > TRADE_NAME_MAX:
        problems.append(("trade_name", f"字号不能超过{TRADE_NAME_MAX}个字，"
                                       f"您输入了{len(parts.trade_name)}个字"))
    if parts.trade_name in _region_names():
        problems.append(("trade_name", "字号不能只用行政区划名称，请换一个有特色的字号"))
    if parts.trade_name in catalogues.industry_terms():
        problems.append(("trade_name", "字号不能只用行业用语，请换一个有特色的字号"))
    if not parts.region and not st.is_branch:
        problems.append(("region", "请选择名称中的行政区划（例如所在县、区）"))
    if not parts.form:
        problems.append(("form", "请选择组织形式"))
    elif parts.form not in _forms(st.id) and forms.suffixes_exhaustive:
        problems.append(("form", f"{st.label}的名称应以{'、'.join(forms.suffixes[:6])}等结尾，"
                                 f"不能用“{parts.form}”"))
    for word in forms.banned_in(full):
        problems.append((_part_with(parts, lambda t, w=word: w in t),
                         f"{st.label}的名称中不能含有“{word}”"))
    if len(full) > NAME_MAX:
        problems.append(("trade_name", f"名称不能超过{NAME_MAX}个字"))
    for w in catalogues.forbidden_words_in(full):
        problems.append((_part_with(parts, lambda t, x=w.word: x in t),
                         f"名称中不能含有“{w.word}”：{w.reason_zh}"))
    return list(dict.fromkeys(problems))


def parts_problems(parts: NameParts, subject_type: str | SubjectType) -> list[str]:
    """Every rule a name's parts break, as Chinese messages; empty when the name is acceptable."""
    return list(dict.fromkeys(m for _, m in parts_problem_fields(parts, subject_type)))


def name_problems(full_name: str, subject_type: str) -> list[str]:
    """Rules for a whole name, as the platform's name check applies them."""
    if not _clean(full_name):
        return ["请输入名称"]
    parts = split_name(full_name)
    if parts is None:
        st = BY_ID[subject_type]
        return [f"{st.label}的名称应以{'、'.join(_forms(st.id)[:6])}等组织形式结尾"]
    return parts_problems(parts, subject_type)


def industry_matches_scope(industry: str, main_scope_code: str) -> bool:
    """Whether the 行业 in the name agrees with the main (first) scope item."""
    term = catalogues.industry_terms().get(industry)
    entry = catalogues.scope_entry(main_scope_code)
    return term is not None and entry is not None and term.agrees_with(entry)
