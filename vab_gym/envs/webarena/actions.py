"""VAB-WebArena-Lite's 12 browser actions, declared once.

Calls are written as functions (``click(12)``, ``type(3, 'red shoes')``); WebArena's own
bracket syntax (``click [12]``, ``type [3] [red shoes] [1]``, ``stop [answer]``) is accepted
too, so VAB's prompts work unchanged.
"""

from __future__ import annotations

import re

from vab_gym.core.actions import ActionSet, ActionSpec, Param, action_line, format_call

ELEMENT = "the number of the element's box in the screenshot"

# WebArena's names for the same actions, where they differ.
BRACKET_NAMES = {"page_focus": "tab_focus", "close": "close_tab"}
_BRACKET_CALL = re.compile(r"^\s*([a-z_]+)((?:\s*\[[^\]]*\])*)\s*$", re.DOTALL)
_BRACKET_ARG = re.compile(r"\[([^\]]*)\]")


def _bracket_syntax(text: str) -> str | None:
    """WebArena's ``name [arg] [arg]`` -> the canonical call, or None if not that syntax."""
    line = action_line(text)
    stop = re.match(r"^\s*stop\s*\[(.*)\]\s*$", line, re.DOTALL)  # answers may hold brackets
    if stop:
        return format_call("stop", [stop.group(1)])
    match = _BRACKET_CALL.match(line)
    if not match or "(" in line:
        return None
    name = BRACKET_NAMES.get(match.group(1), match.group(1))
    if name not in WEBARENA_ACTIONS:
        return None
    spec = WEBARENA_ACTIONS.specs[name]
    raw = _BRACKET_ARG.findall(match.group(2))
    values: list[object] = []
    for param, value in zip(spec.params, raw, strict=False):
        value = value.strip()
        if param.type is int and re.fullmatch(r"-?\d{1,9}", value):
            values.append(int(value))
        elif param.type is bool:
            values.append(value not in ("0", "false", "False"))
        else:
            values.append(value)
    return format_call(name, values)


WEBARENA_ACTIONS = ActionSet(
    ActionSpec("click", "Click the element with this id.", (Param("id", int, ELEMENT),)),
    ActionSpec(
        "type",
        "Type text into the field with this id (replacing what is there), then press Enter "
        "unless press_enter is False.",
        (
            Param("id", int, ELEMENT),
            Param("text", str, "what to type"),
            Param("press_enter", bool, "press Enter afterwards", True),
        ),
    ),
    ActionSpec("hover", "Hover over the element with this id.", (Param("id", int, ELEMENT),)),
    ActionSpec(
        "press",
        "Press a key combination, e.g. 'Enter', 'Control+a', 'Meta+v'.",
        (Param("keys", str, "Playwright key names joined by '+'"),),
    ),
    ActionSpec(
        "scroll", "Scroll the page up or down.", (Param("direction", str, "'up' or 'down'"),)
    ),
    ActionSpec("new_tab", "Open a new, empty tab."),
    ActionSpec(
        "tab_focus", "Switch to the tab with this index.", (Param("index", int, "0-based"),)
    ),
    ActionSpec("close_tab", "Close the current tab."),
    ActionSpec("goto", "Open a URL in the current tab.", (Param("url", str, "the URL"),)),
    ActionSpec("go_back", "Go back to the previous page."),
    ActionSpec("go_forward", "Go forward (after going back)."),
    ActionSpec(
        "stop",
        "Finish the task. Give the answer if the task asks for one (or 'N/A' if it cannot be "
        "done); otherwise an empty answer.",
        (Param("answer", str, "the answer", ""),),
    ),
    preparsers=(_bracket_syntax,),
)
