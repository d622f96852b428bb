"""Issue 16 item 7: user text in flags (names, reasons, actors, owners) is printed as text.

Rich markup (`[/]`, `[link=…]`) must neither break `list`, `show`, `history` for the whole
workspace nor render as markup; terminal escape sequences must not reach the terminal.
"""

from __future__ import annotations

import pytest
from conftest import run_cli

from vsmctl.render.flag_output import visible

ESC = "\x1b"
NAME = "ops[/]beta"
OWNER = "[link=https://evil.example]team[/link]"
REASON = "[red]urgent[/] [bold"
ACTOR = f"{ESC}[31mmallory{ESC}[0m"
DESCRIPTION = f"wipe{ESC}]0;title{chr(7)} \u202egnp.exe"


@pytest.fixture()
def ws(tmp_path):
    def flag(*args):
        result = run_cli("flag", *args, "--workspace", str(tmp_path), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return result

    flag("create", NAME, "--owner", OWNER, "--reason", REASON, "--actor", ACTOR)
    flag("set", NAME, "--description", DESCRIPTION, "--actor", ACTOR)
    flag("create", "plain", "--owner", "ops")
    return flag


def test_list_show_and_history_print_markup_as_text(ws):
    listed = ws("list").stdout
    assert NAME in listed and OWNER in listed and "plain" in listed
    shown = ws("show", NAME).stdout
    assert NAME in shown and OWNER in shown and REASON in shown
    history = ws("history").stdout
    assert REASON in history and NAME in history
    assert "\\x1b[31mmallory\\x1b[0m" in history  # the actor, escaped


@pytest.mark.parametrize("command", [("list",), ("show", NAME), ("history",), ("history", NAME)])
def test_no_escape_sequence_or_bidi_override_reaches_the_terminal(ws, command):
    out = ws(*command).stdout
    assert ESC not in out and chr(7) not in out and "\u202e" not in out


def test_the_change_line_escapes_user_text(ws):
    out = ws("set", NAME, "--owner", f"{ESC}[2Jhi").stdout
    assert ESC not in out and "\\x1b[2Jhi" in out


def test_a_flag_name_with_control_characters_is_refused(tmp_path):
    result = run_cli("flag", "create", f"bad{ESC}[31m", "--workspace", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2 and ESC not in result.stderr
    assert "control characters" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_visible_escapes_only_what_is_not_printable():
    assert visible("plain [b]text[/b] ü 名") == "plain [b]text[/b] ü 名"
    assert visible(f"a{ESC}b\nc\u202ed") == "a\\x1bb\\x0ac\\u202ed"
    assert visible(None) == ""
