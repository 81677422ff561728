"""The simulator's cards: fictitious people, one of each kind of card the kiosk must handle.

Numbers carry correct GB 11643 check digits (domain.md §3); the photos are random bytes in
place of WLT (§2.5). Used by the simulator, the tests and the benchmark; never by the driver.
"""
from __future__ import annotations

import random
from datetime import date
from functools import lru_cache

from stdnum.cn.ric import calc_check_digit

from devices.idcard.frames import PHOTO_LEN, CardType
from devices.idcard.identity import Identity


def with_check_digit(first17: str) -> str:
    """Append the ISO 7064 MOD 11-2 check character (domain.md §3) to 17 digits."""
    return first17 + calc_check_digit(first17 + "0")


def _fake_wlt(seed: int) -> bytes:
    """1024 bytes standing in for a WLT photo (real WLT is proprietary, §2.5)."""
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(PHOTO_LEN))


@lru_cache(maxsize=1)
def simulated_cards() -> dict[str, Identity]:
    """The simulator's cards by name: one of each kind the kiosk must handle."""
    resident = CardType.RESIDENT
    return {
        "resident_valid": Identity(
            resident, "张三", "1", date(1985, 7, 4), with_check_digit("11010519850704123"),
            date(2015, 3, 2), date(2035, 3, 2), ethnic_code="01",
            address="北京市朝阳区测试路1号院2号楼3单元401室", authority="北京市公安局朝阳分局",
            photo_wlt=_fake_wlt(1),
        ),
        "resident_expired": Identity(
            resident, "李四", "2", date(1990, 11, 20), with_check_digit("31010419901120246"),
            date(2010, 5, 1), date(2020, 5, 1), ethnic_code="03",
            address="上海市徐汇区示例路88弄6号", authority="上海市公安局徐汇分局",
            photo_wlt=_fake_wlt(2),
        ),
        "resident_long_term": Identity(
            resident, "王五", "1", date(1960, 1, 15), with_check_digit("15012119600115135"),
            date(2012, 8, 8), None, ethnic_code="02",
            address="内蒙古自治区呼和浩特市土默特左旗样例街9号", authority="土默特左旗公安局",
            photo_wlt=_fake_wlt(3),
        ),
        "resident_minor": Identity(
            resident, "赵小六", "2", date(2016, 3, 15), with_check_digit("44030520160315002"),
            date(2024, 6, 1), date(2029, 6, 1), ethnic_code="01",
            address="广东省深圳市福田区演示大道100号", authority="深圳市公安局福田分局",
            photo_wlt=_fake_wlt(4),
        ),
        "hmt_permit": Identity(
            CardType.HMT_RESIDENCE_PERMIT, "陈港生", "1", date(1988, 2, 29),
            with_check_digit("81000019880229315"), date(2023, 9, 1), date(2028, 9, 1),
            address="广东省深圳市南山区模拟路7号", authority="深圳市公安局",
            permit_number="H12345678", issue_count=1, photo_wlt=_fake_wlt(5),
        ),
        "foreign_2017": Identity(
            CardType.FOREIGN_PERMANENT_2017, "SMITH JOHN", "1", date(1985, 7, 4),
            "USA110085070412", date(2018, 1, 10), date(2028, 1, 10), english_name="SMITH JOHN",
            nationality="USA", authority="1100", card_version="01", photo_wlt=_fake_wlt(6),
        ),
        "foreign_2023": Identity(
            CardType.FOREIGN_PERMANENT_2023, "玛丽亚", "2", date(1992, 12, 5),
            with_check_digit("91172419921205002"), date(2024, 1, 15), date(2034, 1, 15),
            english_name="GARCIA MARTINEZ MARIA DE LOS ANGEL ISABELLA",
            nationality="ESP", issue_count=0, photo_wlt=_fake_wlt(7),
        ),
    }
