"""The name page's preview: the name as it will read, the naming rules it does not meet yet
(as hints, not errors: ux.md), and the platform's name self-check (名称自主申报查重,
``PlatformClient.check_name``) when the kiosk is online.

``NameChecker.ask`` never blocks its caller: the platform is asked on a worker thread of its
own and the answer comes back through ``post`` (the GUI thread in the app). Offline, or when
the platform cannot answer, it says the check will be made when the application is uploaded.
Errors still come from the flow when the person presses continue; nothing here decides
whether a name may be filed. Names are personal enough to stay out of the logs.
"""
from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from kiosk.domain import names
from kiosk.domain.subject_types import SubjectType

log = logging.getLogger(__name__)

Post = Callable[[Callable[[], None]], None]


class NameCheckState(enum.Enum):
    NONE = "none"              # nothing to check yet (no 字号)
    CHECKING = "checking"
    AVAILABLE = "available"
    TAKEN = "taken"
    LATER = "later"            # offline or no answer: checked on upload


LATER_TEXT = "现在无法连接政务服务平台：名称能否使用，将在申请上传时由登记机关核验。"
CHECKING_TEXT = "正在查询这个名称能否使用……"
AVAILABLE_TEXT = "初步查询：暂未发现相同的已登记名称（最终以登记机关审核为准）。"


def taken_text(conflicts: tuple[str, ...]) -> str:
    """Our words for a name the platform would not take (its own prose is not shown: another
    platform may word it otherwise, or in another language)."""
    if conflicts:
        return (f"初步查询：已有相同或相近的名称“{'”“'.join(conflicts[:3])}”。建议换一个字号，"
                "或在字号后加上能区分的字词；也可以继续填写，由登记机关审核。")
    return "初步查询：这个名称可能不能使用，请看上面的提示；也可以继续填写，由登记机关审核。"


@dataclass(frozen=True)
class NameAnswer:
    """What the preview shows about one name; ``name`` says which (stale answers are dropped)."""

    name: str
    state: NameCheckState
    text: str


@dataclass(frozen=True)
class NamePreview:
    name: str                  # the full name as it will read
    hints: tuple[str, ...]     # the rules it does not meet yet, worded as on continue


def preview(answer: object, subject_type: SubjectType | str | None) -> NamePreview:
    """The name page's preview of ``answer`` (what its submit() would send)."""
    parts = names.parts_from(answer)
    hints = tuple(names.parts_problems(parts, subject_type)) if subject_type else ()
    return NamePreview(parts.full, hints)


class NameChecker:
    """Args: ``check``, the platform's name check (it may raise ``PlatformError``); ``online``,
    whether the platform is reachable now; ``post``, how an answer reaches the caller's thread."""

    def __init__(self, check: Callable[[str, str | None], object], *,
                 online: Callable[[], bool], post: Post) -> None:
        self._check, self._online, self._post = check, online, post
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="name-check")

    def ask(self, name: str, answer: Callable[[NameAnswer], None],
            subject_type: str | None = None) -> None:
        """Check ``name`` for a subject of ``subject_type`` (its naming rules); ``answer`` is
        called on the caller's thread (through ``post``)."""
        if not self._online():
            answer(NameAnswer(name, NameCheckState.LATER, LATER_TEXT))
            return
        answer(NameAnswer(name, NameCheckState.CHECKING, CHECKING_TEXT))
        try:
            self._pool.submit(self._ask, name, answer, subject_type)
        except RuntimeError:            # stopped: the kiosk is shutting down
            answer(NameAnswer(name, NameCheckState.LATER, LATER_TEXT))

    def _ask(self, name: str, answer: Callable[[NameAnswer], None],
             subject_type: str | None) -> None:
        # Here, not at the top: the port's wire models (pydantic) are not needed to draw the
        # start page, and this runs on the checker's thread, long after it is painted.
        from offline_queue.port import PlatformError
        try:
            found = self._check(name, subject_type)
            told = (NameAnswer(name, NameCheckState.AVAILABLE, AVAILABLE_TEXT)
                    if getattr(found, "available", False) else
                    NameAnswer(name, NameCheckState.TAKEN,
                               taken_text(tuple(getattr(found, "conflicts", ())))))
        except PlatformError as exc:
            log.info("name-check-unanswered error=%s", exc.summary)
            told = NameAnswer(name, NameCheckState.LATER, LATER_TEXT)
        except Exception:  # noqa: BLE001 - a preview must never take the page down
            log.exception("name-check-failed")
            told = NameAnswer(name, NameCheckState.LATER, LATER_TEXT)
        self._post(lambda: answer(told))

    def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
