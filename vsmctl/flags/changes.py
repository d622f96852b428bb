"""Flag changes as pure functions: a definition (or None) in, the new definition out.

The CLI (`vsmctl flag create/flip/set`) and the extraction's abstraction step both change flags
through these, handed to `FlagStore.change` as its `mutate`; a refused change raises InputError
and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vsmctl.errors import InputError

Definition = dict[str, Any]
Mutation = Callable[[Definition | None], Definition | None]


def new_flag(key: str, flag_type: str, variants: dict[str, Any], created: str, default: str | None = None,
             owner: str | None = None, description: str | None = None, expires: str | None = None) -> Definition:
    """A flag as created: enabled, serving its default variant (boolean: off) to everyone."""
    chosen = default or ("off" if flag_type == "boolean" and "off" in variants else next(iter(variants)))
    return {"key": key, "type": flag_type, "state": "enabled", "variants": variants, "default_variant": chosen,
            "rules": [], "rollout": None, "owner": owner, "description": description, "created": created,
            "expires": expires}


def cutover_flag(key: str, package: str, created: str) -> Definition:
    """The flag a branch-by-abstraction facade switches on: off serves the monolith's code."""
    return new_flag(key, "boolean", {"on": True, "off": False}, created, owner="vsmctl extract",
                    description=f"serve {package} from the extracted package (branch by abstraction)")


def create(definition: Definition) -> Mutation:
    def mutate(current: Definition | None) -> Definition:
        if current is not None:
            raise InputError(f"flag '{definition['key']}' exists already (vsmctl flag show {definition['key']})")
        return definition

    return mutate


def _known(key: str, flag: Definition | None) -> Definition:
    if flag is None:
        raise InputError(f"unknown flag '{key}' (create it: vsmctl flag create {key})")
    return flag


def boolean_on_variant(flag: Definition) -> str:
    for name, value in flag["variants"].items():
        if value is True:
            return name
    raise InputError(f"{flag['key']}: no variant serves true")


def flip(key: str, on: bool, percent: float | None = None) -> Mutation:
    """On (for everyone, or `percent` of targeting keys) or off (the kill switch: the code's default)."""
    def mutate(current: Definition | None) -> Definition:
        flag = _known(key, current)
        if not on:
            flag["state"] = "disabled"
            return flag
        flag["state"] = "enabled"
        if flag.get("type", "boolean") == "boolean":
            by = (flag.get("rollout") or {}).get("by", "targetingKey")
            flag["rollout"] = {"percent": 100.0 if percent is None else percent,
                               "variant": boolean_on_variant(flag), "by": by}
        elif percent is not None:
            if not flag.get("rollout"):
                raise InputError(f"{key}: set the rollout variant first: vsmctl flag set {key} --percent N --variant V")
            flag["rollout"]["percent"] = percent
        return flag

    return mutate


@dataclass(frozen=True)
class Settings:
    """What `flag set` changes; None leaves a field as it is."""

    rules: tuple[dict[str, Any], ...] = ()
    clear_rules: bool = False
    percent: float | None = None
    variant: str | None = None
    by: str | None = None
    default: str | None = None
    owner: str | None = None
    description: str | None = None
    expires: str | None = None

    @property
    def empty(self) -> bool:
        return not any((self.rules, self.clear_rules, self.percent is not None, self.variant, self.by,
                        self.default, self.owner, self.description, self.expires))


def _rollout(key: str, flag: Definition, settings: Settings) -> dict[str, Any]:
    current = flag.get("rollout") or {}
    chosen = settings.variant or current.get("variant") or (
        boolean_on_variant(flag) if flag.get("type", "boolean") == "boolean" else None)
    if chosen is None:
        raise InputError(f"{key}: --variant is needed for the rollout of a {flag['type']} flag")
    return {"percent": settings.percent if settings.percent is not None else current.get("percent", 100.0),
            "variant": chosen, "by": settings.by or current.get("by", "targetingKey")}


def update(key: str, settings: Settings) -> Mutation:
    """Rules (appended in order, after an optional clear), the rollout, the default and the details."""
    def mutate(current: Definition | None) -> Definition:
        flag = _known(key, current)
        flag["rules"] = ([] if settings.clear_rules else list(flag.get("rules") or [])) + list(settings.rules)
        if settings.percent is not None or settings.variant or settings.by:
            flag["rollout"] = _rollout(key, flag, settings)
        for field, value in (("default_variant", settings.default), ("owner", settings.owner),
                             ("description", settings.description), ("expires", settings.expires)):
            if value is not None:
                flag[field] = value
        return flag

    return mutate


def restore(target: Definition | None) -> Mutation:
    """Back to a definition from the history (None: the flag did not exist then)."""
    def mutate(_current: Definition | None) -> Definition | None:
        return target

    return mutate
