"""Maintain ``assets/catalogues/business_scope.json``: codes, category names, pinyin initials.

What it does: reads the catalogue (the JSON file is its own source list; edit entries
there), gives every entry without a ``code`` a new stable code of our own scheme (the
GB/T 4754 门类 letter + a three-digit serial, never reusing or renumbering an existing
code), fills ``category_name`` from the 门类 table, recomputes ``pinyin_initials`` from
the name with pypinyin, checks every entry, and writes the file back in a stable order.

What it does not do: it does not fetch the official SAMR catalogue; when a provincial
data file of 《经营范围规范表述目录》 is available it replaces this file, codes included.

Run: ``.venv/bin/python scripts/build_scope.py`` (``--check`` only verifies, exit 1 if the
file is not what the script would write).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from pypinyin import Style, lazy_pinyin

PATH = Path(__file__).resolve().parent.parent / "assets" / "catalogues" / "business_scope.json"

# GB/T 4754-2017 国民经济行业分类, 门类 A–T.
CATEGORIES = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}
KINDS = ("general", "licensed")
_CODE = re.compile(r"^[A-T]\d{3}$")


def initials(name: str) -> str:
    """Lower-case pinyin initials of the Han characters in ``name`` (others dropped)."""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(ch for part in letters for ch in part.lower() if "a" <= ch <= "z")


def check_entry(e: dict) -> None:
    """Raise ValueError when an entry is not well-formed."""
    if not _CODE.match(e.get("code", "")):
        raise ValueError(f"bad code in {e}")
    if e["category"] not in CATEGORIES or not e["code"].startswith(e["category"]):
        raise ValueError(f"bad category in {e}")
    if e["kind"] not in KINDS:
        raise ValueError(f"bad kind in {e}")
    if not e["name"] or not e["note"]:
        raise ValueError(f"empty name or note in {e}")
    if (e["kind"] == "licensed") != bool(e["department"]):
        raise ValueError(f"department must be set exactly for licensed items: {e}")
    if not isinstance(e["individual_allowed"], bool) or not isinstance(e["confirmed"], bool):
        raise ValueError(f"flags must be booleans: {e}")


def rebuild(data: dict) -> dict:
    entries = data["entries"]
    names = [e["name"] for e in entries]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"duplicate names: {sorted(dupes)}")
    used = {e["code"] for e in entries if e.get("code")}
    if len(used) != sum(1 for e in entries if e.get("code")):
        raise ValueError("duplicate codes")
    serial: dict[str, int] = {}
    for code in used:
        serial[code[0]] = max(serial.get(code[0], 0), int(code[1:]))
    out = []
    for e in entries:
        cat = e["category"]
        if not e.get("code"):
            serial[cat] = serial.get(cat, 0) + 1
            e["code"] = f"{cat}{serial[cat]:03d}"
        out.append({
            "code": e["code"],
            "name": e["name"],
            "note": e["note"],
            "kind": e["kind"],
            "category": cat,
            "category_name": CATEGORIES.get(cat, ""),
            "department": e.get("department", ""),
            "individual_allowed": e["individual_allowed"],
            "confirmed": e["confirmed"],
            "pinyin_initials": initials(e["name"]),
        })
        check_entry(out[-1])
    out.sort(key=lambda e: e["code"])
    return {"_source": data["_source"], "categories": CATEGORIES, "entries": out}


def render(data: dict) -> str:
    lines = ["{", f' "_source": {json.dumps(data["_source"], ensure_ascii=False)},',
             f' "categories": {json.dumps(data["categories"], ensure_ascii=False)},',
             ' "entries": [']
    rows = [" " + json.dumps(e, ensure_ascii=False) for e in data["entries"]]
    lines.append(",\n".join(rows))
    lines.append(" ]\n}\n")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = PATH.read_text(encoding="utf-8")
    new = render(rebuild(json.loads(text)))
    if "--check" in argv:
        if new != text:
            print(f"{PATH} is stale: run scripts/build_scope.py", file=sys.stderr)
            return 1
        return 0
    PATH.write_text(new, encoding="utf-8")
    print(f"wrote {len(json.loads(new)['entries'])} entries to {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
