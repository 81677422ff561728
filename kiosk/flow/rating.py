"""好差评: the five levels, the reasons a 差评 may give, and the rating a visit sends.

Five levels from 非常满意 (5) to 非常不满意 (1); 不满意 and 非常不满意 are 差评 (domain.md §8,
[C]), for which the person may tap reasons and add a few words. ``rating_body`` checks what the
person chose and builds the body of ``POST /v1/ratings``: the case number (the application
filed or looked up in this visit, else the visit's own number), the level, the tags and the
comment; nothing about the person. One rating per visit (一次一评). No I/O.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_COMMENT = 200
NEGATIVE_BELOW = 3        # levels 1 and 2 are 差评


@dataclass(frozen=True)
class Level:
    value: int
    label: str

    @property
    def negative(self) -> bool:
        return self.value < NEGATIVE_BELOW


LEVELS = (Level(5, "非常满意"), Level(4, "满意"), Level(3, "基本满意"), Level(2, "不满意"),
          Level(1, "非常不满意"))
# What a 差评 may say went wrong, after GB/T 39735's offline indicators (服务效率, 服务水平,
# 服务态度, 整体满意度); the national tag list is UNCONFIRMED: correct it here.
REASONS = ("办理时间太长", "操作步骤太复杂，看不懂", "机器出了故障", "没有及时得到帮助",
           "办理结果不满意", "工作人员服务态度不好", "其他问题")


@dataclass(frozen=True)
class RatingResult:
    """What the person gave, checked: the body to send, or why not."""

    body: dict | None
    problem: str = ""


def _clean_comment(text: object) -> str:
    if not isinstance(text, str):
        return ""
    kept = "".join(ch for ch in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(ch)[0] != "C" or ch == "\n")
    return " ".join(kept.split())


def rating_body(rating_id: str, case_number: str, level: object, reasons: object,
                comment: object) -> RatingResult:
    """Check the person's rating and build what is sent."""
    if not isinstance(level, int) or isinstance(level, bool) or level not in range(1, 6):
        return RatingResult(None, "请点选一个表情，为本次服务评价")
    tags: list[str] = []
    if level < NEGATIVE_BELOW:
        chosen = reasons if isinstance(reasons, (list, tuple)) else []
        tags = [r for r in REASONS if r in chosen]
    text = _clean_comment(comment) if level < NEGATIVE_BELOW else ""
    if len(text) > MAX_COMMENT:
        return RatingResult(None, f"意见不能超过{MAX_COMMENT}个字，您输入了{len(text)}个字")
    return RatingResult({"rating_id": rating_id, "submission_id": case_number, "level": level,
                         "indicators": {}, "comment": text, "tags": tags})
