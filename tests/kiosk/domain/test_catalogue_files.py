"""Replacement catalogue files (a bundle's 经营范围 and 行政区划): the switch in
``catalogues.use`` and the rules every file meets, the shipped ones included.

Real files in a temporary folder, read by the real loader; garbage of every kind is refused
with a ``CatalogueError`` that says what is wrong, never another exception.
"""
from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import assets
from kiosk.domain import catalogues as cat
from kiosk.domain import identifiers
from kiosk.domain import scope
from kiosk.domain.subject_types import INDIVIDUAL_BUSINESS

NEW_ENTRY = {"code": "I901", "name": "元宇宙场景设计服务", "note": "虚拟空间的场景与交互设计",
             "kind": "general", "category": "I", "category_name": "信息传输、软件和信息技术服务业",
             "department": "", "individual_allowed": True, "pinyin_initials": "yyzcjsjfw"}
NEW_COUNTY = {"name": "钱塘区", "city": "杭州市", "province": "浙江省", "current": True,
              "level": "county"}


@pytest.fixture(autouse=True)
def shipped_again():
    yield
    cat.use()          # every test leaves the process on the shipped catalogues


def shipped(name: str) -> dict:
    return copy.deepcopy(assets.load_json("catalogues", name))


def write(tmp: Path, doc: object, name: str = "cat.json") -> Path:
    path = tmp / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False),
                    encoding="utf-8")
    return path


def scope_with(*entries: dict) -> dict:
    doc = shipped("business_scope.json")
    doc["entries"].extend(entries)
    return doc


def regions_with(**codes: dict) -> dict:
    doc = shipped("regions.json")
    doc["regions"].update(codes)
    return doc


def regions_without(*codes: str) -> dict:
    doc = shipped("regions.json")
    for code in codes:
        del doc["regions"][code]
    return doc


# ---------------------------------------------------------------- the switch

def test_a_scope_file_in_use_is_searched_and_the_shipped_one_comes_back(tmp_path):
    assert cat.search_scope("元宇宙") == [] and cat.scope_entry("I901") is None
    assert cat.use(scope=write(tmp_path, scope_with(NEW_ENTRY))) == []
    assert [e.code for e in cat.search_scope("元宇宙")] == ["I901"]
    assert cat.search_scope("yyzcjsjfw")[0].code == "I901"                  # pinyin initials
    assert scope.scope_problems(["I901"], INDIVIDUAL_BUSINESS) == []       # the page's rule
    assert cat.in_use()[cat.SCOPE] == tmp_path / "cat.json"
    cat.use()
    assert cat.search_scope("元宇宙") == [] and cat.in_use() == {"scope": None, "regions": None}


def test_a_regions_file_in_use_answers_region_lookups(tmp_path):
    assert cat.region("330114") is None
    cat.use(regions=write(tmp_path, regions_with(**{"330114": NEW_COUNTY})))
    assert cat.region("330114").full_name == "浙江省杭州市钱塘区"
    assert "330114" in {r.code for r in cat.regions_in("3301")}
    assert cat.region("330106").name == "西湖区"                              # the rest stays


def test_a_region_abolished_in_a_replacement_stays_known_to_the_card_check(tmp_path):
    # An ID number keeps the code it was issued under: a replacement retires a code, never drops
    # it, and a card that carries it is still a card of that region.
    doc = shipped("regions.json")
    doc["regions"]["330106"]["current"] = False
    cat.use(regions=write(tmp_path, doc))
    assert cat.fallbacks() == [] and cat.region("330106").current is False
    assert "330106" not in {r.code for r in cat.regions_in("3301")}          # pickers skip it
    assert "330106" in {r.code for r in cat.regions_in("3301", include_retired=True)}
    first17 = "33010619900101001"
    check = identifiers.validate_id_number(first17 + identifiers.id_check_char(first17))
    assert check.valid and check.region_name == "浙江省杭州市西湖区"


def test_a_damaged_file_falls_back_to_the_shipped_catalogue_and_says_so(tmp_path):
    bad = write(tmp_path, '{"categories": {}, "entries": [', "scope.json")
    fell = cat.use(scope=bad, regions=tmp_path / "missing.json")
    assert [(f.catalogue, f.label_zh) for f in fell] == [("scope", "经营范围目录"),
                                                         ("regions", "行政区划目录")]
    assert "not a usable JSON catalogue" in fell[0].reason and "cannot be read" in fell[1].reason
    assert cat.fallbacks() == fell and cat.in_use() == {"scope": None, "regions": None}
    assert cat.search_scope("百货") and cat.region("330106") is not None    # shipped answers


def test_a_file_changed_on_disk_since_use_falls_back_at_the_next_lookup(tmp_path):
    path = write(tmp_path, scope_with(NEW_ENTRY))
    cat.use(scope=path)
    path.write_text("[]", encoding="utf-8")
    cat._scope.cache_clear()              # as a new process would read it
    assert cat.scope_entry("I901") is None and cat.search_scope("百货")
    assert [f.catalogue for f in cat.fallbacks()] == ["scope"]


def test_region_lookup_reads_the_file_it_is_given_whatever_is_in_use(tmp_path):
    lookup = cat.region_lookup(write(tmp_path, regions_with(**{"330114": NEW_COUNTY})))
    assert lookup("330114").name == "钱塘区" and cat.region("330114") is None
    assert cat.region_lookup(None)("330114") is None


@pytest.mark.parametrize("name,kind", [("business_scope.json", cat.SCOPE),
                                       ("regions.json", cat.REGIONS)])
def test_the_shipped_files_meet_the_rules_of_a_replacement(name, kind):
    cat.check_file(kind, assets.path("catalogues", name))


# ---------------------------------------------------------------- garbage

def _scope_entry(**change) -> dict:
    return scope_with({**NEW_ENTRY, **change})


SCOPE_GARBAGE = {
    "not an object": ([1, 2], "must be an object"),
    "no entries": ({"categories": {"A": "农业"}, "entries": []}, "non-empty list"),
    "wrong type": (_scope_entry(individual_allowed="yes"), "must be true or false"),
    "name a number": (_scope_entry(name=7), "name must be text"),
    "no name": (_scope_entry(name=""), "name is empty"),
    "no code": ({**scope_with(), "entries": [{k: v for k, v in NEW_ENTRY.items()
                                               if k != "code"}]}, "code must be"),
    "code with a space": (_scope_entry(code="I 901"), "code must be"),
    "bell in a name": (_scope_entry(name="元宇宙\u0007服务"), "control character U+0007"),
    "bidi override": (_scope_entry(name="\u202e务服"), "control character U+202E"),
    "unknown kind": (_scope_entry(kind="banned"), "kind must be general or licensed"),
    "unknown category": (_scope_entry(category="Z"), "not one of the catalogue's categories"),
    "unknown key": (_scope_entry(price=3), "unknown key 'price'"),
    "initials not letters": (_scope_entry(pinyin_initials="YY1"), "pinyin_initials"),
    "duplicate code": (_scope_entry(code="A001"), "the code A001 is used twice"),
    "over-long name": (_scope_entry(name="服" * 101), "longer than 100"),
}
REGION_GARBAGE = {
    "five digits": (regions_with(**{"33011": NEW_COUNTY}), "is not six digits"),
    "letters": (regions_with(**{"33011x": NEW_COUNTY}), "is not six digits"),
    "wrong level": (regions_with(**{"330114": {**NEW_COUNTY, "level": "city"}}),
                    "level must be 'county'"),
    "no province": (regions_with(**{"990101": NEW_COUNTY}), "its province 990000"),
    "current a string": (regions_with(**{"330114": {**NEW_COUNTY, "current": "true"}}),
                         "current must be true or false"),
    "control in a name": (regions_with(**{"330114": {**NEW_COUNTY, "name": "钱\u0000塘区"}}),
                          "control character U+0000"),
    "no regions": ({"_source": "x"}, "regions must be an object"),
    "a code dropped": (regions_without("330106"), "drops 1 region code(s) of the shipped "
                       "catalogue, such as 330106"),
    "nothing current": ({"regions": {"110000": {**NEW_COUNTY, "level": "province",
                                                "current": False}}}, "no region is current"),
}


@pytest.mark.parametrize("case", sorted(SCOPE_GARBAGE))
def test_a_bad_scope_file_is_refused_with_its_reason(tmp_path, case):
    doc, says = SCOPE_GARBAGE[case]
    with pytest.raises(cat.CatalogueError, match=None) as caught:
        cat.check_file(cat.SCOPE, write(tmp_path, doc))
    assert says in str(caught.value)
    assert cat.use(scope=tmp_path / "cat.json")[0].reason == str(caught.value)


@pytest.mark.parametrize("case", sorted(REGION_GARBAGE))
def test_a_bad_regions_file_is_refused_with_its_reason(tmp_path, case):
    doc, says = REGION_GARBAGE[case]
    with pytest.raises(cat.CatalogueError) as caught:
        cat.check_file(cat.REGIONS, write(tmp_path, doc))
    assert says in str(caught.value)


@pytest.mark.parametrize("text,says", [
    ('{"regions": {"110000": NaN}}', "NaN is not a value"),
    ('{"regions": {"110000": Infinity}}', "Infinity is not a value"),
    ('{"regions": {"330114": {}, "330114": {}}}', "the key '330114' appears twice"),
    ("[" * 100_000 + "]" * 100_000, "recursion"),
    ('{"regions": ', "not a usable JSON catalogue"),
])
@pytest.mark.parametrize("kind", [cat.SCOPE, cat.REGIONS])
def test_json_that_no_catalogue_holds_is_refused(tmp_path, text, says, kind):
    with pytest.raises(cat.CatalogueError, match=says):
        cat.check_file(kind, write(tmp_path, text))


def test_files_too_large_not_utf8_or_not_regular_are_refused_unread(tmp_path):
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)        # 50 MB (sparse): refused after 1 MiB read
    with pytest.raises(cat.CatalogueError, match="larger than 1048576 bytes"):
        cat.check_file(cat.REGIONS, huge)
    (tmp_path / "latin.json").write_bytes(b'{"regions": {"\xff": 1}}')
    with pytest.raises(cat.CatalogueError, match="not UTF-8"):
        cat.check_file(cat.REGIONS, tmp_path / "latin.json")
    os.mkfifo(tmp_path / "fifo.json")        # never blocks waiting for a writer
    with pytest.raises(cat.CatalogueError, match="not a regular file"):
        cat.check_file(cat.SCOPE, tmp_path / "fifo.json")
    with pytest.raises(cat.CatalogueError, match="no catalogue is called"):
        cat.check_file("ethnic", tmp_path / "latin.json")
    with pytest.raises(cat.CatalogueError, match="larger than"):
        cat.check(cat.SCOPE, b" " * (cat.MAX_FILE_BYTES + 1), "big.json")


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=8),
                    lambda kids: st.lists(kids, max_size=4)
                    | st.dictionaries(st.text(max_size=8), kids, max_size=4), max_leaves=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=JSON, kind=st.sampled_from([cat.SCOPE, cat.REGIONS]),
       where=st.sampled_from(["top", "entry", "region"]))
def test_any_json_is_a_catalogue_or_a_catalogue_error(doc, kind, where):
    if where == "entry":
        doc = {"categories": {"I": "信息"}, "entries": [doc]}
    elif where == "region":
        doc = {"regions": {"110000": doc}}
    try:
        cat.check(kind, json.dumps(doc).encode(), "fuzz.json")
    except cat.CatalogueError:
        pass
