"""flags.json as Erlang terms (`.vsm/flags.eterm`), for Elixir code on OTP 25, which has no JSON
parser: `:file.consult/1` reads it. Written with flags.json, from the same document, so the two
never disagree. Standard library only.

One term per flag, with what evaluation needs and nothing else:
    {flag, Key, enabled | disabled, DefaultValue, [{Attribute, Op, Wanted, Value}], none | {Limit, By, Value}}.
Limit is the rollout's threshold in buckets of 10,000 (vsmctl.flags.evaluation.threshold).
"""

from __future__ import annotations

from typing import Any

HEADER = "%% The flags of flags.json as Erlang terms, for :file.consult/1. Written by vsmctl with flags.json.\n"


def term(value: Any) -> str:
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else "undefined"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'<<"{escaped}"/utf8>>'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(term(v) for v in value) + "]"
    if isinstance(value, dict):
        return "#{" + ", ".join(f"{term(k)} => {term(v)}" for k, v in value.items()) + "}"
    return term(str(value))


def _atom(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def flag_term(flag: dict[str, Any]) -> str:
    from vsmctl.flags.evaluation import threshold

    variants = flag["variants"]
    rules = [f"{{{term(r['attribute'])}, {_atom(r['op'])}, {term(r['value'])}, {term(variants[r['variant']])}}}"
             for r in flag.get("rules") or ()]
    rollout = flag.get("rollout")
    split = "none" if rollout is None else (
        f"{{{threshold(rollout['percent'])}, {term(rollout.get('by', 'targetingKey'))}, "
        f"{term(variants[rollout['variant']])}}}")
    state = "disabled" if flag.get("state") == "disabled" else "enabled"
    return (f"{{flag, {term(flag['key'])}, {state}, {term(variants[flag['default_variant']])}, "
            f"[{', '.join(rules)}], {split}}}.\n")


def render(flags: dict[str, dict[str, Any]]) -> str:
    return HEADER + "".join(flag_term(flags[key]) for key in sorted(flags))

