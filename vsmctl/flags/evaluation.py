"""Evaluating a flag for a context: rules in order, then the percentage split, then the default.

Standard library only. `compile_flag` turns a definition into a closure once, so that the hot
path (`Flags.enabled`) does a dict lookup and, for a split, a lookup of the key's memoised answer.
"""

from __future__ import annotations

from vsmctl.flags.bucketing import fractional_bucket
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
    """Where a context falls in a flag's split, from 0 to 9,999: flagd's `fractional` bucket of
    "<flag key>.<value>" over a total weight of 10,000 (see vsmctl.flags.bucketing).

    The hash is fixed by its definition, so the bucket of a given key is the same number in every
    process, on every machine and in flagd; a user inside 20% is inside 30% too. Memoised, as the
    pure-Python hash costs microseconds (the full evaluation, `Flags.evaluate`, comes here).
    """
    text = f"{flag_key}.{value}"
    try:
        return _BUCKETS_SEEN[text]
    except KeyError:
        pass
    found = fractional_bucket(text, BUCKETS)
    if len(_BUCKETS_SEEN) >= MEMO_SIZE:
        _BUCKETS_SEEN.clear()
    _BUCKETS_SEEN[text] = found
    return found


MEMO_SIZE = 100_000  # answers memoised (per split flag, and buckets); past this a memo starts again
_BUCKETS_SEEN: dict[str, int] = {}


def threshold(percent: float) -> int:
    """The buckets below this are inside the split: the percentage in hundredths, as the integer
    weight `flag export --format flagd` writes (so a percentage like 33.333 means the same there)."""
    return round(percent * (BUCKETS // 100))


def _identifier_key(part: str) -> tuple[int, int, str]:
    # semver 2.0 §11: numeric identifiers compare as numbers and sort before alphanumeric ones
    return (0, int(part), "") if part.isdigit() else (1, 0, part)


def semver_key(version: tuple[int, int, int, tuple[str, ...]]) -> tuple[Any, ...]:
    """Precedence by semver 2.0: a pre-release sorts before its release, its dot-separated
    identifiers compare one by one (2.0.0-rc.9 < 2.0.0-rc.10), a shorter set first when equal."""
    major, minor, patch, pre = version
    return (major, minor, patch, 0 if pre else 1, tuple(_identifier_key(p) for p in pre))


def _semver_matches(actual: object, cmp: str, wanted: str) -> bool:
    try:
        ka, kb = semver_key(parse_semver(str(actual))), semver_key(parse_semver(wanted))
    except ValueError:
        return False
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
            inside = bucket(flag["key"], context[by]) < threshold(rollout["percent"])
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
        return _split(flag["key"], threshold(rollout["percent"]), variants[rollout["variant"]], default_value)

    def general(key: Any, default: Any) -> Any:
        context = {} if key is None else {TARGETING_KEY: key}
        return evaluate(flag, context, default).value

    return general


def _split(flag_key: str, limit: int, inside_value: Any, default_value: Any) -> FastPath:
    """A percentage split on the targeting key. The murmur3 hash costs microseconds in pure
    Python, so each string key's answer is memoised: a key seen before costs one dict lookup."""
    memo: dict[Any, Any] = {}
    prefix = f"{flag_key}."

    def split(key: Any, default: Any) -> Any:
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable key: no memo
            return inside_value if bucket(flag_key, key) < limit else default_value
        if key is None:
            return default_value
        value = inside_value if fractional_bucket(prefix + str(key), BUCKETS) < limit else default_value
        if type(key) is str:  # 1 == True == 1.0 share a dict slot but not a str(); memoise strings only
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = value
        return value

    return split


def fast_outcome(flag: Mapping[str, Any]) -> Callable[[Any, Any], tuple[str | None, str]] | None:
    """For counting evaluations (metrics): (targeting key, value the fast path gave) -> (variant,
    reason), for the shapes `compile_flag` serves without a context; None for the others."""
    if flag.get("state") == "disabled":
        return lambda key, value: (None, DISABLED)
    default_variant = flag["default_variant"]
    rollout = flag.get("rollout")
    if flag.get("rules"):
        return None
    if rollout is None:
        return lambda key, value: (default_variant, STATIC)
    if rollout["percent"] >= 100:
        inside = rollout["variant"]
        return lambda key, value: (inside, SPLIT)
    if rollout.get("by", TARGETING_KEY) != TARGETING_KEY:
        return None
    inside, inside_value = rollout["variant"], flag["variants"][rollout["variant"]]

    def outcome(key: Any, value: Any) -> tuple[str | None, str]:
        if key is None:
            return default_variant, DEFAULT
        return (inside if value == inside_value else default_variant), SPLIT

    return outcome
