"""Issue 16 item 6: a YAML alias bomb is refused at once; ordinary aliases and merges still load."""

from __future__ import annotations

import pytest
import yaml

from vsmctl.yaml_safe import AliasBombError, safe_load


def bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['a: &a ["lol"]']
    for i in range(1, levels):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join('*' + prev for _ in range(width))}]")
    return "\n".join(lines) + f"\nname: *{chr(ord('a') + levels - 1)}\n"


def test_the_billion_laughs_are_refused_naming_the_size():
    with pytest.raises(AliasBombError, match=r"aliases would expand the document by [\d,]+ nodes"):
        safe_load(bomb())  # 9**9 lists: PyYAML alone runs out of memory


def test_a_bomb_in_a_phase_description_is_refused():
    text = bomb(6) + "phases:\n  - name: one\n    description: *f\n"
    with pytest.raises(AliasBombError):
        safe_load(text)


def test_a_recursive_alias_is_refused():
    with pytest.raises(AliasBombError, match="recursive alias"):
        safe_load("a: &a [1, *a]\n")


def test_the_error_is_a_yaml_error_with_a_mark():
    with pytest.raises(yaml.YAMLError) as caught:
        safe_load(bomb())
    assert caught.value.problem_mark is not None and caught.value.problem


def test_ordinary_aliases_and_merge_keys_load_as_with_pyyaml():
    text = """
defaults: &defaults {category: core, approach: strangler}
packages:
  vsm-core: {<<: *defaults, path: core}
  vsm-config: {<<: *defaults, category: support}
shared: &shared [1, 2, 3]
again: *shared
"""
    assert safe_load(text) == yaml.safe_load(text)
    assert safe_load("") is None
    assert safe_load("- 1\n- [2, [3]]\n") == [1, [2, [3]]]


def test_python_tags_stay_refused():
    with pytest.raises(yaml.YAMLError):
        safe_load("!!python/object/apply:os.system ['true']\n")


def test_the_bound_is_on_what_aliases_add_not_on_the_file():
    big = "items:\n" + "".join(f"  - {i}\n" for i in range(50_000))
    assert len(safe_load(big)["items"]) == 50_000
    small_bomb = bomb(3, 9)  # 9 + 81 + ... a few hundred nodes: allowed by the default bound
    assert safe_load(small_bomb)["name"][0][0] == ["lol"]
    with pytest.raises(AliasBombError):
        safe_load(small_bomb, max_alias_nodes=50)
