"""The ID-card reader's check and its test read.

``check`` turns the reader's health and SAM number into the report's ``idcard_reader`` line.
``test_read`` reads the card on the reader once and keeps only what a technician needs to see
that the reader works: the card type, a masked number and whether its check digit is right.
Nothing else of the card leaves this function; the identity read is dropped at once. It talks
to the reader only through its public commands (``read_once``), which share the line safely
with the reader's own poll thread.
"""
from __future__ import annotations

from devices.health import DeviceState, Health
from devices.idcard import CardType, IdCardReader, ProtocolError, ReaderError
from devices.idcard.transport import TransportError
from kiosk.diagnostics.report import Check
from kiosk.diagnostics.tests import DeviceTest
from kiosk.domain.identifiers import id_check_char

CARD_TYPES = {
    CardType.RESIDENT: "居民身份证",
    CardType.HMT_RESIDENCE_PERMIT: "港澳台居民居住证",
    CardType.FOREIGN_PERMANENT_2017: "外国人永久居留身份证（2017版）",
    CardType.FOREIGN_PERMANENT_2023: "外国人永久居留身份证（2023版）",
}
FIX = {
    DeviceState.DISCONNECTED: "检查读卡器的USB/串口线和电源，确认设备名（/dev/idcard）与配置一致",
    DeviceState.UNAVAILABLE: "读卡器安全模块（SAM）异常：重新插拔读卡器；仍不行请联系读卡器厂商",
    DeviceState.DEGRADED: "通信有误码：更换数据线或换一个USB口",
    DeviceState.DISABLED: "在配置 [devices] idcard 中设置读卡器端口",
}


def mask_number(number: str) -> str:
    """The first two and last two characters, the rest as stars: enough to tell two test
    cards apart, too little to be anyone's number."""
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def check(health: Health, sam_id: str | None) -> Check:
    detail = health.message + (f"；安全模块号 {sam_id}" if sam_id else "")
    fix = "" if health.usable or health.state is DeviceState.STARTING else FIX.get(health.state, "")
    return Check("idcard_reader", health.usable, detail, fix)


def test_read(reader: IdCardReader) -> DeviceTest:
    """Read the card on the reader once (see the module docstring for what is kept)."""
    try:
        identity = reader.read_once()
    except TransportError as exc:
        return DeviceTest(False, "读卡器没有应答", f"请检查连接线和电源（{type(exc).__name__}）",
                          {"status": "no_reader"})
    except ProtocolError:
        return DeviceTest(False, "读卡器应答有误", "通信有误码，请更换数据线后再试",
                          {"status": "link_fault"})
    except ReaderError as exc:
        return DeviceTest(False, exc.message, exc.status.value, {"status": exc.status.value})
    if identity is None:
        return DeviceTest(False, "读卡区没有证件", "请把一张测试用身份证放在读卡区，再点“测试读卡”",
                          {"status": "no_card"})
    number = identity.id_number
    label = CARD_TYPES.get(identity.card_type, identity.card_type.value)
    digits_ok = (len(number) == 18 and number[:17].isdigit()
                 and id_check_char(number[:17]) == number[17].upper())
    detail = f"证件号码 {mask_number(number)}（{len(number)}位，" + \
        ("校验位正确）" if digits_ok else "校验位不符或非18位号码）")
    del identity
    return DeviceTest(True, f"读卡成功：{label}", detail,
                      {"status": "read", "card_type": label, "masked_number": mask_number(number),
                       "check_digit_ok": digits_ok})
