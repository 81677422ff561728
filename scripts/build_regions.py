"""Build ``assets/catalogues/regions.json`` from python-stdnum's GB/T 2260 table.

What it does: reads ``stdnum/cn/loc.dat`` from the installed python-stdnum (a numdb
file: a two-digit province line ``37 province="山东省"`` followed by indented four-digit
lines ``  0323 county="[1989-]沂源县"``, where a county value may list several names,
each with an optional ``[start-end]`` year range), resolves every six-digit code to its
county, city (``pp cc 00``) and province (``pp 00 00``) names, keeps former names, marks
whether the code is still in use, and adds the HK/Macau/Taiwan residence-permit codes.

What it does not do: it keeps no year ranges. A region code is where an ID number was
first issued, which is often years after birth, so years must not be used to reject
numbers. It does not download anything; re-run it after upgrading python-stdnum.

Run: ``.venv/bin/python scripts/build_regions.py``
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import stdnum

OUT = Path(__file__).resolve().parent.parent / "assets" / "catalogues" / "regions.json"
SRC = Path(stdnum.__file__).resolve().parent / "cn" / "loc.dat"

_LINE = re.compile(r'^(?P<indent>\s*)(?P<prefix>\d+)\s+(?P<key>\w+)="(?P<value>[^"]*)"\s*$')
_NAME = re.compile(r"^(?:\[(?P<start>\d*)-(?P<end>\d*)\])?(?P<name>.+)$")

# City-level rows that are placeholders, not a real city name (直辖市的"市辖区"/"县",
# 省直辖县级行政区划): a full name should skip them.
PLACEHOLDER_CITIES = {"市辖区", "县", "市", "省直辖县级行政区划", "自治区直辖县级行政区划",
                      "省直辖县级行政单位", "省直辖行政单位", "自治区直辖县级行政单位"}

# The residence permit for HK/Macau/Taiwan residents (港澳台居民居住证) uses these
# address codes; they are not GB/T 2260 county codes (Taiwan is 710000 there).
HMT = {
    "810000": ("香港特别行政区", "港澳台居民居住证使用的地址码（香港）；不是 GB/T 2260 的县级代码。"),
    "820000": ("澳门特别行政区", "港澳台居民居住证使用的地址码（澳门）；不是 GB/T 2260 的县级代码。"),
    "830000": ("台湾地区", "港澳台居民居住证使用的地址码（台湾）；GB/T 2260 中台湾省为 710000。"),
}


# Rows the source lists without a year range although they are no longer in use
# (checked against the current rows that replaced them: 421300/429021).
RETIRED_OVERRIDES = {
    "429001": "随州市: a prefecture-level city 421300 since 2000",
    "422900": "林区: the 神农架林区 row moved to 429021",
    "422921": "神农架林区: now 429021",
}


def parse_names(value: str) -> tuple[str, list[str], bool]:
    """Split ``[-1991]东郊区,[1992-]东丽区`` into (latest name, former names, current).

    A code is current when its last name has no end year.
    """
    names: list[str] = []
    current = True
    for part in value.split(","):
        m = _NAME.match(part.strip())
        if not m:
            raise ValueError(f"unreadable name entry: {part!r}")
        names.append(m.group("name"))
        current = not m.group("end")
    latest = names[-1]
    former = [n for n in dict.fromkeys(names[:-1]) if n != latest]
    return latest, former, current


def read_table(path: Path) -> dict[str, tuple[str, list[str], bool]]:
    """Return {six-digit code: (name, former names, current)} from a loc.dat file."""
    table: dict[str, tuple[str, list[str], bool]] = {}
    province = ""
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        m = _LINE.match(raw)
        if not m:
            raise ValueError(f"{path}:{lineno}: unexpected line {raw!r}")
        if not m.group("indent"):
            if m.group("key") != "province" or len(m.group("prefix")) != 2:
                raise ValueError(f"{path}:{lineno}: expected a province line")
            province = m.group("prefix")
            continue
        if m.group("key") != "county" or len(m.group("prefix")) != 4 or not province:
            raise ValueError(f"{path}:{lineno}: expected a county line")
        code = province + m.group("prefix")
        name, former, current = parse_names(m.group("value"))
        table[code] = (name, former, current and code not in RETIRED_OVERRIDES)
    return table


def build() -> dict:
    table = read_table(SRC)
    regions: dict[str, dict] = {}
    for code, (name, former, current) in sorted(table.items()):
        prov = table.get(code[:2] + "0000")
        city = table.get(code[:4] + "00") if code[2:4] != "00" else None
        entry: dict = {
            "name": name,
            "city": "" if city is None or code.endswith("00") or city[0] in PLACEHOLDER_CITIES
            else city[0],
            "province": prov[0] if prov else "",
            "current": current,
        }
        if code.endswith("0000"):
            entry["level"] = "province"
            entry["province"] = name
        elif code.endswith("00"):
            entry["level"] = "city"
        else:
            entry["level"] = "county"
        if former:
            entry["former_names"] = former
        if city and city[1] and entry["level"] == "county":
            entry["city_former_names"] = city[1]
        regions[code] = entry
    for code, (name, note) in HMT.items():
        regions[code] = {"name": name, "city": "", "province": name, "current": True,
                         "level": "province", "note": note}
    return {
        "_source": (
            "Built by scripts/build_regions.py from python-stdnum "
            f"{stdnum.__version__} stdnum/cn/loc.dat, which its header says was taken from "
            "zh.wikipedia '中华人民共和国行政区划代码' (GB/T 2260, with historic codes). "
            "Year ranges are dropped on purpose. 810000/820000/830000 are the "
            "港澳台居民居住证 address codes (domain.md §2.4, [S] cidian.kuaisou.com), added "
            "by hand. 429001/422900/422921 are marked retired by hand (RETIRED_OVERRIDES), as "
            "the source gives them no end year although newer rows replace them. UNCONFIRMED: completeness against the official MCA list; codes "
            "created after the stdnum release are missing; names of retired codes are the "
            "last name the table gives."
        ),
        "regions": regions,
    }


def main() -> int:
    data = build()
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    print(f"wrote {len(data['regions'])} regions to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
