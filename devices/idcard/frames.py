"""Constants of the SAM serial protocol and the card text layouts, each citing domain.md.

Data only: byte values, the SW3 status table and field offsets. No parsing, no I/O. A fact
that domain.md marks UNCONFIRMED lives in exactly one named constant below, so a check on real
hardware corrects it in one place.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

# --- Standards (domain.md §1) -----------------------------------------------------------------

#: The public-security standard family of the SAM module. The number itself was not found in
#: any retrieved text: UNCONFIRMED (domain.md §1).
SAM_STANDARD = "GA 467"

# --- Physical layer (domain.md §1.1) -----------------------------------------------------------

DEFAULT_BAUDRATE = 115200  #: 8N1 at 115200 bps [C]
BITS_PER_BYTE = 10         #: 1 start + 8 data + 1 stop: wire time = bytes * 10 / baud

#: Index carried in ``60 nn`` (set UART baud). The mapping is taken from [sdt] and is
#: UNCONFIRMED against the spec (domain.md §1.3).
SET_BAUD_INDEX = {115200: 0, 57600: 1, 38400: 2, 19200: 3, 9600: 4}

# --- Frame format (domain.md §1.2) -----------------------------------------------------------

PREAMBLE = b"\xAA\xAA\xAA\x96\x69"   #: 5 bytes before every frame [C]
HEADER_LEN = len(PREAMBLE) + 2       #: preamble + Len1 Len2: read these 7 bytes first (§1.6)
MIN_REQUEST_LEN = 3                  #: Len of a request counts CMD + Para + (Data) + CHK
MIN_RESPONSE_LEN = 4                 #: Len of a response counts SW1 + SW2 + SW3 + (Data) + CHK
#: Largest Len this driver accepts. The largest real response is the read with 1024 bytes of
#: fingerprint: a 2321-byte frame, Len 2314 (§1.5). A bigger Len is line noise, not a frame.
MAX_LEN = 4096


class Command(enum.Enum):
    """A request's (CMD, Para) pair (domain.md §1.3)."""

    RESET_SAM = (0x10, 0xFF)              #: 复位 SAM [C]
    SAM_STATUS = (0x11, 0xFF)             #: SAM 状态检测 [C]
    SAM_ID = (0x12, 0xFF)                 #: 读 SAM 管理信息 (the SAM's number) [C]
    FIND_CARD = (0x20, 0x01)              #: 寻找证/卡 [C]
    SELECT_CARD = (0x20, 0x02)            #: 选取证/卡 [C]
    READ_TEXT_PHOTO = (0x30, 0x01)        #: 读固定信息: text + photo [C]
    READ_NEW_ADDRESS = (0x30, 0x03)       #: 读追加住址 [S] [sdt]
    READ_CHIP_INFO = (0x30, 0x05)         #: 28 data bytes, meaning UNCONFIRMED: see CHIP_INFO_MEANING
    READ_TEXT_PHOTO_FINGER = (0x30, 0x10)  #: text + photo + fingerprint [C]
    SET_MAX_RF_BYTES = (0x61, 0xFF)       #: 设置最大通信字节, one data byte [S]

    @property
    def cmd(self) -> int:
        return self.value[0]

    @property
    def para(self) -> int:
        return self.value[1]

    @classmethod
    def lookup(cls, cmd: int, para: int) -> Command | None:
        """The command for a (CMD, Para) pair, or None for one this driver does not know."""
        return _COMMANDS.get((cmd, para))


_COMMANDS = {c.value: c for c in Command}

#: ``60 nn`` sets the UART baud; nn comes from SET_BAUD_INDEX (UNCONFIRMED).
SET_BAUD_CMD = 0x60

#: What the 28 bytes answered to ``30 05`` mean (a chip serial number per [sdt]) is
#: UNCONFIRMED (domain.md §1.3): the driver hands them back raw.
CHIP_INFO_MEANING = "unconfirmed: chip management info, returned raw"

# --- Status bytes (domain.md §1.4) -----------------------------------------------------------


class Action(enum.Enum):
    """What the kiosk does about a SW3 code. The §1.4 column "Kiosk action", made closed.

    Where §1.4 leaves the action blank (0x23, 0x33, 0x37, 0x3F, 0x47) the choice below is this
    driver's, noted at the code.
    """

    CONTINUE = "continue"          # success: go on with the next step
    SELECT = "select"              # find succeeded: send select
    TREAT_AS_EMPTY = "empty"       # the card holds nothing for this item: not an error
    IDLE = "idle"                  # no card on the reader: the normal idle poll result
    RETRY = "retry"                # resend the same request (transmission error)
    RESET_SAM = "reset_sam"        # retry, then reset the SAM
    REPLACE_CARD = "replace_card"  # ask the person to take the card off and place it again
    FIND_AGAIN = "find_again"      # start again from find
    WRONG_CARD = "wrong_card"      # a card, but not an ID card
    HOST_BUG = "host_bug"          # the host sent something the SAM refuses: a driver bug
    ALARM = "alarm"                # hardware or licence fault: a technician must come


@dataclass(frozen=True)
class StatusInfo:
    """One row of the SW3 table.

    Attributes:
        meaning: the spec's meaning, in Chinese, for a technician's log and health screen.
        citizen: what to tell the person at the kiosk, in Chinese.
        action: what the driver does about it.
    """

    meaning: str
    citizen: str
    action: Action


class Sw3(enum.IntEnum):
    """The SW3 status codes of domain.md §1.4 [C] (0x37 and 0x3F from SDK tables only [S])."""

    OK = 0x90
    FIND_OK = 0x9F
    NO_CONTENT = 0x91
    CHECKSUM_ERROR = 0x10
    LENGTH_ERROR = 0x11
    COMMAND_ERROR = 0x21
    UNAUTHORISED_OPERATION = 0x23
    UNKNOWN_ERROR = 0x24
    CARD_AUTH_SAM_FAILED = 0x31
    SAM_AUTH_CARD_FAILED = 0x32
    INFO_VERIFY_FAILED = 0x33
    FINGERPRINT_VERIFY_FAILED = 0x37
    INFO_LENGTH_ERROR = 0x3F
    UNKNOWN_CARD_TYPE = 0x40
    READ_FAILED = 0x41
    RANDOM_FAILED = 0x47
    SAM_SELF_TEST_FAILED = 0x60
    SAM_NOT_AUTHORISED = 0x66
    NO_CARD = 0x80
    SELECT_FAILED = 0x81

    @property
    def info(self) -> StatusInfo:
        return SW3_TABLE[self]


_REPLACE = "请将身份证拿开，再重新放到读卡区"
_WAIT = "读卡器暂时无法读卡，请稍候再试"
_CALL = "读卡器故障，请联系工作人员"

SW3_TABLE: dict[Sw3, StatusInfo] = {
    Sw3.OK: StatusInfo("操作成功", "读卡成功", Action.CONTINUE),
    Sw3.FIND_OK: StatusInfo("寻找证/卡成功", "已检测到身份证，正在读取，请勿移动", Action.SELECT),
    Sw3.NO_CONTENT: StatusInfo("证/卡中此项无内容", "", Action.TREAT_AS_EMPTY),
    Sw3.CHECKSUM_ERROR: StatusInfo("接收数据校验和错", _WAIT, Action.RETRY),
    Sw3.LENGTH_ERROR: StatusInfo("接收数据长度错", _WAIT, Action.RETRY),
    Sw3.COMMAND_ERROR: StatusInfo("接收数据命令错", _CALL, Action.HOST_BUG),
    # §1.4 gives no action; the SAM refused a command it should accept: a driver bug.
    Sw3.UNAUTHORISED_OPERATION: StatusInfo("越权操作", _CALL, Action.HOST_BUG),
    Sw3.UNKNOWN_ERROR: StatusInfo("无法识别的错误", _WAIT, Action.RESET_SAM),
    Sw3.CARD_AUTH_SAM_FAILED: StatusInfo("证/卡认证 SAM 失败", _REPLACE, Action.REPLACE_CARD),
    Sw3.SAM_AUTH_CARD_FAILED: StatusInfo("SAM 认证证/卡失败", _REPLACE, Action.REPLACE_CARD),
    # §1.4 gives no action for 0x33, 0x37, 0x3F and 0x47; all four are one card exchange gone
    # wrong, so the person places the card again.
    Sw3.INFO_VERIFY_FAILED: StatusInfo("信息验证错误", _REPLACE, Action.REPLACE_CARD),
    Sw3.FINGERPRINT_VERIFY_FAILED: StatusInfo("指纹信息验证错误", _REPLACE, Action.REPLACE_CARD),
    Sw3.INFO_LENGTH_ERROR: StatusInfo("信息长度错误", _REPLACE, Action.REPLACE_CARD),
    Sw3.UNKNOWN_CARD_TYPE: StatusInfo(
        "无法识别的卡类型", "这不是身份证，请放置第二代居民身份证或居住证", Action.WRONG_CARD
    ),
    Sw3.READ_FAILED: StatusInfo("读证/卡操作失败", _REPLACE, Action.REPLACE_CARD),
    Sw3.RANDOM_FAILED: StatusInfo("取随机数失败", _REPLACE, Action.REPLACE_CARD),
    Sw3.SAM_SELF_TEST_FAILED: StatusInfo("SAM 自检失败", _CALL, Action.ALARM),
    Sw3.SAM_NOT_AUTHORISED: StatusInfo("SAM 未经授权", _CALL, Action.ALARM),
    Sw3.NO_CARD: StatusInfo("寻找证/卡失败（无卡）", "请将身份证放到读卡区", Action.IDLE),
    Sw3.SELECT_FAILED: StatusInfo("选取证/卡失败", _REPLACE, Action.FIND_AGAIN),
}

#: A SW3 value outside §1.4: logged raw, handled as a retry that ends in a SAM reset.
UNKNOWN_STATUS = StatusInfo("未知状态码", _WAIT, Action.RESET_SAM)


def status_info(sw3: int) -> StatusInfo:
    """The SW3 table row for ``sw3``, or UNKNOWN_STATUS for a code outside §1.4."""
    try:
        return SW3_TABLE[Sw3(sw3)]
    except ValueError:
        return UNKNOWN_STATUS


#: SW3 answered to ``30 03`` when the card holds no additional address. Inferred from the 0x91
#: meaning only: UNCONFIRMED (domain.md §1.5).
NO_NEW_ADDRESS_SW3 = Sw3.NO_CONTENT

# --- Response payloads (domain.md §1.5) ------------------------------------------------------

FIND_DATA_LEN = 4         #: 证/卡芯片管理号 answered with 0x9F
SELECT_DATA_LEN = 8       #: select answers 8 data bytes
SAM_ID_DATA_LEN = 16      #: little-endian u16,u16,u32,u32,u32
SAM_ID_LAYOUT = "<HHIII"
SAM_ID_FORMAT = "{:02d}.{:02d}-{:08d}-{:010d}-{:010d}"
TEXT_LEN = 256            #: the text block
PHOTO_LEN = 1024          #: the WLT photo
#: Read (30 01) data: textLen (BE u16) | photoLen (BE u16) | text | photo. The text starts at
#: frame offset 14, i.e. data offset 4 [C].
READ_LENGTHS_LEN = 4
#: Read with fingerprint (30 10): three BE u16 lengths, text at frame offset 16 [C].
READ_FINGER_LENGTHS_LEN = 6
NEW_ADDRESS_RECORD_LEN = 70  #: 35 UCS-2 characters per additional address [S]
NEW_ADDRESS_MAX_LEN = 280    #: [sdt] caps it at 4 records [S]

# --- Card text layouts (domain.md §2) ---------------------------------------------------------

TEXT_ENCODING = "utf-16-le"  #: GB 13000 UCS-2, little-endian [C]
PAD = " "                    #: fields are padded with U+0020 [C]
CARD_TYPE_OFFSET = 248       #: the card-type flag, one UCS-2 character (§2.4)


class CardType(enum.Enum):
    """The four card types a SAM reads, told apart by the flag at bytes 248–249 (§2.4)."""

    RESIDENT = "resident"                  #: 居民身份证 (any other flag)
    HMT_RESIDENCE_PERMIT = "J"             #: 港澳台居民居住证 [S]
    FOREIGN_PERMANENT_2017 = "I"           #: 外国人永久居留身份证 2017 [C]
    FOREIGN_PERMANENT_2023 = "Y"           #: 外国人永久居留身份证 2023 [S]

    @property
    def flag(self) -> str:
        """The flag character written at CARD_TYPE_OFFSET; a space for the resident card."""
        return PAD if self is CardType.RESIDENT else self.value

    @property
    def label(self) -> str:
        return _CARD_LABELS[self]


_CARD_LABELS = {
    CardType.RESIDENT: "居民身份证",
    CardType.HMT_RESIDENCE_PERMIT: "港澳台居民居住证",
    CardType.FOREIGN_PERMANENT_2017: "外国人永久居留身份证（2017版）",
    CardType.FOREIGN_PERMANENT_2023: "外国人永久居留身份证（2023版）",
}

#: (offset, byte length) of each field, per card type. Names are Identity's attributes where a
#: field maps to one; ``english_name_2`` is the 2023 card's second slice of the English name.
#: Every layout covers 0..256 contiguously with the reserved areas (checked by a test).
RESIDENT_LAYOUT: dict[str, tuple[int, int]] = {  # §2.1 [C]
    "name": (0, 30),
    "sex": (30, 2),
    "ethnic": (32, 4),
    "birth_date": (36, 16),
    "address": (52, 70),
    "id_number": (122, 36),
    "authority": (158, 30),
    "valid_from": (188, 16),
    "valid_until": (204, 16),
    "reserved": (220, 36),
}

HMT_LAYOUT: dict[str, tuple[int, int]] = {  # §2.4 'J' [S]
    "name": (0, 30),
    "sex": (30, 2),
    # The 民族 position; not used on this card (UNCONFIRMED, §2.4): never decoded.
    "reserved_ethnic": (32, 4),
    "birth_date": (36, 16),
    "address": (52, 70),
    "id_number": (122, 36),
    "authority": (158, 30),
    "valid_from": (188, 16),
    "valid_until": (204, 16),
    "permit_number": (220, 18),
    "issue_count": (238, 4),
    "reserved": (242, 6),
    "flag": (248, 2),
    "reserved_tail": (250, 6),
}

FOREIGN_2017_LAYOUT: dict[str, tuple[int, int]] = {  # §2.4 'I' [C]
    "english_name": (0, 120),
    "sex": (120, 2),
    "id_number": (122, 30),        # 永久居留证号码: 3 letters + 12 digits
    "nationality": (152, 6),
    "chinese_name": (158, 30),
    "valid_from": (188, 16),
    "valid_until": (204, 16),
    "birth_date": (220, 16),
    "card_version": (236, 4),
    "authority": (240, 8),         # 当次申请受理机关代码
    "flag": (248, 2),
    "reserved_tail": (250, 6),
}

FOREIGN_2023_LAYOUT: dict[str, tuple[int, int]] = {  # §2.4 'Y' [S]
    "chinese_name": (0, 30),
    "sex": (30, 2),
    "issue_count": (32, 4),        # 换证次数
    "birth_date": (36, 16),
    "english_name": (52, 70),      # characters 1–35
    "id_number": (122, 36),        # 18 digits starting with 9, MOD 11-2 check digit
    "reserved": (158, 30),
    "valid_from": (188, 16),
    "valid_until": (204, 16),
    "english_name_2": (220, 22),   # characters 36–46
    "nationality": (242, 6),
    "flag": (248, 2),
    "previous_card": (250, 6),     # link to the previous-version card: not decoded
}

LAYOUTS: dict[CardType, dict[str, tuple[int, int]]] = {
    CardType.RESIDENT: RESIDENT_LAYOUT,
    CardType.HMT_RESIDENCE_PERMIT: HMT_LAYOUT,
    CardType.FOREIGN_PERMANENT_2017: FOREIGN_2017_LAYOUT,
    CardType.FOREIGN_PERMANENT_2023: FOREIGN_2023_LAYOUT,
}

#: Sex codes, GB/T 2261.1 (§2.2) [C].
SEX_CODES = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

#: The text that stands in 有效期截止 for a card valid long-term (§2.1) [C].
LONG_TERM = "长期"

# --- Photo (domain.md §2.5) -------------------------------------------------------------------

PHOTO_WIDTH = 102
PHOTO_HEIGHT = 126
PHOTO_RAW_LEN = PHOTO_WIDTH * PHOTO_HEIGHT * 3  #: 38556 bytes of 24-bit pixels
PHOTO_BMP_LEN = 38862                           #: 54-byte header + 126 rows of 308 bytes
