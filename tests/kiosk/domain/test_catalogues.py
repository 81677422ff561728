"""Tests for kiosk.domain.catalogues and the shipped catalogue files."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin

import assets
from kiosk.domain import catalogues as cat

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE_FILES = ["regions.json", "ethnic_groups.json", "org_forms.json", "industry_terms.json",
                   "forbidden_name_words.json", "business_scope.json"]
PROVINCES = ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
             "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
             "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
             "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区"]


# ---------------------------------------------------------------- files

@pytest.mark.parametrize("name", CATALOGUE_FILES)
def test_every_catalogue_names_its_source(name):
    data = assets.load_json("catalogues", name)
    assert isinstance(data["_source"], str) and len(data["_source"]) > 40


@pytest.mark.parametrize("script", ["build_scope.py"])
def test_generated_file_is_what_the_script_writes(script):
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--check"],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr


def test_regions_file_matches_the_builder():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_regions
    finally:
        sys.path.pop(0)
    assert build_regions.build()["regions"] == assets.load_json("catalogues", "regions.json")["regions"]


# ---------------------------------------------------------------- regions

def test_every_province_is_present_and_current():
    names = {r.name for r in cat.regions_in("")}
    assert set(PROVINCES) <= names
    for code in ("110000", "370000", "650000"):
        assert cat.region(code).level == "province"


def test_county_resolves_through_its_city_and_province():
    r = cat.region("370323")
    assert (r.name, r.city, r.province, r.current) == ("沂源县", "淄博市", "山东省", True)
    assert r.full_name == "山东省淄博市沂源县"


@pytest.mark.parametrize("code,name,full", [
    ("110103", "崇文区", "北京市崇文区"),      # merged into 东城区 in 2010
    ("370181", "章丘市", "山东省济南市章丘市"),  # became 章丘区 (370114) in 2016
    ("429001", "随州市", "湖北省随州市"),        # hand override: no end year in the source
])
def test_retired_codes_still_resolve_so_old_id_numbers_match(code, name, full):
    r = cat.region(code)
    assert r is not None and r.name == name and not r.current
    assert r.full_name == full


def test_renamed_code_keeps_its_former_name():
    r = cat.region("120110")
    assert r.name == "东丽区" and "东郊区" in r.former_names and r.current


def test_many_retired_codes_are_kept():
    data = assets.load_json("catalogues", "regions.json")["regions"]
    assert len(data) > 6000
    assert sum(not v["current"] for v in data.values()) > 2000


def test_no_birth_year_ranges_are_stored():
    text = (ROOT / "assets" / "catalogues" / "regions.json").read_text(encoding="utf-8")
    assert not re.search(r"\[\d{0,4}-\d{0,4}\]", text)


@pytest.mark.parametrize("code,name", [("810000", "香港特别行政区"), ("820000", "澳门特别行政区"),
                                       ("830000", "台湾地区")])
def test_residence_permit_codes_have_a_note_and_stay_out_of_pickers(code, name):
    r = cat.region(code)
    assert r.name == name and "居住证" in r.note
    assert code not in {x.code for x in cat.regions_in("")}


def test_pickers_walk_province_city_county():
    cities = cat.regions_in("37")
    assert "淄博市" in [c.name for c in cities] and all(c.level == "city" for c in cities)
    counties = cat.regions_in("3703")
    assert "沂源县" in [c.name for c in counties]
    assert all(c.current and c.code.startswith("3703") for c in counties)
    assert [r.code for r in counties] == sorted(r.code for r in counties)


def test_municipality_lists_districts_not_placeholders():
    names = [r.name for r in cat.regions_in("11")]
    assert "东城区" in names and "市辖区" not in names and "崇文区" not in names
    assert "崇文区" in [r.name for r in cat.regions_in("11", include_retired=True)]


def test_directly_administered_county_cities_are_listed_with_the_province():
    names = [r.name for r in cat.regions_in("42")]
    assert {"仙桃市", "神农架林区", "武汉市"} <= set(names)
    assert len(names) == len(set(names))
    assert cat.region("429004").full_name == "湖北省仙桃市"


@pytest.mark.parametrize("bad", ["", "37032", "3703234", "37O323", "３７０３２３", None, 370323,
                                 "999999", " "])
def test_region_rejects_garbage(bad):
    assert cat.region(bad) is None


@pytest.mark.parametrize("bad", ["3", "370", "abc", "3703x", "９９", None, "12345678"])
def test_regions_in_rejects_garbage(bad):
    assert cat.regions_in(bad) == []


def test_region_strips_spaces():
    assert cat.region(" 370323 ").name == "沂源县"


@given(st.text(max_size=10))
def test_region_never_raises(s):
    r = cat.region(s)
    assert r is None or r.code == s.strip()


# ---------------------------------------------------------------- ethnic groups

def test_ethnic_groups():
    assert cat.ethnic_group("01").display == "汉族"
    assert cat.ethnic_group("1") == cat.ethnic_group("01")
    assert cat.ethnic_group("46").name == "德昂"
    assert cat.ethnic_group("98") is not None
    assert len(cat.ethnic_groups()) == 58
    for bad in ("57", "", "x1", "001", "０１", None):
        assert cat.ethnic_group(bad) is None


# ---------------------------------------------------------------- scope catalogue

def test_scope_has_enough_real_entries_across_sectors():
    entries = cat.scope_entries()
    assert len(entries) >= 160
    cats = {e.category for e in entries}
    # retail, catering, services, repair, agriculture, IT, logistics, construction, culture
    assert {"F", "H", "O", "A", "I", "G", "E", "R", "L", "M"} <= cats
    assert sum(e.licensed for e in entries) >= 40


def test_every_scope_entry_is_well_formed():
    codes = set()
    cat_names = dict(cat.scope_categories())
    for e in cat.scope_entries():
        assert re.fullmatch(r"[A-T]\d{3}", e.code) and e.code[0] == e.category
        assert e.code not in codes
        codes.add(e.code)
        assert e.kind in ("general", "licensed")
        assert e.category_name == cat_names[e.category]
        assert e.name and e.note and e.name == e.name.strip()
        assert e.pinyin_initials == "".join(
            p for p in lazy_pinyin(e.name, style=Style.FIRST_LETTER, errors="ignore")).lower()
        assert re.fullmatch(r"[a-z]+", e.pinyin_initials)
        assert cat.scope_entry(e.code) == e


def test_licensed_items_carry_a_department_and_general_items_none():
    for e in cat.scope_entries():
        if e.licensed:
            assert e.department.endswith(("部门", "局", "机关")), e
        else:
            assert e.department == "", e


@pytest.mark.parametrize("name,kind", [
    ("日用百货销售", "general"), ("食品销售（仅销售预包装食品）", "general"), ("软件开发", "general"),
    ("机动车修理和维护", "general"), ("食品销售", "licensed"), ("烟草制品零售", "licensed"),
    ("道路货物运输（不含危险货物）", "licensed"), ("小餐饮", "licensed"), ("药品零售", "licensed"),
    ("第二类增值电信业务", "licensed"),
])
def test_known_kinds(name, kind):
    [e] = [e for e in cat.scope_entries() if e.name == name]
    assert e.kind == kind


def test_enterprise_only_items_are_closed_to_individual_businesses():
    by_name = {e.name: e for e in cat.scope_entries()}
    for name in ("第二类增值电信业务", "快递服务", "劳务派遣服务", "建设工程施工"):
        assert by_name[name].individual_allowed is False
    assert by_name["日用百货销售"].individual_allowed is True
    assert all(e.licensed for e in by_name.values() if not e.individual_allowed)


def test_tobacco_department():
    [e] = cat.search_scope("烟草制品零售", limit=1)
    assert "烟草" in e.department


def test_scope_categories_are_sorted_letters_with_names():
    cats = cat.scope_categories()
    assert [c for c, _ in cats] == sorted(c for c, _ in cats)
    assert ("F", "批发和零售业") in cats
    assert all(cat.scope_entries(c) for c, _ in cats)


def test_scope_entry_lookup():
    assert cat.scope_entry("f001") == cat.scope_entry("F001")
    for bad in ("", "Z999", "F0011", None, 1):
        assert cat.scope_entry(bad) is None


# ---------------------------------------------------------------- search

def test_pinyin_initials_find_the_entry_first():
    assert cat.search_scope("rbh")[0].name == "日用百货销售"
    assert cat.search_scope("rybhxs")[0].name == "日用百货销售"
    assert cat.search_scope("lffw")[0].name == "理发服务"
    assert cat.search_scope("RJKF")[0].name == "软件开发"


def test_keyword_ranks_whole_name_before_substring():
    names = [e.name for e in cat.search_scope("食品销售")]
    assert names[0] == "食品销售"
    assert "食品销售（仅销售预包装食品）" in names


def test_keyword_matches_note_too():
    assert "家政服务" in [e.name for e in cat.search_scope("保洁")]
    assert "机动车修理和维护" in [e.name for e in cat.search_scope("保养")]


def test_all_terms_must_match():
    res = cat.search_scope("销售 食品")
    assert res and all("销售" in e.name + e.note and "食品" in e.name + e.note for e in res)
    assert cat.search_scope("食品 不存在的词") == []


def test_full_width_and_half_width_are_the_same():
    assert cat.search_scope("食品销售(仅销售预包装食品)")[0].name == "食品销售（仅销售预包装食品）"
    assert cat.search_scope("ＲＢＨ") == cat.search_scope("rbh")
    assert cat.search_scope("　百货　") == cat.search_scope("百货")


def test_limit():
    assert len(cat.search_scope("销售", limit=3)) == 3
    assert cat.search_scope("销售", limit=0) == []
    assert len(cat.search_scope("销售", limit=1000)) == len(cat.search_scope("销售", limit=10_000))


@pytest.mark.parametrize("q", ["", "   ", "\n\t", "😀", "🙂🙂🙂", "x" * 10_000, "销售" * 100,
                               "'; DROP TABLE scope; --", "\x00", "\ud800", "%", ".*", None, 42])
def test_garbage_queries_return_nothing_or_sense(q):
    res = cat.search_scope(q)
    assert isinstance(res, list)
    assert res == [] or all(isinstance(e, cat.ScopeEntry) for e in res)


def _initials_subsequence(term: str, initials: str) -> bool:
    it = iter(initials)
    return all(ch in it for ch in term)


_QUERY = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzＡＢＣ ", max_size=6),
    st.sampled_from(["百货", "销售", "服务", "维修", "种植", "技术", "餐饮", "食品 销售", "零售"]),
)


@settings(max_examples=300, deadline=None)
@given(_QUERY, st.integers(min_value=-5, max_value=50))
def test_search_never_raises_and_results_contain_the_query(q, limit):
    res = cat.search_scope(q, limit)
    assert len(res) <= max(limit, 0)
    assert len({e.code for e in res}) == len(res)
    terms = cat.normalize_query(q).split()
    for e in res:
        name = unicodedata.normalize("NFKC", e.name).lower()
        note = unicodedata.normalize("NFKC", e.note).lower()
        for t in terms:
            assert t in name or t in note or _initials_subsequence(t, e.pinyin_initials), (t, e)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(cat.scope_entries()))
def test_every_entry_is_found_by_its_own_name_and_initials(e):
    assert cat.search_scope(e.name)[0] == e
    assert e in cat.search_scope(e.pinyin_initials, limit=300)


# ---------------------------------------------------------------- names

def test_org_forms_per_subject_type():
    ind = cat.org_forms("individual_business")
    assert {"店", "厂", "馆", "部", "行", "中心"} <= set(ind.suffixes)
    assert "工作室" in ind.unconfirmed_suffixes and "工作室" not in ind.suffixes
    assert set(ind.banned_words) == {"企业", "公司", "农民专业合作社"}
    assert ind.name_optional and not ind.suffixes_exhaustive
    sole = cat.org_forms("sole_proprietorship")
    assert sole.banned_in("沂源县老王商贸有限责任公司") == ["有限责任", "有限", "公司"]
    assert sole.banned_in("沂源县老王商行") == []
    llc = cat.org_forms("natural_person_llc")
    assert llc.suffix_of("淄博老王科技有限公司") == "有限公司"
    assert llc.suffix_of("淄博老王科技有限责任公司") == "有限责任公司"
    assert llc.suffix_of("淄博老王科技中心") is None
    br = cat.org_forms("branch")
    assert br.requires_parent_name and br.suffix_of("淄博老王科技有限公司沂源分公司") == "分公司"
    assert ind.suffix_of("沂源县老王摄影工作室") == "工作室"
    assert all(f.note_zh for f in map(cat.org_forms, ["individual_business", "sole_proprietorship",
                                                     "natural_person_llc", "branch"]))


def test_org_forms_accepts_enum_and_rejects_unknown():
    import enum

    class T(enum.Enum):
        LLC = "natural_person_llc"
    assert cat.org_forms(T.LLC).label.startswith("有限责任公司")
    with pytest.raises(KeyError):
        cat.org_forms("partnership")


def test_industry_terms_reference_real_scope_entries_in_their_categories():
    terms = cat.industry_terms()
    assert len(terms) >= 60
    for word in ("餐饮", "小吃", "商贸", "百货", "超市", "五金", "科技", "软件", "物流", "摄影",
                 "电子商务", "养殖", "家政服务", "美容美发", "汽车维修"):
        assert word in terms
    for t in terms.values():
        assert t.categories and t.scope_codes
        for code in t.scope_codes:
            assert cat.scope_entry(code) is not None, (t.term, code)
    assert terms["面馆"].canonical == "餐饮"


def test_industry_agreement():
    by_name = {e.name: e for e in cat.scope_entries()}
    food = cat.industry_terms()["餐饮"]
    assert food.agrees_with(by_name["小餐饮"]) and food.agrees_with(by_name["餐饮管理"])
    assert not food.agrees_with(by_name["软件开发"])
    assert cat.industry_term_in("沂源县老王面馆").canonical == "餐饮"
    assert cat.industry_term_in("淄博老王网络科技有限公司").term == "网络科技"
    assert cat.industry_term_in("老王") is None and cat.industry_term_in("") is None


def test_forbidden_words_by_article_with_reasons():
    words = cat.forbidden_words()
    by_word = {w.word: w for w in words}
    for w in ("中国", "中华", "中央", "全国", "国家"):
        assert by_word[w].severity == "needs_approval" and by_word[w].article == "第十二条"
    for w in ("共产党", "人大", "政协", "解放军", "武警", "公安", "赌场", "博彩", "色情", "算命",
              "联合国", "美国"):
        assert by_word[w].severity == "forbidden" and by_word[w].article.startswith("第十一条")
    assert all(re.search(r"[\u4e00-\u9fff]", w.reason_zh) and w.reason_zh.endswith("。")
               for w in words)
    assert len(by_word) == len(words)


def test_forbidden_words_in_name():
    assert [w.word for w in cat.forbidden_words_in("沂源县老王博彩中心")] == ["博彩"]
    assert cat.forbidden_words_in("沂源县老王面馆") == []
    assert {w.word for w in cat.forbidden_words_in("中华老王商贸")} == {"中华"}
    assert cat.forbidden_words_in("") == [] and cat.forbidden_words_in(None) == []


# ---------------------------------------------------------------- errors

_LOADERS = [
    (cat._regions, lambda: cat.region("370323")),
    (cat._ethnic, lambda: cat.ethnic_group("01")),
    (cat._scope, lambda: cat.search_scope("百货")),
    (cat._org_forms, lambda: cat.org_forms("branch")),
    (cat._industry, lambda: cat.industry_terms()),
    (cat._forbidden, lambda: cat.forbidden_words()),
]


@pytest.mark.parametrize("payload", [
    json.JSONDecodeError("bad", "", 0), FileNotFoundError("gone"), [1, 2], {"_source": "x"},
    {"regions": {"1": 2}, "groups": [{}], "entries": [{"code": "F001", "bogus": 1}],
     "categories": {}, "subject_types": {"branch": {"bogus": 1}}, "terms": {"x": 1},
     "words": ["x"]},
])
@pytest.mark.parametrize("cache,call", _LOADERS)
def test_malformed_catalogue_raises_catalogue_error(monkeypatch, payload, cache, call):
    def load(*parts):
        if isinstance(payload, Exception):
            raise payload
        return payload
    cache.cache_clear()
    monkeypatch.setattr(cat.assets, "load_json", load)
    try:
        with pytest.raises(cat.CatalogueError):
            call()
    finally:
        cache.cache_clear()
