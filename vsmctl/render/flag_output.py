"""`vsmctl flag` output.

Flag names, reasons, actors, owners and descriptions are user text: they are printed as text,
never read as Rich markup (`[/]`, `[link=…]`), and control characters (terminal escape
sequences, bidi overrides) are shown escaped (`\\x1b`) instead of being sent to the terminal.
"""

from __future__ import annotations

import json
from typing import Any

from vsmctl.events import Event
from vsmctl.render.tables import new_table, print_table


def visible(value: Any) -> str:
    """`value` as text with every control or format character escaped, the rest unchanged."""
    text = "" if value is None else str(value)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _cell(value: Any) -> Any:
    """A table cell that Rich prints as it is (no markup, no emoji codes, no highlighting)."""
    from rich.text import Text

    return Text(visible(value))


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
            changes.append(f"{field} {visible(before.get(field))} → {visible(after.get(field))}")
    rb, ra = before.get("rollout"), after.get("rollout")
    if rb != ra:
        fmt = lambda r: "none" if not r else f"{r['percent']:g}% {r['variant']}"  # noqa: E731
        changes.append(f"rollout {fmt(rb)} → {fmt(ra)}")
    if before.get("rules") != after.get("rules"):
        changes.append(f"rules {len(before.get('rules') or [])} → {len(after.get('rules') or [])}")
    if before.get("variants") != after.get("variants"):
        changes.append("variants changed")
    return "; ".join(changes) or "no change"


def describe_applied(key: str, before: dict[str, Any] | None, after: dict[str, Any] | None, event_id: str) -> str:
    """The line a change prints: `KEY: what changed (eN)`, as plain text."""
    return visible(f"{key}: {describe_change(before, after)} ({event_id})")


def event_dict(event: Event) -> dict[str, Any]:
    return {"id": event.id, "seq": event.seq, "time": event.time, "actor": event.actor,
            "action": event.data.get("action"), "flag": event.data.get("key"), "reason": event.data.get("reason"),
            "change": describe_change(event.data.get("before"), event.data.get("after")),
            "before": event.data.get("before"), "after": event.data.get("after")}


def print_history(console: Any, events: list[Event]) -> None:
    table = new_table(("id", "time", "actor", "flag", "action", "change", "reason"))
    for e in events:
        d = event_dict(e)
        table.add_row(*(_cell(v) for v in (d["id"], d["time"][:19].replace("T", " "), d["actor"], d["flag"],
                                           d["action"], d["change"], d["reason"])))
    print_table(console, table)


def print_list(console: Any, flags: dict[str, dict[str, Any]], stale: set[str]) -> None:
    from rich.text import Text

    table = new_table(("flag", "type", "serves", "owner", "expires"))
    for key in sorted(flags):
        f = flags[key]
        expires = Text(visible(f.get("expires")))
        if key in stale:
            expires.append(" (stale)", style="red")
        table.add_row(_cell(key), _cell(f.get("type", "boolean")), _cell(summarize(f)), _cell(f.get("owner")),
                      expires)
    print_table(console, table)


def print_flag(console: Any, key: str, flag: dict[str, Any], events: list[Event]) -> None:
    """`flag show`: the name and what it serves, the definition as JSON, the last changes."""
    from rich.text import Text

    line = Text(visible(key), style="bold")
    line.append(f": {visible(summarize(flag))}")
    console.print(line, highlight=False)
    # markup=False keeps brackets in values as they are; JSON escapes C0 controls itself, and
    # what else is not printable (bidi overrides, C1 controls) gets a JSON \\u escape too
    text = json.dumps(flag, indent=2, ensure_ascii=False)
    if not text.replace("\n", "").isprintable():
        text = "".join(c if c.isprintable() or c in "\n " else json.dumps(c)[1:-1] for c in text)
    console.print(text, highlight=False, markup=False, emoji=False)
    print_history(console, events[-5:])
