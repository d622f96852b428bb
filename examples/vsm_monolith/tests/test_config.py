import pytest

from vsm.config.loader import load, load_policy_defaults, parse
from vsm.config.settings import Settings


def test_parse_ignores_comments_and_blank_lines():
    assert parse("# c\nVSM_RATE = 5\n\nVSM_BURST=7 # x\n") == {"VSM_RATE": "5", "VSM_BURST": "7"}


def test_parse_rejects_garbage():
    with pytest.raises(ValueError):
        parse("nonsense")


def test_load_reads_file(tmp_path):
    path = tmp_path / "vsm.conf"
    path.write_text("VSM_API_PORT=9000\n", encoding="utf-8")
    assert load(path).api_port == 9000


def test_defaults_and_policy_defaults():
    assert Settings.from_env({}).rate_limit_burst == 100
    assert load_policy_defaults()["pain_threshold"] == 0.9
