"""``kiosk audit verify``: read the audit log and say which entries were edited, removed or moved.

``verify(path)`` checks, line by line, that each entry is readable and its hash matches its
content (else *edited*), that the numbers run 1, 2, 3… with none missing (*removed*) and none
out of place or twice (*reordered*, *duplicated*), and that each entry names the previous one's
hash (else the previous entry was *edited* and its hash recomputed). A line cut short by a
crash is *torn*. Entries removed from the very end leave no gap; ``expected_head``, the head
hash the platform last received in a heartbeat, catches that (*truncated*). Pure reading: it
never changes the file.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.audit.log import GENESIS, Head, entry_hash, parse_line

MAX_LINE = 64 * 1024      # an entry is a few hundred bytes; a longer line is damage, not data


class Problem(enum.Enum):
    EDITED = "edited"
    REMOVED = "removed"
    REORDERED = "reordered"
    DUPLICATED = "duplicated"
    GARBLED = "garbled"
    TORN = "torn"
    TRUNCATED = "truncated"


@dataclass(frozen=True)
class Finding:
    """One problem: what, where (line in the file, entry number) and a sentence for people."""

    problem: Problem
    line: int | None
    seq: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"problem": self.problem.value, "line": self.line, "seq": self.seq,
                "message": self.message}


@dataclass
class Verdict:
    entries: int = 0
    head: Head | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def kinds(self) -> set[Problem]:
        return {f.problem for f in self.findings}

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries,
                "head": self.head.as_dict() if self.head else None,
                "findings": [f.as_dict() for f in self.findings]}


def _ranges(numbers: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for n in numbers:
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def verify(path: Path | str, expected_head: str | None = None) -> Verdict:
    """Check the audit log at ``path`` (a missing file is an empty log).

    Args:
        path: the log file.
        expected_head: a head hash known from elsewhere (the platform's last heartbeat); the
            log must still hold the entry with that hash.
    Returns:
        The verdict: how many entries, the head, and every finding in file order.
    """
    verdict = Verdict()
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        data = b""
    lines = data.split(b"\n")
    torn_tail = lines[-1] != b""
    lines = lines[:-1] if not torn_tail else lines
    add = verdict.findings.append
    good: list[tuple[int, dict[str, Any]]] = []       # (line number, entry) readable, in order
    intact: set[int] = set()                            # line numbers whose own hash is right
    for number, raw in enumerate(lines, 1):
        if number == len(lines) and torn_tail:
            add(Finding(Problem.TORN, number, None,
                        f"第{number}行不完整（写入时中断）：这一条没有完整写入"))
            continue
        entry = parse_line(raw) if len(raw) <= MAX_LINE else None
        if entry is None:
            add(Finding(Problem.GARBLED, number, None,
                        f"第{number}行无法读取：内容已被改动、损坏，或写入时中断"))
            continue
        good.append((number, entry))
        if entry_hash(entry) == entry["hash"]:
            intact.add(number)
        else:
            add(Finding(Problem.EDITED, number, entry["seq"],
                        f"第{entry['seq']}条（第{number}行）写入后被改动：内容与它的哈希不符"))
    verdict.entries = len(good)
    # Order: each entry must come after every entry with a smaller number.
    seen: dict[int, int] = {}
    highest = 0
    for number, entry in good:
        seq = entry["seq"]
        if seq in seen:
            add(Finding(Problem.DUPLICATED, number, seq,
                        f"第{seq}条出现了两次（第{seen[seq]}行和第{number}行）"))
            continue
        seen[seq] = number
        if seq < highest:
            add(Finding(Problem.REORDERED, number, seq,
                        f"第{seq}条（第{number}行）排在第{highest}条之后：顺序被调换"))
        highest = max(highest, seq)
    # Gaps: numbers that no line holds were removed.
    missing = sorted(set(range(1, highest + 1)) - set(seen))
    for first, last in _ranges(missing):
        which = f"第{first}条" if first == last else f"第{first}至{last}条"
        add(Finding(Problem.REMOVED, None, first, f"{which}被删除：编号不连续"))
    # The chain, in number order: each entry names the hash of the one before it.
    by_seq = {e["seq"]: (n, e) for n, e in good if seen.get(e["seq"]) == n}
    for seq in sorted(by_seq):
        number, entry = by_seq[seq]
        before = by_seq.get(seq - 1)
        if seq == 1:
            expected = GENESIS
        elif before is not None and before[0] in intact:
            expected = before[1]["hash"]
        else:
            continue           # the gap or the damage is reported already
        if entry["prev"] != expected and number in intact:
            where = "第1条之前有记录被删除，或第1条被改动" if seq == 1 else \
                f"第{seq - 1}条（第{before[0]}行）写入后被改动并重算了哈希"
            add(Finding(Problem.EDITED, before[0] if before else number, seq - 1 or 1,
                        f"{where}：第{seq}条记下的前一条哈希对不上"))
    if by_seq:
        last_seq = max(by_seq)
        verdict.head = Head(last_seq, by_seq[last_seq][1]["hash"])
    if expected_head:
        if not any(e["hash"] == expected_head for _, e in good):
            add(Finding(Problem.TRUNCATED, None, None,
                        "平台最后收到的审计日志头不在本机日志中：其后的记录被删除，或日志被整体改写"))
    verdict.findings.sort(key=lambda f: (f.line is None, f.line or 0, f.seq or 0))
    return verdict
