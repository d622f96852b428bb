"""`vsmctl flag` output."""

from __future__ import annotations

import json
from typing import Any

from vsmctl.events import Event


def summarize(flag: dict[str, Any]) -> str:
    if flag.get("state") == "disabled":
        return "disabled (the code's default)"
    variants = flag["variants"]
    parts = [f"default {flag['default_variant']}={json.dumps(variants[flag['default_variant']])}"]
    if flag.get("rules"):
        parts.append(f"{len(flag['rules'])} rule(s)")
    rollout = flag.get("rollout")
    if rollout:
        parts.append(f"{rollout['percent']:g}% → {rollout['variant']} by {rollout.get('by', 'targetingKey')}")
    return ", ".join(parts)


def describe_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    if before is None:
        return f"created: {summarize(after)}" if after else "created"
    if after is None:
        return "deleted"
    changes = []
    for field in ("state", "default_variant", "owner", "description", "expires"):
        if before.get(field) != after.get(field):
            changes.append(f"{field} {before.get(field)} → {after.get(field)}")
    rb, ra = before.get("rollout"), after.get("rollout")
    if rb != ra:
        fmt = lambda r: "none" if not r else f"{r['percent']:g}% {r['variant']}"  # noqa: E731
        changes.append(f"rollout {fmt(rb)} → {fmt(ra)}")
    if before.get("rules") != after.get("rules"):
        changes.append(f"rules {len(before.get('rules') or [])} → {len(after.get('rules') or [])}")
    if before.get("variants") != after.get("variants"):
        changes.append("variants changed")
    return "; ".join(changes) or "no change"


def event_dict(event: Event) -> dict[str, Any]:
    return {"id": event.id, "seq": event.seq, "time": event.time, "actor": event.actor,
            "action": event.data.get("action"), "flag": event.data.get("key"), "reason": event.data.get("reason"),
            "change": describe_change(event.data.get("before"), event.data.get("after")),
            "before": event.data.get("before"), "after": event.data.get("after")}


def print_history(console: Any, events: list[Event]) -> None:
    from rich.table import Table

    table = Table(title_justify="left")
    for col in ("id", "time", "actor", "flag", "action", "change", "reason"):
        table.add_column(col)
    for e in events:
        d = event_dict(e)
        table.add_row(d["id"], d["time"][:19].replace("T", " "), d["actor"], d["flag"] or "", d["action"] or "",
                      d["change"], d["reason"] or "")
    console.print(table)


def print_list(console: Any, flags: dict[str, dict[str, Any]], stale: set[str]) -> None:
    from rich.table import Table

    table = Table(title_justify="left")
    for col in ("flag", "type", "serves", "owner", "expires"):
        table.add_column(col)
    for key in sorted(flags):
        f = flags[key]
        expires = (f.get("expires") or "") + (" [red](stale)[/]" if key in stale else "")
        table.add_row(key, f.get("type", "boolean"), summarize(f), f.get("owner") or "", expires)
    console.print(table)
