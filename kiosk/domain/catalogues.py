"""Read-only lookups over the shipped catalogues in ``assets/catalogues/``.

What it does: loads each catalogue lazily on first use and caches it for the process, and
answers lookups: administrative regions (GB/T 2260, retired codes included), ethnic
groups (GB 3304), business-scope entries with a ranked keyword / pinyin-initials search,
the organisation forms allowed per subject type, industry words used in names, and the
words a name must not contain.

What it does not do: it decides no rule. Whether a name is acceptable, or whether an ID
number's region fits its birth year, is for the validation modules; this module only
says what the data holds. No Qt, no I/O beyond reading the asset files, no network.
Data problems raise :class:`CatalogueError`; lookups of unknown keys return ``None``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, NamedTuple, TypeVar

import assets

__all__ = [
    "CatalogueError", "Region", "EthnicGroup", "ScopeEntry", "OrgForms", "IndustryTerm",
    "ForbiddenWord", "region", "regions_in", "ethnic_group", "ethnic_groups", "scope_entry",
    "scope_entries", "search_scope", "scope_categories", "org_forms", "industry_terms",
    "industry_term_in", "forbidden_words", "forbidden_words_in", "normalize_query",
]

_DIR = "catalogues"
# City-level placeholders: a municipality's "市辖区", a province's directly administered
# county-level units. Pickers skip them and list their counties instead.
_PLACEHOLDERS = frozenset({"市辖区", "县", "市", "省直辖县级行政区划", "自治区直辖县级行政区划",
                           "省直辖县级行政单位", "省直辖行政单位", "自治区直辖县级行政单位"})
_SIX_DIGITS = re.compile(r"^\d{6}$")
T = TypeVar("T")
_MAX_QUERY = 64  # longer queries cannot match any entry name; refuse them cheaply


class CatalogueError(Exception):
    """A shipped catalogue file is missing or malformed (an installation fault)."""


def _parse(name: str, build: Callable[[Any], T]) -> T:
    """Load a catalogue file and build its objects; any fault becomes CatalogueError."""
    try:
        data = assets.load_json(_DIR, name)
    except (OSError, ValueError) as exc:  # FileNotFoundError, JSONDecodeError
        raise CatalogueError(f"catalogue {name} cannot be read: {exc}") from exc
    try:
        return build(data)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise CatalogueError(f"catalogue {name} is malformed: {exc!r}") from exc


# ---------------------------------------------------------------- regions

class Region(NamedTuple):
    """One GB/T 2260 code: a province (pp0000), city (ppcc00) or county (ppccxx).

    A named tuple rather than a frozen dataclass: the catalogue makes some 7,000 of them when
    the settings are first checked, before the start page, and a tuple is made ten times faster.
    """

    code: str
    name: str
    city: str
    province: str
    current: bool
    level: str  # "province" | "city" | "county"
    former_names: tuple[str, ...] = ()
    note: str = ""

    @property
    def full_name(self) -> str:
        """Province + city + county, without repeats: "山东省淄博市沂源县", "北京市东城区"."""
        parts: list[str] = []
        for part in (self.province, self.city, self.name):
            if part and part not in parts and part not in _PLACEHOLDERS:
                parts.append(part)
        return "".join(parts) or self.name


@lru_cache(maxsize=1)
def _regions() -> dict[str, Region]:
    return _parse("regions.json", lambda data: {
        code: Region(code=code, name=r["name"], city=r["city"], province=r["province"],
                     current=bool(r["current"]), level=r["level"],
                     former_names=tuple(r.get("former_names", ())), note=r.get("note", ""))
        for code, r in data["regions"].items()})


def region(code: str) -> Region | None:
    """Look up a six-digit region code, current or retired.

    Args:
        code: six ASCII digits, e.g. the first six characters of an ID number.
    Returns:
        The region, or None for anything that is not a known six-digit code.
    """
    if not isinstance(code, str):
        return None
    code = code.strip()
    if not _SIX_DIGITS.match(code):
        return None
    return _regions().get(code)


def all_regions() -> list[Region]:
    """Every code in the catalogue, retired ones and the permit codes included, by code."""
    return sorted(_regions().values(), key=lambda r: r.code)


def regions_in(prefix: str = "", include_retired: bool = False) -> list[Region]:
    """Regions one level below ``prefix``, for pickers, sorted by code.

    ``""`` gives provinces; a two-digit province prefix gives its cities, with the
    counties of placeholder rows (直辖市的"市辖区", 省直辖县级行政单位) listed directly; a
    four-digit city prefix gives its counties; a six-digit code gives that region alone.
    The residence-permit codes 810000/820000/830000 (which carry a note) are not listed.

    Args:
        prefix: "", 2, 4 or 6 digits.
        include_retired: also list codes no longer in use.
    Returns:
        The regions; [] for a malformed or unknown prefix.
    """
    if not isinstance(prefix, str) or not (prefix == "" or prefix.isascii() and prefix.isdigit()):
        return []
    regions = _regions()
    if len(prefix) == 6:
        r = regions.get(prefix)
        return [r] if r else []

    def keep(r: Region) -> bool:
        return (include_retired or r.current) and not r.note

    if prefix == "":
        out = [r for r in regions.values() if r.level == "province" and keep(r)]
    elif len(prefix) == 2:
        out = []
        for r in regions.values():
            if r.level != "city" or not r.code.startswith(prefix) or not keep(r):
                continue
            if r.name in _PLACEHOLDERS:
                out.extend(c for c in regions.values() if c.level == "county"
                           and c.code.startswith(r.code[:4]) and keep(c)
                           and c.name not in _PLACEHOLDERS)
            else:
                out.append(r)
    elif len(prefix) == 4:
        out = [r for r in regions.values() if r.level == "county" and r.code.startswith(prefix)
               and keep(r) and r.name not in _PLACEHOLDERS]
    else:
        return []
    return sorted(out, key=lambda r: r.code)


# ---------------------------------------------------------------- ethnic groups

@dataclass(frozen=True)
class EthnicGroup:
    """A GB 3304 民族 code as read from an ID card: "01" 汉 / 汉族."""

    code: str
    name: str
    display: str


@lru_cache(maxsize=1)
def _ethnic() -> dict[str, EthnicGroup]:
    return _parse("ethnic_groups.json", lambda data: {
        g["code"]: EthnicGroup(g["code"], g["name"], g["display"]) for g in data["groups"]})


def ethnic_group(code: str) -> EthnicGroup | None:
    """Look up a 民族 code ("01".."56", "97", "98"; "1" is read as "01"); None if unknown."""
    if not isinstance(code, str):
        return None
    code = code.strip()
    if not (code.isascii() and code.isdigit()) or len(code) > 2:
        return None
    return _ethnic().get(code.zfill(2))


def ethnic_groups() -> list[EthnicGroup]:
    """All known 民族 codes in code order."""
    return sorted(_ethnic().values(), key=lambda g: g.code)


# ---------------------------------------------------------------- business scope

@dataclass(frozen=True)
class ScopeEntry:
    """One 经营范围 entry. ``code`` is our own stable id (see business_scope.json)."""

    code: str
    name: str
    note: str
    kind: str  # "general" | "licensed"
    category: str
    category_name: str
    department: str
    individual_allowed: bool
    pinyin_initials: str
    confirmed: bool = True

    @property
    def licensed(self) -> bool:
        """True for a 许可项目, which needs the named department's approval."""
        return self.kind == "licensed"


@dataclass(frozen=True)
class _Indexed:
    entry: ScopeEntry
    name: str  # normalized
    note: str  # normalized
    initials: str
    hay: str  # name, note and initials in one string: one `in` rejects most entries
    letters: frozenset[str]  # letters of the initials, to reject subsequences quickly


@lru_cache(maxsize=1)
def _scope() -> tuple[dict[str, ScopeEntry], tuple[_Indexed, ...], tuple[tuple[str, str], ...]]:
    entries, cats = _parse("business_scope.json", lambda data: (
        [ScopeEntry(**e) for e in data["entries"]], tuple(sorted(data["categories"].items()))))
    by_code = {e.code: e for e in entries}
    if len(by_code) != len(entries):
        raise CatalogueError("business_scope.json has duplicate codes")
    index = []
    for e in entries:
        name, note = normalize_query(e.name), normalize_query(e.note)
        index.append(_Indexed(e, name, note, e.pinyin_initials,
                              "\n".join((name, note, e.pinyin_initials)),
                              frozenset(e.pinyin_initials)))
    return by_code, tuple(index), cats


def scope_entry(code: str) -> ScopeEntry | None:
    """Look up a scope entry by our code (e.g. "F001"); None if unknown."""
    if not isinstance(code, str):
        return None
    return _scope()[0].get(code.strip().upper())


def scope_entries(category: str | None = None) -> list[ScopeEntry]:
    """All scope entries in code order, or only those of one 门类 letter (tree browsing)."""
    entries = [i.entry for i in _scope()[1]]
    if category is not None:
        entries = [e for e in entries if e.category == category]
    return sorted(entries, key=lambda e: e.code)


def scope_categories() -> list[tuple[str, str]]:
    """(门类 letter, name) pairs that have at least one entry, in letter order."""
    used = {i.entry.category for i in _scope()[1]}
    return [(k, v) for k, v in _scope()[2] if k in used]


def normalize_query(text: str) -> str:
    """NFKC (full-width to half-width), lower case, whitespace collapsed to single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _is_subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def _term_score(term: str, alpha: bool, item: _Indexed) -> int:
    """Score one query term against one entry; 0 means no match.

    ``alpha`` says the term is all Latin letters, so it may match the pinyin initials.
    """
    if term not in item.hay and not (alpha and len(term) >= 2 and item.letters.issuperset(term)):
        return 0
    if term == item.name:
        return 100
    if item.name.startswith(term):
        return 80
    if term in item.name:
        return 60
    if alpha:
        ini = item.initials
        if ini == term:
            return 90
        if ini.startswith(term):
            return 70
        if term in ini:
            return 50
        if len(term) >= 2 and _is_subsequence(term, ini):
            # "rbh" finds 日用百货销售 (rybhxs); weaker when the first letters differ.
            return 40 if ini[0] == term[0] else 20
    if term in item.note:
        return 30
    return 0


def search_scope(query: str, limit: int = 30) -> list[ScopeEntry]:
    """Search the scope catalogue by keyword (name or note) or pinyin initials.

    Every whitespace-separated term must match. A term matches when it occurs in the
    entry's name or note, or (for Latin letters) when it is a prefix, substring or
    subsequence of the name's pinyin initials. Results are ranked: whole name, name
    prefix, name substring, initials, note; ties go to the shorter name, then the code.

    Args:
        query: what the person typed; full-width forms are folded, case is ignored.
        limit: the most results to return.
    Returns:
        Matching entries, best first; [] for an empty, over-long or non-string query.
    """
    if not isinstance(query, str) or not isinstance(limit, int) or limit <= 0:
        return []
    q = normalize_query(query)
    if not q or len(q) > _MAX_QUERY:
        return []
    terms = [(t, t.isascii() and t.isalpha()) for t in q.split(" ")]
    scored: list[tuple[int, int, str, ScopeEntry]] = []
    for item in _scope()[1]:
        total = 0
        for term, alpha in terms:
            s = _term_score(term, alpha, item)
            if not s:
                break
            total += s
        else:
            scored.append((-total, len(item.entry.name), item.entry.code, item.entry))
    scored.sort(key=lambda t: t[:3])
    return [t[3] for t in scored[:limit]]


# ---------------------------------------------------------------- names

@dataclass(frozen=True)
class OrgForms:
    """The 组织形式 rules of one subject type (org_forms.json)."""

    subject_type: str
    label: str
    name_optional: bool
    suffix_required: bool
    suffixes_exhaustive: bool  # False: "店、厂… and similar" — others may be accepted
    suffixes: tuple[str, ...]
    unconfirmed_suffixes: tuple[str, ...]
    banned_words: tuple[str, ...]  # must not occur anywhere in the name
    requires_parent_name: bool
    note_zh: str

    def suffix_of(self, name: str) -> str | None:
        """The longest allowed (or unconfirmed) suffix ``name`` ends with, else None."""
        found = [s for s in self.suffixes + self.unconfirmed_suffixes if name.endswith(s)]
        return max(found, key=len) if found else None

    def banned_in(self, name: str) -> list[str]:
        """Banned words that occur in ``name``, longest first (有限责任 before 有限)."""
        return sorted((w for w in self.banned_words if w in name), key=len, reverse=True)


@lru_cache(maxsize=1)
def _org_forms() -> dict[str, OrgForms]:
    return _parse("org_forms.json", lambda data: {
        key: OrgForms(subject_type=key, **{k: tuple(x) if isinstance(x, list) else x
                                           for k, x in v.items()})
        for key, v in data["subject_types"].items()})


def org_forms(subject_type: Any) -> OrgForms:
    """The 组织形式 rules of a subject type.

    Args:
        subject_type: "individual_business", "sole_proprietorship", "natural_person_llc"
            or "branch", or an enum whose ``value`` is one of them.
    Raises:
        KeyError: for an unknown subject type.
    """
    key = getattr(subject_type, "value", subject_type)
    forms = _org_forms()
    if key not in forms:
        raise KeyError(f"unknown subject type {key!r}; known: {sorted(forms)}")
    return forms[key]


@dataclass(frozen=True)
class IndustryTerm:
    """A 行业或经营特点 word used in names, with the scope it agrees with."""

    term: str
    canonical: str  # 面馆 -> 餐饮
    categories: tuple[str, ...]
    scope_codes: tuple[str, ...]

    def agrees_with(self, entry: ScopeEntry) -> bool:
        """True when ``entry`` as the main scope item is consistent with this word."""
        return entry.code in self.scope_codes or entry.category in self.categories


@lru_cache(maxsize=1)
def _industry() -> dict[str, IndustryTerm]:
    return _parse("industry_terms.json", lambda data: {
        t: IndustryTerm(t, v["canonical"], tuple(v["categories"]), tuple(v["scope_codes"]))
        for t, v in data["terms"].items()})


def industry_terms() -> dict[str, IndustryTerm]:
    """All industry words, term -> IndustryTerm (a fresh dict; safe to modify)."""
    return dict(_industry())


def industry_term_in(name: str) -> IndustryTerm | None:
    """The longest known industry word inside ``name`` (nearest the end on ties), or None."""
    if not isinstance(name, str) or not name:
        return None
    best: tuple[int, int, IndustryTerm] | None = None
    for term, it in _industry().items():
        pos = name.rfind(term)
        if pos >= 0 and (best is None or (len(term), pos) > best[:2]):
            best = (len(term), pos, it)
    return best[2] if best else None


@dataclass(frozen=True)
class ForbiddenWord:
    """A word a name must not contain, with the article and the reason shown to the citizen."""

    word: str
    reason_zh: str
    article: str  # e.g. "第十一条第（三）项" of 企业名称登记管理规定
    severity: str  # "forbidden" | "needs_approval"


@lru_cache(maxsize=1)
def _forbidden() -> tuple[ForbiddenWord, ...]:
    return _parse("forbidden_name_words.json", lambda data: tuple(
        ForbiddenWord(w["word"], w["reason_zh"], w["article"], w["severity"])
        for w in data["words"]))


def forbidden_words() -> list[ForbiddenWord]:
    """Every forbidden or approval-only word, in file order (grouped by article)."""
    return list(_forbidden())


def forbidden_words_in(name: str) -> list[ForbiddenWord]:
    """The forbidden words that occur in ``name`` (substring match, NFKC-folded)."""
    if not isinstance(name, str) or not name:
        return []
    folded = unicodedata.normalize("NFKC", name)
    return [w for w in _forbidden() if w.word in folded]
