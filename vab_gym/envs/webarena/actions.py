"""VAB-WebArena-Lite's browser actions, declared once, and VAB's way of reading a reply.

Calls are written as functions (``click(12)``, ``type(3, 'red shoes')``). A reply in the
form VAB's prompt asks for ("... In summary, the next action I will perform is
```click [12]```") is read as VAB reads it: the first ``` span
(``prompt_constructor.py:CoTPromptConstructor._extract_action``), then VAB's id-based
regexes (``actions.py:create_id_based_action``), so trailing text, ``scroll down`` and
``]`` or parentheses inside typed text are VAB's too. A reply with no ``` span is read as
the suite reads any reply (``action_line``: the whole reply, or an ``Action:`` line), where
VAB's bracket form is accepted too, while VAB would report a parse failure.
"""

from __future__ import annotations

import re

from vab_gym.core.actions import (
    ActionError,
    ActionSet,
    ActionSpec,
    Param,
    action_line,
    format_call,
)

ELEMENT = "the number of the element's box in the screenshot"

# CoTPromptConstructor._extract_action with the prompt's action_splitter "```".
_FENCED = re.compile(r"```((.|\n)*?)```")
ANSWER_PHRASE = "In summary, the next action I will perform is"
_CALL = re.compile(r"^[A-Za-z_]\w*\s*\(.*\)$", re.DOTALL)
# create_id_based_action's regexes, one per action with arguments (re.search: text around
# the match is ignored, as in VAB).
_ID_PATTERNS = {
    "click": re.compile(r"click ?\[(\d+)\]"),
    "clear": re.compile(r"clear ?\[(\d+)\]"),
    "hover": re.compile(r"hover ?\[(\d+)\]"),
    "type": re.compile(r"type ?\[(\d+)\] ?\[(.+)\] ?\[(\d+)\]"),
    "press": re.compile(r"press ?\[(.+)\]"),
    "scroll": re.compile(r"scroll ?\[?(up|down)\]?"),
    "goto": re.compile(r"goto ?\[(.+)\]"),
    "tab_focus": re.compile(r"tab_focus ?\[(\d+)\]"),
    "stop": re.compile(r"stop ?\[(.+)\]"),
}
_NO_ARGUMENTS = ("new_tab", "go_back", "go_forward", "close_tab")
VAB_NAMES = frozenset(_ID_PATTERNS) | frozenset(_NO_ARGUMENTS)


def vab_id_action(action: str) -> str:
    """VAB's ``create_id_based_action`` on one extracted action -> the canonical call;
    :class:`ActionError` with VAB's ``ActionParsingError`` message when VAB fails too."""
    action = action.strip()
    if "[" in action:
        name = action.split("[")[0].strip()
    else:
        words = action.split()
        if not words:
            raise ActionError(f"No action specified: {action}")
        name = words[0].strip()
    if name in _NO_ARGUMENTS:
        return format_call(name, [])
    if name not in _ID_PATTERNS:
        raise ActionError(f"Invalid action {action}")
    if name == "type" and not action.endswith(("[0]", "[1]")):
        action += " [1]"  # VAB's default: press Enter
    match = _ID_PATTERNS[name].search(action)
    if match is None:
        if name == "stop":  # some tasks need no answer
            return format_call("stop", [""])
        raise ActionError(f"Invalid {name} action {action}")
    if name == "type":
        element, text, enter = match.groups()
        return format_call("type", [int(element), text, enter == "1"])
    value = match.group(1)
    return format_call(
        name, [int(value) if name in ("click", "clear", "hover", "tab_focus") else value]
    )


def _vab_reply(text: str) -> str | None:
    """A reply -> canonical call text, as VAB's CoT prompt constructor and parser read it;
    ``None`` leaves the reply to the suite's generic reading (no ``` span, not VAB's form)."""
    fenced = _FENCED.search(text)
    if fenced is None:
        whole = action_line(text).strip()
        name = re.match(r"[a-z_]+", whole)
        if "\n" in whole or _CALL.match(whole) or not name or name.group() not in VAB_NAMES:
            return None
        return vab_id_action(whole)
    action = fenced.group(1).strip()
    if _CALL.match(action):  # the suite's own call syntax inside the fence
        return action
    return vab_id_action(action)


WEBARENA_ACTIONS = ActionSet(
    ActionSpec("click", "Click the element with this id.", (Param("id", int, ELEMENT),)),
    ActionSpec(
        "type",
        "Click the field with this id and type the text (added to what the field holds; "
        "clear it first to replace it), then press Enter unless press_enter is False.",
        (
            Param("id", int, ELEMENT),
            Param("text", str, "what to type"),
            Param("press_enter", bool, "press Enter afterwards", True),
        ),
    ),
    ActionSpec("clear", "Clear the field with this id.", (Param("id", int, ELEMENT),)),
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
    preparsers=(_vab_reply,),
)
