"""Evaluating a flag for a context: rules in order, then the percentage split, then the default.

Standard library only. `compile_flag` turns a definition into a closure once, so that the hot
path (`Flags.enabled`) does a dict lookup, a CRC and a comparison, nothing more.
"""

from __future__ import annotations

import zlib

from vsmctl.flags.model import (
    BUCKETS,
    DEFAULT,
    DISABLED,
    ERROR,
    SPLIT,
    STATIC,
    TARGETING_KEY,
    TARGETING_MATCH,
    parse_semver,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at import; annotations are strings here
    from collections.abc import Callable, Mapping
    from typing import Any

    FastPath = Callable[[Any, Any], Any]


class Evaluation:
    """OpenFeature's resolution details: value, variant and reason (and an error message)."""

    __slots__ = ("error", "reason", "value", "variant")

    def __init__(self, value: Any, variant: str | None, reason: str, error: str | None = None) -> None:
        self.value, self.variant, self.reason, self.error = value, variant, reason, error

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Evaluation) and (self.value, self.variant, self.reason, self.error) == (
            other.value, other.variant, other.reason, other.error)

    def __repr__(self) -> str:
        return (f"Evaluation(value={self.value!r}, variant={self.variant!r}, reason={self.reason!r}, "
                f"error={self.error!r})")


def bucket(flag_key: str, value: object) -> int:
    """Where a context falls in a flag's split: CRC-32 of "<flag key>.<value>", modulo 10,000.

    CRC-32 is fixed by its definition, so the bucket of a given key is the same number in every
    process, on every machine and Python version; a user inside 20% is inside 30% too.
    """
    return zlib.crc32(f"{flag_key}.{value}".encode()) % BUCKETS


def _semver_matches(actual: object, cmp: str, wanted: str) -> bool:
    try:
        a, b = parse_semver(str(actual)), parse_semver(wanted)
    except ValueError:
        return False
    # a pre-release sorts before its release: 2.0.0-rc1 < 2.0.0
    ka = (a[:3], 0 if a[3] else 1, a[3])
    kb = (b[:3], 0 if b[3] else 1, b[3])
    return {"=": ka == kb, "!=": ka != kb, "<": ka < kb, "<=": ka <= kb, ">": ka > kb, ">=": ka >= kb}[cmp]


def rule_matches(rule: Mapping[str, Any], context: Mapping[str, Any]) -> bool:
    if rule["attribute"] not in context:
        return False
    actual = context[rule["attribute"]]
    op = rule["op"]
    if op == "equals":
        return str(actual) == str(rule["value"])
    if op == "in":
        return str(actual) in {str(v) for v in rule["value"]}
    if op == "starts_with":
        return str(actual).startswith(str(rule["value"]))
    return _semver_matches(actual, rule.get("cmp", "="), str(rule["value"]))


def evaluate(flag: Mapping[str, Any], context: Mapping[str, Any], default: Any) -> Evaluation:
    """The full evaluation with variant and reason (OpenFeature's resolution details)."""
    if flag.get("state") == "disabled":
        return Evaluation(default, None, DISABLED)
    variants = flag["variants"]
    for rule in flag.get("rules") or ():
        if rule_matches(rule, context):
            return Evaluation(variants[rule["variant"]], rule["variant"], TARGETING_MATCH)
    rollout = flag.get("rollout")
    default_variant = flag["default_variant"]
    if rollout is not None:
        by = rollout.get("by", TARGETING_KEY)
        if rollout["percent"] >= 100:  # everyone is inside, with or without a key
            return Evaluation(variants[rollout["variant"]], rollout["variant"], SPLIT)
        if by in context and context[by] is not None:
            inside = bucket(flag["key"], context[by]) < rollout["percent"] * (BUCKETS // 100)
            variant = rollout["variant"] if inside else default_variant
            return Evaluation(variants[variant], variant, SPLIT)
        return Evaluation(variants[default_variant], default_variant, DEFAULT)
    reason = DEFAULT if flag.get("rules") else STATIC
    return Evaluation(variants[default_variant], default_variant, reason)


def error(default: Any, message: str) -> Evaluation:
    return Evaluation(default, None, ERROR, message)


def compile_flag(flag: Mapping[str, Any]) -> FastPath:
    """A closure (targeting key, default) -> value for the common shapes; the general evaluation
    (via a context) for flags with rules or a split on another attribute."""
    variants = flag["variants"]
    if flag.get("state") == "disabled":
        return lambda key, default: default
    default_value = variants[flag["default_variant"]]
    rollout = flag.get("rollout")
    if not flag.get("rules") and rollout is None:
        return lambda key, default: default_value
    if not flag.get("rules") and rollout is not None and rollout["percent"] >= 100:
        everyone = variants[rollout["variant"]]
        return lambda key, default: everyone
    if not flag.get("rules") and rollout is not None and rollout.get("by", TARGETING_KEY) == TARGETING_KEY:
        prefix = f"{flag['key']}.".encode()
        threshold = rollout["percent"] * (BUCKETS // 100)
        inside_value = variants[rollout["variant"]]
        crc = zlib.crc32

        def split(key: Any, default: Any) -> Any:
            if key is None:
                return default_value
            return inside_value if crc(prefix + str(key).encode()) % BUCKETS < threshold else default_value

        return split

    def general(key: Any, default: Any) -> Any:
        context = {} if key is None else {TARGETING_KEY: key}
        return evaluate(flag, context, default).value

    return general
