"""AndroidLab's SoM actions (VAB-Mobile's vision mode) and its XML mode's ``do``, declared once.

The calls and their parameter names are AndroidLab's (``templates/android_screenshot_
template.py``: ``SYSTEM_PROMPT_ANDROID_MLLM_DIRECT``; ``page_executor/simple_vision_
executor.py``: ``VisionExecutor``; XML mode: ``text_only_mobile.py``: ``SYSTEM_PROMPT_ANDROID_
TEXT_GPT``, ``text_executor.py``: ``TextOnlyExecutor``), so replies written for AndroidLab's
prompts parse here.
Replies are read as AndroidLab reads them (:func:`androidlab_code`), then parsed as
literals: AndroidLab ``exec``s the line, this suite never does.
"""

from __future__ import annotations

import ast
import re

from vab_gym.core.actions import ActionSet, ActionSpec, Param

INDEX = "the number of the labelled UI element in the screenshot (from 1)"
DIRECTIONS = ("up", "down", "left", "right")
DISTANCES = ("short", "medium", "long")
# page_executor/text_executor.py TextOnlyExecutor.do: the actions its assert accepts (XML mode).
DO_ACTIONS = (
    "Tap",
    "Type",
    "Swipe",
    "Enter",
    "Home",
    "Back",
    "Long Press",
    "Wait",
    "Launch",
    "Call_API",
)
BOX = "[x1, y1, x2, y2] in device px (its centre is acted on), or a point [x, y]"

# evaluation/definition.py: get_code_snippet: the last line of the first ``` block.
_FENCE = re.compile(r"```.*?([\s\S]+?)```")
# page_executor/text_executor.py: remove_leading_zeros_in_string.
_LEADING_ZEROS = re.compile(r"\b0+(\d)")
_STRING = re.compile(r"""("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')""")
# "Action: tap(5)" is a Python annotation whose expression AndroidLab's exec evaluates.
_ANNOTATION = re.compile(r"^[A-Za-z_]\w*[ \t]*:(?!=)[ \t]*(.+)$", re.DOTALL)
# TextOnlyExecutor's own methods, callable in its exec context besides do (XML mode), as
# the do call each makes (text_executor.py tap, long_press, swipe, type, press_*).
_XML_METHODS = {
    "tap": "Tap",
    "long_press": "Long Press",
    "swipe": "Swipe",
    "type": "Type",
    "press_enter": "Enter",
    "press_back": "Back",
    "press_home": "Home",
}


def androidlab_code(reply: str, *, zeros_in_strings: bool = False) -> str:
    """The call AndroidLab executes for ``reply``.

    ``get_code_snippet`` takes the last line of the first fenced block (else the whole
    reply); ``TextOnlyExecutor.__call__`` keeps, of several lines, the first holding
    ``"Action: "``, and removes leading zeros from numbers. AndroidLab removes them inside
    strings too (``text("00112233")`` types 112233): only ``zeros_in_strings`` does that here.
    """
    fence = _FENCE.search(reply)
    code = fence.group(1).strip().split("\n")[-1] if fence else reply
    lines = code.split("\n")
    if len(lines) > 1:
        code = next((line for line in lines if "Action: " in line), code)
    code = code.strip()
    if zeros_in_strings:
        code = _LEADING_ZEROS.sub(r"\1", code)
    else:
        code = "".join(
            part if i % 2 else _LEADING_ZEROS.sub(r"\1", part)
            for i, part in enumerate(_STRING.split(code))
        )
    annotation = _ANNOTATION.match(code)
    if annotation:
        code = annotation.group(1).strip()
    return _as_do(code)


def _as_do(code: str) -> str:
    """A call of TextOnlyExecutor's own methods (``tap([x1, y1, x2, y2])``,
    ``type(text="...")``, ``press_back()``) as the ``do`` call it makes; the SoM calls of the
    same names (``tap(5)``, ``type("...")``: VisionExecutor's other name of ``text``) stay."""
    try:
        node = ast.parse(code, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return code
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _XML_METHODS
    ):
        return code
    name, keywords = node.func.id, {k.arg for k in node.keywords}
    boxed = (bool(node.args) and isinstance(node.args[0], ast.List)) or "element" in keywords
    if name in ("tap", "long_press") and not boxed:
        return code
    if name == "swipe" and not boxed and (node.args or "index" in keywords):
        return code
    if name == "type" and (node.args or "input_str" in keywords):
        return "text" + code[len(name) :]
    node.func.id = "do"
    node.args.insert(0, ast.Constant(_XML_METHODS[name]))
    return ast.unparse(node)


def _fixed_zeros(reply: str) -> str:
    return androidlab_code(reply)


def _androidlab_zeros(reply: str) -> str:
    return androidlab_code(reply, zeros_in_strings=True)


SPECS = (
    ActionSpec(
        "tap", "Taps the UI element labeled with the given number.", (Param("index", int, INDEX),)
    ),
    ActionSpec(
        "text",
        "Inserts the given text into the focused input field (what it held is deleted first).",
        (Param("input_str", str, "the text to type"),),
    ),
    ActionSpec(
        "long_press",
        "Long presses the UI element labeled with the given number.",
        (Param("index", int, INDEX),),
    ),
    ActionSpec(
        "swipe",
        "Swipes the UI element in the specified direction and distance.",
        (
            Param("index", int, INDEX),
            Param("direction", str, "one of 'up', 'down', 'left', 'right'"),
            Param("dist", str, "one of 'short', 'medium', 'long'"),
        ),
    ),
    ActionSpec("back", "Simulates a back button press on the smartphone."),
    ActionSpec("home", "Simulates a home button press on the smartphone."),
    ActionSpec(
        "wait",
        "Pauses the execution for the given number of seconds.",
        (Param("interval", int, "seconds, 0 to 10", 5),),
    ),
    # AndroidLab's XML-mode call (templates/text_only_mobile.py SYSTEM_PROMPT_ANDROID_TEXT_GPT;
    # TextOnlyExecutor.do): the keyword arguments its actions read.
    ActionSpec(
        "do",
        "Performs one operation on the phone: action is one of "
        + ", ".join(f'"{a}"' for a in DO_ACTIONS[:8])
        + ".",
        (
            Param("action", str, "the operation"),
            Param(
                "element",
                list,
                BOX + "; for Tap, Long Press and Swipe (Swipe's default: the screen centre)",
                None,
            ),
            Param("text", str, "the text to type (Type; Enter is pressed after it)", None),
            Param("direction", str, "Swipe: one of 'up', 'down', 'left', 'right'", None),
            Param("dist", str, "Swipe: one of 'short', 'medium', 'long'", "medium"),
            Param("app", str, "Launch: the app's name", None),
        ),
    ),
    ActionSpec(
        "finish",
        "Ends the task and provides the final output (the answer when the task asks a question).",
        (Param("message", str, "the final output", None),),
    ),
)

MOBILE_ACTIONS = ActionSet(*SPECS, preparsers=(_fixed_zeros,))
# vab_quirks=True: AndroidLab's zero stripping inside strings as well.
MOBILE_ACTIONS_VAB = ActionSet(*SPECS, preparsers=(_androidlab_zeros,))
