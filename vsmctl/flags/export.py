"""Export flags for other tools: flagd's flag definitions, and OpenFeature's flag manifest."""

from __future__ import annotations

from typing import Any

from vsmctl.flags.evaluation import threshold
from vsmctl.flags.model import BUCKETS

FLAGD_SCHEMA = "https://flagd.dev/schema/v0/flags.json"
MANIFEST_SCHEMA = "https://raw.githubusercontent.com/open-feature/cli/main/schema/v0/flag-manifest.json"


def _rule_logic(rule: dict[str, Any]) -> dict[str, Any]:
    var = {"var": rule["attribute"]}
    op = rule["op"]
    if op == "equals":
        return {"==": [var, rule["value"]]}
    if op == "in":
        return {"in": [var, list(rule["value"])]}
    if op == "starts_with":
        return {"starts_with": [var, rule["value"]]}
    return {"sem_ver": [var, rule.get("cmp", "="), rule["value"]]}


def _fractional(flag: dict[str, Any], rollout: dict[str, Any]) -> dict[str, Any]:
    """`fractional` on "<flag key>.<targeting key>" with integer weights out of 10,000: flagd
    hashes that text exactly as vsmctl's client does (vsmctl.flags.bucketing), so the same users
    are inside the percentage in both."""
    inside, outside = rollout["variant"], flag["default_variant"]
    by = rollout.get("by", "targetingKey")
    weight = threshold(rollout["percent"])
    buckets = [[inside, weight], [outside, BUCKETS - weight]] if inside != outside else [[inside, BUCKETS]]
    return {"fractional": [{"cat": [{"var": "$flagd.flagKey"}, ".", {"var": by}]}, *buckets]}


def to_flagd(flags: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """flagd JSON: rules become an `if` chain of JSONLogic, the split becomes `fractional`."""
    out: dict[str, Any] = {}
    for key, flag in flags.items():
        entry: dict[str, Any] = {
            "state": "ENABLED" if flag.get("state", "enabled") == "enabled" else "DISABLED",
            "variants": dict(flag["variants"]),
            "defaultVariant": flag["default_variant"],
        }
        rollout = flag.get("rollout")
        tail: Any = flag["default_variant"]
        if rollout is not None:
            tail = _fractional(flag, rollout)
        if flag.get("rules"):
            chain: list[Any] = []
            for rule in flag["rules"]:
                chain += [_rule_logic(rule), rule["variant"]]
            entry["targeting"] = {"if": [*chain, tail]}
        elif rollout is not None:
            entry["targeting"] = tail
        if flag.get("description"):
            entry["metadata"] = {"description": flag["description"]}
        out[key] = entry
    return {"$schema": FLAGD_SCHEMA, "flags": out}


def to_openfeature_manifest(flags: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The OpenFeature CLI's flag manifest: each flag's type, default value and description."""
    kinds = {"boolean": "boolean", "string": "string", "number": "float", "json": "object"}
    out = {}
    for key, flag in flags.items():
        value = flag["variants"][flag["default_variant"]]
        kind = kinds[flag.get("type", "boolean")]
        if kind == "float" and isinstance(value, int):
            kind = "integer"
        out[key] = {"flagType": kind, "defaultValue": value, "description": flag.get("description") or ""}
    return {"$schema": MANIFEST_SCHEMA, "flags": out}
