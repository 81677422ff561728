"""The configuration channel's facts for technicians (``kiosk.diagnostics.config``), from data
folders the real parts wrote (``config_world``): what is in force and since when, the versions
applied before, the last check (up to date, staged, refused and why, offline since when) with
a real configuration agent over a watched source, and the timestamp metadata's days left.
Damaged files on disk never break them. No Qt."""
from __future__ import annotations

import json
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from kiosk.config.agent import ConfigAgent
from kiosk.config.applied import AppliedConfig
from kiosk.config.settings import parse
from kiosk.config.updater import Source, Unreachable, folder_source, platform_source
from kiosk.diagnostics.channel import ChannelLog, channel_path
from kiosk.diagnostics.config import DAY, WARN_DAYS, check, config_facts, span
from tests.clock import Clock
from tests.kiosk.diagnostics.config_world import prepare


def world(tmp: Path, scenario: str):  # noqa: ANN201
    config = prepare(tmp, scenario)
    return config, parse(config.read_text(encoding="utf-8"))


def texts(facts) -> list[str]:  # noqa: ANN001
    return [f"{r['k']} {r['v']}" for r in facts.rows() + facts.history_rows()]


def test_a_kiosk_with_nothing_signed_says_so_and_creates_nothing(tmp_path: Path) -> None:
    config, s = world(tmp_path, "fresh")
    facts = config_facts(s, config, now=time.time())
    said = "\n".join(texts(facts))
    assert facts.version is None and facts.history == () and facts.timestamp is None
    assert "尚未应用任何签名配置：使用安装时的设置" in said
    assert "未启用：本机没有安装受信任的根元数据" in said
    assert facts.as_dict()["historyNote"] == "本机还没有换过配置"
    assert check(facts).ok and "未启用签名配置" in check(facts).detail
    assert not s.config_dir.exists()         # kiosk diag may run as root: it makes no folders
    doc = facts.as_json()
    assert doc["version"] is None and doc["last_check"]["outcome"] == "off"


def test_the_version_in_force_the_ones_before_and_an_expired_timestamp(tmp_path: Path) -> None:
    config, s = world(tmp_path, "history")
    now = time.time()
    facts = config_facts(s, config, now=now)
    assert facts.version == 2 and not facts.trial
    assert abs(facts.applied_at - (now - 20 * DAY)) < 5     # when 2 was applied, not 3
    assert [(a.version, a.outcome) for a, _, _ in facts.history] == [(3, "rolled-back"),
                                                                      (1, "kept")]
    assert facts.history[0][2] == "试行新的超时设置" and facts.note == "热线改为 0571-96345"
    said = "\n".join(texts(facts))
    assert "版本 2（发给分组 township）" in said
    assert "签名密钥不受信任" in said and "本机保留了原来的配置" in said
    assert "版本 3 启动失败（3 failed starts），已回退到版本 2" in said
    assert "已过期（已过 1 天）：本机不再接受新的配置，现有配置照常使用" in said
    verdict = check(facts)
    assert not verdict.ok and "kiosk-admin refresh" in verdict.fix
    doc = facts.as_json()
    assert doc["timestamp"]["expired"] and doc["timestamp"]["days_left"] < 0
    assert doc["refused"]["reason"] == "unknown-key" and doc["refused"]["label"] == "签名密钥不受信任"
    assert [h["version"] for h in doc["history"]] == [3, 1]
    assert json.loads(json.dumps(doc, ensure_ascii=False)) == doc      # plain JSON


def test_fewer_than_three_days_left_warns_and_the_report_says_what_to_do(tmp_path: Path) -> None:
    config, s = world(tmp_path, "warning")
    facts = config_facts(s, config, now=time.time())
    assert facts.timestamp is not None and 1.9 < facts.timestamp.days_left < 2.0
    row = next(r for r in facts.rows() if r["k"] == "时间戳元数据")
    assert row["tone"] == "warn" and "还剩 1 天 23 小时，不足 3 天" in row["v"]
    assert facts.trial and "试运行中" in facts.current_text()[0]   # not yet started again
    verdict = check(facts)
    assert verdict.ok and "kiosk-admin refresh" in verdict.fix


@hsettings(max_examples=60, deadline=None)
@given(offset_days=st.floats(min_value=-400, max_value=400, allow_nan=False))
def test_expired_exactly_when_the_clock_passes_the_expiry(shared_warning, offset_days) -> None:
    config, s, expires = shared_warning
    now = expires + offset_days * DAY
    facts = config_facts(s, config, now=now)
    ts = facts.timestamp
    assert ts.expired == (now > expires) and ts.warning == (now > expires - WARN_DAYS * DAY)
    assert check(facts).ok == (now <= expires)
    tone = next(r for r in facts.rows() if r["k"] == "时间戳元数据")["tone"]
    assert tone == ("bad" if ts.expired else "warn" if ts.warning else "ok")


@pytest.fixture(scope="module")
def shared_warning(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    config, s = world(tmp_path_factory.mktemp("warning"), "warning")
    return config, s, config_facts(s, config, now=time.time()).timestamp.expires


# ----- the last check, with the kiosk's agent over a watched source -----------------------------

def _agent(s, source: Source, channel: ChannelLog) -> ConfigAgent:  # noqa: ANN001
    return ConfigAgent(s, AppliedConfig(s.config_dir), channel.watch(source))


def _down(rel: str) -> bytes | None:
    raise Unreachable("network: connection")


def test_offline_since_the_first_failed_read_and_across_a_restart(tmp_path: Path) -> None:
    config, s = world(tmp_path, "warning")
    clock = Clock(time.time())
    channel = ChannelLog(channel_path(s), clock=clock)
    agent = _agent(s, platform_source(_down), channel)
    pending = config_facts(s, config, now=clock(), agent=agent, channel=channel.state())
    assert pending.last_check.outcome == "pending" and "还没有结束" in pending.check_text()[0]
    first = clock()
    agent.check_now()
    clock.advance(3 * DAY + 4 * 3600)
    agent.check_now()
    facts = config_facts(s, config, now=clock(), agent=agent, channel=channel.state())
    c = facts.last_check
    assert c.outcome == "offline" and c.offline_since == first and c.at == clock()
    text, tone = facts.check_text()
    assert tone == "bad" and "连不上平台的配置仓库（network: connection）" in text
    assert "已离线 3 天 4 小时" in text and "本机还没有连上过" in text
    assert "连不上" in check(facts).detail
    # The kiosk restarts (or kiosk diag runs with none): the record on disk still knows.
    again = ChannelLog(channel_path(s)).state()
    assert again.offline_since == first
    local = config_facts(s, config, now=clock(), channel=again)
    assert local.last_check.outcome == "not-running" and "起连不上" in local.check_text()[0]


def test_up_to_date_staged_and_refused_as_the_agent_found_them(tmp_path: Path) -> None:
    config, s = world(tmp_path, "history")
    channel = ChannelLog(channel_path(s))
    old_copy = tmp_path / "usb-2"            # served again: older than what the kiosk trusts
    agent = _agent(s, Source("platform", folder_source(old_copy).get), channel)
    agent.check_now()
    facts = config_facts(s, config, now=time.time(), agent=agent, channel=channel.state())
    assert (facts.last_check.outcome, facts.last_check.reason) == ("refused", "rollback")
    text, tone = facts.check_text()
    assert tone == "bad" and "拒绝了新的配置：元数据版本回退" in text and "继续使用版本 2" in text
    assert "最近拒绝" not in [r["k"] for r in facts.rows()]     # said once, in the last check

    config, s = world(tmp_path / "fresh-start", "warning")
    channel = ChannelLog(channel_path(s))
    agent = _agent(s, Source("platform", folder_source(tmp_path / "fresh-start" / "usb-1").get),
                   channel)
    agent.check_now()
    facts = config_facts(s, config, now=time.time(), agent=agent, channel=channel.state())
    assert facts.last_check.outcome == "current" and "已是最新" in facts.check_text()[0]
    assert facts.last_check.last_contact_at is not None and not channel.state().offline


def test_a_platform_without_a_repository_is_not_called_offline(tmp_path: Path) -> None:
    config, s = world(tmp_path, "warning")
    channel = ChannelLog(channel_path(s))
    agent = _agent(s, platform_source(lambda rel: None), channel)     # 404 for everything
    agent.check_now()
    facts = config_facts(s, config, now=time.time(), agent=agent, channel=channel.state())
    assert facts.last_check.outcome == "no-repository"
    assert "平台可以连接，但还没有配置仓库" in facts.check_text()[0]


# ----- damaged files ---------------------------------------------------------------------------

def test_damaged_files_on_disk_read_as_unknown_never_as_a_crash(tmp_path: Path) -> None:
    config, s = world(tmp_path, "garbage")
    state = s.config_dir / "state.json"
    state.write_text(json.dumps({**json.loads(state.read_text()), "previous": "six"}))
    started = time.monotonic()
    facts = config_facts(s, config, now=time.time(),
                         channel=ChannelLog(channel_path(s)).state())
    assert time.monotonic() - started < 5           # a 10 MB audit line is skipped, not parsed
    rows = facts.rows() + facts.history_rows()
    for row in rows:
        assert isinstance(row["v"], str) and len(row["v"]) < 1200
        assert not any(unicodedata.category(c)[0] == "C" for c in row["k"] + row["v"]), row
    assert facts.version == 7 and facts.timestamp is None and facts.signed_by == ()
    assert "生效时间不详" in facts.current_text()[0]
    json.dumps(facts.as_json(), allow_nan=False)    # plain JSON, no NaN from the channel file
    assert check(facts).ok


@pytest.mark.parametrize("seconds, said", [(0, "不到 1 分钟"), (59, "不到 1 分钟"), (60, "1 分钟"),
                                           (3 * 3600 + 10 * 60, "3 小时 10 分钟"),
                                           (2 * 86400, "2 天"), (3 * 86400 + 4 * 3600 + 59, "3 天 4 小时"),
                                           (-5, "不到 1 分钟")])
def test_spans_read_as_a_technician_says_them(seconds: float, said: str) -> None:
    assert span(seconds) == said
