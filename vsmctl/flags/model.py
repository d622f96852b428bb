"""What a flag is (OpenFeature concepts) and how its definition is validated.

Standard library only: running code imports this through `vsmctl.flags`.

A definition is a plain JSON object:

    {"key": "extract.vsm-s3-control", "type": "boolean", "state": "enabled",
     "variants": {"on": true, "off": false}, "default_variant": "off",
     "rules": [{"attribute": "country", "op": "in", "value": ["de", "fr"], "variant": "on"}],
     "rollout": {"percent": 25.0, "variant": "on", "by": "targetingKey"},
     "owner": "...", "description": "...", "created": "...", "expires": "2027-01-31"}
"""

from __future__ import annotations

# Only what the hot path needs is imported at load time (`import vsmctl.flags` must cost a few
# milliseconds): json and re are imported where a definition is parsed, typing not at all.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# OpenFeature's resolution reasons
STATIC = "STATIC"
TARGETING_MATCH = "TARGETING_MATCH"
SPLIT = "SPLIT"
DISABLED = "DISABLED"
DEFAULT = "DEFAULT"
ERROR = "ERROR"

TYPES = ("boolean", "string", "number", "json")
OPS = ("equals", "in", "starts_with", "semver")
SEMVER_CMPS = ("=", "!=", "<", "<=", ">", ">=")
TARGETING_KEY = "targetingKey"
BUCKETS = 10_000  # a percentage has two decimals of resolution


class FlagError(ValueError):
    """A flag definition, rule or value that cannot be used; the message is for the user."""


def parse_value(flag_type: str, text: str) -> Any:
    """A variant value written on the command line, checked against the flag's type."""
    if flag_type == "boolean":
        lowered = text.strip().lower()
        if lowered in ("true", "on", "yes", "1"):
            return True
        if lowered in ("false", "off", "no", "0"):
            return False
        raise FlagError(f"'{text}' is not a boolean (true or false)")
    if flag_type == "number":
        try:
            number = float(text)
        except ValueError:
            raise FlagError(f"'{text}' is not a number") from None
        return int(number) if number.is_integer() and "." not in text else number
    if flag_type == "json":
        import json

        try:
            return json.loads(text)
        except ValueError as exc:
            raise FlagError(f"'{text}' is not JSON ({exc.args[0]})") from None
    return text


def check_value(flag_type: str, value: Any) -> None:
    ok = {
        "boolean": isinstance(value, bool),
        "string": isinstance(value, str),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "json": True,
    }[flag_type]
    if not ok:
        raise FlagError(f"variant value {value!r} is not a {flag_type}")


_RULE = (
    r"^\s*(?P<attr>[A-Za-z_$][\w.$-]*)\s+(?P<op>==|=|equals|in|starts-with|starts_with|semver)\s+"
    r"(?:(?P<cmp>>=|<=|!=|=|<|>)\s*)?(?P<value>.+?)\s*->\s*(?P<variant>[\w.-]+)\s*$"
)


def parse_rule(text: str) -> dict[str, Any]:
    """`ATTR OP VALUE -> VARIANT`, e.g. `country in de,fr -> on`, `email starts-with admin@ -> on`,
    `plan == pro -> on`, `app_version semver >=2.1.0 -> on`."""
    import re

    m = re.match(_RULE, text)
    if m is None:
        raise FlagError(
            f"rule '{text}' does not parse: expected ATTRIBUTE OP VALUE -> VARIANT with OP one of "
            "==, in, starts-with, semver (e.g. 'country in de,fr -> on', 'version semver >=2.1.0 -> on')"
        )
    op = {"==": "equals", "=": "equals", "starts-with": "starts_with"}.get(m["op"], m["op"])
    raw = m["value"].strip()
    rule: dict[str, Any] = {"attribute": m["attr"], "op": op, "variant": m["variant"]}
    if op == "in":
        items = raw.strip("[]")
        rule["value"] = [v.strip().strip("'\"") for v in items.split(",") if v.strip()]
        if not rule["value"]:
            raise FlagError(f"rule '{text}': 'in' needs at least one value")
    elif op == "semver":
        cmp = m["cmp"] or "="
        rule["cmp"] = cmp
        rule["value"] = raw
        parse_semver(raw)
    else:
        if m["cmp"]:
            raise FlagError(f"rule '{text}': a comparison only goes with semver")
        rule["value"] = raw.strip("'\"")
    return rule


def parse_semver(text: str) -> tuple[int, int, int, tuple[str, ...]]:
    import re

    m = re.fullmatch(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?", text.strip())
    if m is None:
        raise FlagError(f"'{text}' is not a semantic version (like 2.1.0)")
    pre = tuple(m[4].split(".")) if m[4] else ()
    return int(m[1]), int(m[2] or 0), int(m[3] or 0), pre


def validate(flag: Any) -> dict[str, Any]:
    """Check a definition; returns it normalized. Raises FlagError naming what is wrong."""
    if not isinstance(flag, dict):
        raise FlagError("a flag definition must be a JSON object")
    key = flag.get("key")
    if not isinstance(key, str) or not key or not key.isprintable() or any(c.isspace() for c in key):
        # isprintable: no control characters (terminal escapes) in a name printed everywhere
        raise FlagError(f"flag key {key!r} must be a non-empty name without spaces or control characters")
    flag_type = flag.get("type", "boolean")
    if flag_type not in TYPES:
        raise FlagError(f"{key}: type must be one of {', '.join(TYPES)}, not {flag_type!r}")
    variants = _checked_variants(key, flag_type, flag.get("variants"))
    default = flag.get("default_variant")
    if default not in variants:
        raise FlagError(f"{key}: default variant {default!r} is not one of {', '.join(variants)}")
    state = flag.get("state", "enabled")
    if state not in ("enabled", "disabled"):
        raise FlagError(f"{key}: state must be enabled or disabled, not {state!r}")
    rules = flag.get("rules") or []
    if not isinstance(rules, list):
        raise FlagError(f"{key}: rules must be a list")
    for rule in rules:
        _check_rule(key, variants, rule)
    if flag.get("rollout") is not None:
        _check_rollout(key, variants, flag["rollout"])
    for field in ("owner", "description", "created", "expires"):
        if flag.get(field) is not None and not isinstance(flag[field], str):
            raise FlagError(f"{key}: {field} must be a string")
    return {**flag, "type": flag_type, "state": state, "rules": rules}


def _checked_variants(key: str, flag_type: str, variants: Any) -> dict[str, Any]:
    if not isinstance(variants, dict) or not variants:
        raise FlagError(f"{key}: variants must be a non-empty mapping of name to value")
    for name, value in variants.items():
        try:
            check_value(flag_type, value)
        except FlagError as exc:
            raise FlagError(f"{key}: variant '{name}': {exc}") from None
    return variants


def _check_rule(key: str, variants: dict[str, Any], rule: Any) -> None:
    if not isinstance(rule, dict) or rule.get("op") not in OPS or not isinstance(rule.get("attribute"), str):
        raise FlagError(f"{key}: rule {rule!r} needs an attribute and an op ({', '.join(OPS)})")
    if rule.get("variant") not in variants:
        raise FlagError(f"{key}: rule variant {rule.get('variant')!r} is not one of {', '.join(variants)}")
    if rule["op"] == "semver":
        if rule.get("cmp", "=") not in SEMVER_CMPS:
            raise FlagError(f"{key}: semver comparison {rule.get('cmp')!r} is not one of {' '.join(SEMVER_CMPS)}")
        parse_semver(str(rule.get("value")))
    if rule["op"] == "in" and not isinstance(rule.get("value"), list):
        raise FlagError(f"{key}: an 'in' rule needs a list of values")


def _check_rollout(key: str, variants: dict[str, Any], rollout: Any) -> None:
    if not isinstance(rollout, dict):
        raise FlagError(f"{key}: rollout must be a mapping")
    percent = rollout.get("percent")
    if isinstance(percent, bool) or not isinstance(percent, int | float) or not 0 <= percent <= 100:
        raise FlagError(f"{key}: rollout percent must be a number from 0 to 100, not {percent!r}")
    if rollout.get("variant") not in variants:
        raise FlagError(f"{key}: rollout variant {rollout.get('variant')!r} is not one of {', '.join(variants)}")
    if not isinstance(rollout.get("by", TARGETING_KEY), str):
        raise FlagError(f"{key}: rollout 'by' must be a context attribute name")
