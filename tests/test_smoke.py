from kiosk.cli import main


def test_cli_run_exits_zero() -> None:
    assert main(["run"]) == 0
