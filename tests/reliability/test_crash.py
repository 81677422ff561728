"""SIGKILL the kiosk and the platform, each its own process, at points the campaign observes:
no acknowledged submission is lost, none is accepted twice, both databases stay intact.

The short campaign (20 kills) always runs; the long one (200) with ``--runslow`` prints its
figures as one JSON line, for the README's Reliability paragraph. See ``campaign.py``.
"""
from __future__ import annotations

import pytest

from tests.reliability.campaign import BATCH_POINTS, Campaign, Figures
from tests.reliability.figures import record


def assert_sound(f: Figures, kills: int) -> None:
    record("sigkill", kills=f.kills, kiosk_kills=f.kiosk_kills, platform_kills=f.platform_kills,
           hit_unfinished=f.hit_unfinished, acked=f.acked, accepted=f.accepted,
           lost=len(f.lost), duplicated=len(f.duplicated), invented=len(f.invented),
           integrity_checks=f.integrity_checks, integrity_failures=len(f.integrity_failures))
    assert f.kills == kills
    assert f.kiosk_kills and f.platform_kills, "both sides must be killed"
    assert f.hit_unfinished >= 0.9 * kills, f"only {f.hit_unfinished} kills hit unfinished work"
    assert f.drained, "the kiosk did not deliver what was left after the last kill"
    assert f.acked, "nothing was acknowledged: the campaign tested nothing"
    assert not f.integrity_failures, f.integrity_failures
    assert f.integrity_checks == 2 * (kills + 1)
    assert not f.lost, f"acknowledged but never accepted: {f.lost}"
    assert not f.duplicated, f"accepted twice: {f.duplicated}"
    assert not f.invented, f"accepted but never stored on the kiosk: {f.invented}"


def test_twenty_kills_lose_and_duplicate_nothing(tmp_path):
    figures = Campaign(tmp_path, seed=13).run(20)
    print(figures.line())
    assert_sound(figures, 20)


def test_twenty_kills_of_batched_delivery_lose_and_duplicate_nothing(tmp_path):
    """The same, with the kiosk delivering in batches: a kill mid-batch, or a lost answer to
    one, leaves several submissions in flight at once."""
    figures = Campaign(tmp_path, seed=31, batch_bytes=48 * 1024, points=BATCH_POINTS).run(20)
    print(figures.line())
    assert_sound(figures, 20)


@pytest.mark.slow
def test_two_hundred_kills_lose_and_duplicate_nothing(tmp_path, capsys):
    figures = Campaign(tmp_path, seed=2026).run(200)
    with capsys.disabled():
        print("\n" + figures.line())
    assert_sound(figures, 200)
    assert len(figures.by_point) >= 15, f"points never chosen: {sorted(figures.by_point)}"


def test_the_duplicate_check_fails_when_the_platform_forgets_idempotency(tmp_path):
    """The same campaign against a platform that treats every POST as new: lost answers make
    the kiosk POST again, and the accept log shows the duplicates (the submissions table,
    keyed by id, would show one row each)."""
    campaign = Campaign(tmp_path, seed=5, broken_idempotency=True, victims=("kiosk",),
                        points=("post-answered",))
    figures = campaign.run(3)
    assert figures.kills == 3 and not figures.lost
    assert len(figures.duplicated) >= 3, figures.line()


def test_a_kiosk_killed_mid_send_resumes_and_says_it_was_interrupted(tmp_path):
    """Killed while the platform works on its POST: the outbox file it leaves has the
    submission `sending`; the next start closes that attempt as interrupted and sends again."""
    from contract import envelope
    from offline_queue.model import QueueState
    from offline_queue.outbox import Outbox
    from tests.reliability.campaign import Plan

    campaign = Campaign(tmp_path, seed=1)
    campaign.register()
    try:
        campaign.trial(Plan("kiosk", "post-forwarded", 1))
        sid = campaign.acked[0]        # the one whose POST was on its way
        box = Outbox(campaign.outbox, envelope.load_public_key(campaign.platform_public()))
        assert box.status(sid).state is QueueState.SENDING
        assert box.recover_interrupted() == [sid]
        assert box.history(sid)[-1]["outcome"] == "interrupted"
        box.close()
    finally:
        campaign.shutdown()
