"""Read-only lookups over the catalogues: those shipped in ``assets/catalogues/``, and the
business-scope and regions catalogues an administrators' bundle may replace.

What it does: loads each catalogue lazily on first use and caches it for the process, and
answers lookups: administrative regions (GB/T 2260, retired codes included), ethnic
groups (GB 3304), business-scope entries with a ranked keyword / pinyin-initials search,
the organisation forms allowed per subject type, industry words used in names, and the
words a name must not contain.

What it does not do: it decides no rule. Whether a name is acceptable, or whether an ID
number's region fits its birth year, is for the validation modules; this module only
says what the data holds. No Qt, no I/O beyond reading the asset files, no network.
Data problems raise :class:`CatalogueError`; lookups of unknown keys return ``None``.

Which file each replaceable catalogue (``SCOPE``, ``REGIONS``) comes from is said here and
nowhere else: ``use(scope=, regions=)``, called once at start by the composition root with the
applied bundle's files (None: the shipped one). A file is checked by the same builders as the
shipped catalogue; one that cannot be read or is malformed falls back to the shipped catalogue
and is returned as a ``Fallback`` for the caller to audit. ``check_file`` is that check alone
(the kiosk's updater and ``kiosk-admin`` run it before a bundle is applied or signed); the
rules a file must meet are the builders' (``_build_regions``, ``_build_scope``). Fetching and
verifying a file is ``kiosk.config``'s job.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable, NamedTuple, TypeVar

import assets

__all__ = [
    "CatalogueError", "Region", "EthnicGroup", "ScopeEntry", "OrgForms", "IndustryTerm",
    "ForbiddenWord", "region", "regions_in", "ethnic_group", "ethnic_groups", "scope_entry",
    "scope_entries", "search_scope", "scope_categories", "org_forms", "industry_terms",
    "industry_term_in", "forbidden_words", "forbidden_words_in", "normalize_query",
    "SCOPE", "REGIONS", "MAX_FILE_BYTES", "Fallback", "use", "in_use", "fallbacks",
    "check", "check_file", "region_lookup", "RegionLookup", "label_zh",
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
    """A catalogue file is missing or malformed: a shipped one (an installation fault) or one
    a bundle brings (refused). The message names the file and what is wrong."""


def _parse(name: str, build: Callable[[Any], T]) -> T:
    """Load a catalogue file and build its objects; any fault becomes CatalogueError."""
    try:
        data = assets.load_json(_DIR, name)
    except (OSError, ValueError, RecursionError) as exc:  # FileNotFoundError, JSONDecodeError
        raise CatalogueError(f"catalogue {name} cannot be read: {exc}") from exc
    return _built(name, build, data)


def _built(name: str, build: Callable[[Any], T], data: Any) -> T:
    try:
        return build(data)
    except (KeyError, TypeError, AttributeError, ValueError, RecursionError) as exc:
        raise CatalogueError(f"catalogue {name} is malformed: {_said(exc)}") from exc


def _said(exc: Exception) -> str:
    # The builders' own ValueErrors say what is wrong in words; others are shown as they are.
    return str(exc) if type(exc) is ValueError else repr(exc)


# Control and format characters, surrogates and private use: never in a name a person reads.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e"
                      "\u2060-\u206f\ufeff\ud800-\udfff\ue000-\uf8ff]")


def _text(value: Any, where: str, *, required: bool = True, most: int = 200) -> str:
    """A catalogue string: of type str, printable, not over ``most`` characters."""
    if not isinstance(value, str):
        raise ValueError(f"{where} must be text, got {type(value).__name__}")
    if required and not value.strip():
        raise ValueError(f"{where} is empty")
    if len(value) > most:
        raise ValueError(f"{where} is longer than {most} characters")
    if bad := _CONTROL.search(value):
        raise ValueError(f"{where} contains the control character U+{ord(bad.group()):04X}")
    return value


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{where} must be true or false, got {type(value).__name__}")
    return value


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"{where} must be a list of text, got {type(value).__name__}")
    return tuple(_text(v, f"{where}[{i}]") for i, v in enumerate(value))


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be an object, got {type(value).__name__}")
    return value


def _known_keys(value: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    if extra := value.keys() - allowed:
        raise ValueError(f"{where} has the unknown key {min(extra)!r}")


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


_REGION_KEYS = frozenset({"name", "city", "province", "current", "level", "former_names", "note",
                          "city_former_names"})   # the last is the builder's, not read here


def _level_of(code: str) -> str:
    return "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"


def _region(code: Any, r: Any) -> Region:
    """One region checked field by field, each fault named (the slow path of the builder)."""
    if not isinstance(code, str) or not code.isascii() or not _SIX_DIGITS.match(code):
        raise ValueError(f"the region code {str(code)[:12]!r} is not six digits")
    _known_keys(_object(r, f"region {code}"), _REGION_KEYS, f"region {code}")
    level = r.get("level")
    if level != _level_of(code):
        raise ValueError(f"region {code}: level must be {_level_of(code)!r}, got {level!r}")
    _texts(r.get("city_former_names", []), f"region {code} city_former_names")
    return Region(code, _text(r.get("name"), f"region {code} name", most=60),
                  _text(r.get("city"), f"region {code} city", required=False, most=60),
                  _text(r.get("province"), f"region {code} province", most=60),
                  _flag(r.get("current"), f"region {code} current"), level,
                  _texts(r.get("former_names", []), f"region {code} former_names"),
                  _text(r.get("note", ""), f"region {code} note", required=False))


def _build_regions(data: Any) -> dict[str, Region]:
    """The rules of a regions catalogue: ``{"regions": {code: {...}}}`` where each code is six
    digits (unique: ``_decode`` refuses a repeated key), its level is the one the code spells
    (pp0000 province, ppcc00 city, else county), its province is in the catalogue, names are
    printable text of at most 60 characters and flags are booleans; at least one region is
    current. The loop checks the common shape in one test per region (the regions are read
    before the start page) and names a fault through ``_region``."""
    table = _object(_object(data, "the catalogue").get("regions"), "regions")
    out: dict[str, Region] = {}
    six = _SIX_DIGITS.match
    for code, r in table.items():
        if (type(r) is dict and r.keys() <= _REGION_KEYS and type(code) is str
                and code.isascii() and six(code)
                and type(name := r.get("name")) is str and 0 < len(name) <= 60
                and type(city := r.get("city")) is str and len(city) <= 60
                and type(prov := r.get("province")) is str and 0 < len(prov) <= 60
                and type(current := r.get("current")) is bool
                and r.get("level") == _level_of(code)
                and "former_names" not in r and "note" not in r and "city_former_names" not in r
                and not _CONTROL.search(name + city + prov) and name.strip() and prov.strip()):
            out[code] = Region(code, name, city, prov, current, r["level"])
        else:
            out[code] = _region(code, r)
    if orphan := next((c for c in out if c[:2] + "0000" not in out), None):
        raise ValueError(f"region {orphan}: its province {orphan[:2]}0000 is not in the catalogue")
    if not any(r.current for r in out.values()):
        raise ValueError("no region is current")
    return out


@lru_cache(maxsize=1)
def _regions() -> dict[str, Region]:
    return _source(REGIONS)


def _region_in(table: dict[str, Region], code: str) -> Region | None:
    if not isinstance(code, str):
        return None
    code = code.strip()
    if not _SIX_DIGITS.match(code):
        return None
    return table.get(code)


def region(code: str) -> Region | None:
    """Look up a six-digit region code, current or retired.

    Args:
        code: six ASCII digits, e.g. the first six characters of an ID number.
    Returns:
        The region, or None for anything that is not a known six-digit code.
    """
    if not isinstance(code, str):
        return None
    return _region_in(_regions(), code)


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


_Scope = tuple[dict[str, ScopeEntry], tuple["_Indexed", ...], tuple[tuple[str, str], ...]]
_SCOPE_KEYS = frozenset({"code", "name", "note", "kind", "category", "category_name",
                         "department", "individual_allowed", "pinyin_initials", "confirmed"})
_SCOPE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")   # scope_entry() upper-cases a query
_INITIALS = re.compile(r"^[a-z]{0,60}$")                   # the search reads them as letters
_KINDS = ("general", "licensed")


def _scope_entry(e: Any, cats: dict[str, str], n: int) -> ScopeEntry:
    where = f"entry {n + 1}"
    _known_keys(_object(e, where), _SCOPE_KEYS, where)
    code = e.get("code")
    if not isinstance(code, str) or not _SCOPE_CODE.match(code):
        raise ValueError(f"{where}: code must be 1 to 32 capital letters, digits, _ or -, "
                         f"got {str(code)[:40]!r}")
    where = f"entry {code}"
    if e.get("kind") not in _KINDS:
        raise ValueError(f"{where}: kind must be general or licensed, got {e.get('kind')!r}")
    if e.get("category") not in cats:
        raise ValueError(f"{where}: category {str(e.get('category'))[:8]!r} is not one of the "
                         "catalogue's categories")
    initials = e.get("pinyin_initials")
    if not isinstance(initials, str) or not _INITIALS.match(initials):
        raise ValueError(f"{where}: pinyin_initials must be lower-case letters a-z")
    return ScopeEntry(code, _text(e.get("name"), f"{where} name", most=100),
                      _text(e.get("note", ""), f"{where} note", required=False, most=500),
                      e["kind"], e["category"],
                      _text(e.get("category_name"), f"{where} category_name", most=60),
                      _text(e.get("department", ""), f"{where} department", required=False,
                            most=100),
                      _flag(e.get("individual_allowed"), f"{where} individual_allowed"),
                      initials, _flag(e.get("confirmed", True), f"{where} confirmed"))


def _build_scope(data: Any) -> tuple[list[ScopeEntry], tuple[tuple[str, str], ...]]:
    """The rules of a business-scope catalogue: ``{"categories": {letter: name}, "entries":
    [...]}``; each entry has a unique code (our own scheme or the official one: capital letters
    and digits), a printable name, a kind (general or licensed), a category the catalogue names,
    booleans where booleans go and pinyin initials in a-z; at least one entry."""
    data = _object(data, "the catalogue")
    cats = _object(data.get("categories"), "categories")
    for letter, name in cats.items():
        if not re.match(r"^[A-Z]$", letter):
            raise ValueError(f"the category {letter[:8]!r} is not one capital letter")
        _text(name, f"category {letter}", most=60)
    raw = data.get("entries")
    if not isinstance(raw, list) or not raw:
        raise ValueError("entries must be a non-empty list")
    entries = [_scope_entry(e, cats, n) for n, e in enumerate(raw)]
    seen: set[str] = set()
    for e in entries:
        if e.code in seen:
            raise ValueError(f"the code {e.code} is used twice")
        seen.add(e.code)
    return entries, tuple(sorted(cats.items()))


@lru_cache(maxsize=1)
def _scope() -> _Scope:
    entries, cats = _source(SCOPE)
    by_code = {e.code: e for e in entries}
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


# ---------------------------------------------------------------- which file each one comes from

#: The catalogues a configuration bundle may replace, by their key in ``[catalogues]``.
SCOPE, REGIONS = "scope", "regions"
#: The most a replacement file may hold: the shipped regions file is some 0.8 MB, and the
#: platform's client reads at most 1 MiB of a repository file.
MAX_FILE_BYTES = 1024 * 1024
_SHIPPED = {SCOPE: ("business_scope.json", _build_scope), REGIONS: ("regions.json", _build_regions)}
_LABELS_ZH = {SCOPE: "经营范围目录", REGIONS: "行政区划目录"}
_in_use: dict[str, Path | None] = {SCOPE: None, REGIONS: None}
_fallen: list[Fallback] = []


@dataclass(frozen=True)
class Fallback:
    """A catalogue file that could not be used: the shipped catalogue stands in for it."""

    catalogue: str      # SCOPE or REGIONS
    path: Path
    reason: str         # what is wrong with the file (no personal data: catalogues hold none)

    @property
    def label_zh(self) -> str:
        return label_zh(self.catalogue)


def label_zh(catalogue: str) -> str:
    """A replaceable catalogue's name as the diagnostics and the readiness report say it."""
    return _LABELS_ZH[catalogue]


def use(*, scope: Path | None = None, regions: Path | None = None) -> list[Fallback]:
    """Say which file the scope and the regions catalogues come from (None: the shipped one),
    and drop what was cached from the files used before. Each file is read and checked now; one
    that is missing or malformed is not used (the shipped catalogue is) and is returned.
    Call it at start, before any lookup, and with no arguments to go back to the shipped ones.
    """
    chosen = {SCOPE: scope, REGIONS: regions}
    fell: list[Fallback] = []
    for kind, path in chosen.items():
        if path is not None:
            try:
                _file(kind, Path(path))
            except CatalogueError as exc:
                fell.append(Fallback(kind, Path(path), str(exc)))
                chosen[kind] = None
    _in_use.update(chosen)
    _fallen[:] = fell
    _regions.cache_clear()
    _scope.cache_clear()
    return fell


def in_use() -> dict[str, Path | None]:
    """The file each replaceable catalogue comes from now (None: the shipped one)."""
    return dict(_in_use)


def fallbacks() -> list[Fallback]:
    """The files the last ``use`` (or a lookup since) could not use: the shipped ones stand in."""
    return list(_fallen)


def check_file(catalogue: str, path: Path) -> None:
    """Check a replacement catalogue file by the rules of the shipped one.

    Args:
        catalogue: ``SCOPE`` or ``REGIONS``.
        path: the file (at most ``MAX_FILE_BYTES`` of UTF-8 JSON).
    Raises:
        CatalogueError: unreadable, too large, not JSON, or breaking a rule; the message says
            which, in English, for the audit log and the administrator.
    """
    _file(catalogue, Path(path))


RegionLookup = Callable[[str], "Region | None"]


def check(catalogue: str, raw: bytes, name: str) -> None:
    """``check_file`` for bytes in hand (``kiosk-admin`` checks exactly what it signs)."""
    if len(raw) > MAX_FILE_BYTES:
        raise CatalogueError(f"{name}: larger than {MAX_FILE_BYTES} bytes")
    _from_bytes(catalogue, raw, name)


def region_lookup(path: Path | None) -> RegionLookup:
    """``region`` over the regions file at ``path`` (None: the shipped catalogue), whatever
    ``use`` chose: a bundle's settings are checked against the regions the same bundle brings.

    Raises:
        CatalogueError: the file cannot be used.
    """
    table = _file(REGIONS, Path(path)) if path is not None else _parse(*_SHIPPED[REGIONS])
    return partial(_region_in, table)


def _source(kind: str) -> Any:
    path = _in_use[kind]
    if path is not None:
        try:
            return _file(kind, path)
        except CatalogueError as exc:   # changed on disk since ``use`` checked it
            _fallen.append(Fallback(kind, path, str(exc)))
            _in_use[kind] = None
    return _parse(*_SHIPPED[kind])


def _from_bytes(kind: str, raw: bytes, name: str) -> Any:
    """A replacement file's bytes built by the rules of the shipped catalogue ``kind``."""
    if kind not in _SHIPPED:
        raise CatalogueError(f"no catalogue is called {kind!r}; one of {SCOPE}, {REGIONS}")
    built = _built(name, _SHIPPED[kind][1], _decode(raw, name))
    if kind == REGIONS:
        _keeps_every_code(built, name)
    return built


def _keeps_every_code(table: dict[str, Region], name: str) -> None:
    """A replacement regions file may add codes and retire them (``current: false``), never drop
    one the shipped catalogue has: an ID number keeps the code it was issued under, abolished or
    not (domain.md §3, rule 4), and a dropped code would refuse every card that carries it."""
    if missing := _shipped_codes() - table.keys():
        raise CatalogueError(
            f"catalogue {name} drops {len(missing)} region code(s) of the shipped catalogue, "
            f"such as {min(missing)}; ID numbers still carry them: keep each one, with "
            "\"current\": false if the region is abolished")


@lru_cache(maxsize=1)
def _shipped_codes() -> frozenset[str]:
    return frozenset(_parse(*_SHIPPED[REGIONS]))


def _file(kind: str, path: Path) -> Any:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    return _file_cached(kind, str(path), (st.st_ino, st.st_size, st.st_mtime_ns))


@lru_cache(maxsize=4)   # keyed on the file's identity, size and time: a changed file is read again
def _file_cached(kind: str, path: str, _stamp: tuple[int, int, int]) -> Any:
    return _from_bytes(kind, _read_limited(Path(path)), Path(path).name)


def _read_limited(path: Path) -> bytes:
    """A regular file's bytes, at most ``MAX_FILE_BYTES``; a FIFO or device is refused unread."""
    try:
        return assets.read_regular(path, MAX_FILE_BYTES)
    except assets.FileRefused as exc:
        raise CatalogueError(str(exc)) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a value a catalogue may hold")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        again = next(k for k, _ in pairs if k in seen or seen.add(k))   # type: ignore[func-returns-value]
        raise ValueError(f"the key {again[:20]!r} appears twice")
    return out


def _decode(raw: bytes, name: str) -> Any:
    """JSON of a replacement file: UTF-8, no NaN or infinity, no key twice. Nesting deeper than
    the parser's recursion limit is a RecursionError, and any nesting a catalogue does not
    have is refused by the builders' types."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as exc:
        raise CatalogueError(f"{name}: not a usable JSON catalogue: {exc}") from None
