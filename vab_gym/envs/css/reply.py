"""Reading a reply as VAB-CSS reads it (VAB ``task.py:CSSAgent.start_sample``).

VAB cuts the reply at "Observation:", finishes if it contains "I have fixed the css style",
and otherwise takes the first line that starts with ``Action...:`` and names at least one
call (``\\w+\\(``; a bare ``revert_last_edit`` counts too). Every call on that line runs, in
order; the first one that raises stops the line, and so does a revert. Arguments are the
text between the call's parentheses split by :func:`shlex.split`, each with its trailing
comma removed, so quotes are optional. Nothing here evaluates agent text.

Two of VAB's readings are bugs, fixed unless ``quirks``: the argument text ends at the first
``)`` (so ``'rgba(0,0,0,0.5)'`` loses its closing quote and the call fails), and a name that
appears twice on the line runs the first occurrence's arguments twice. Fixed, the argument
text ends at the balancing parenthesis and calls nested inside another call's arguments
(``rgba(``, ``calc(``) are not run as calls of their own.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

FIXED_PHRASE = "I have fixed the css style"
NO_FUNCTION = (
    "No executable function found! Need to recheck the action. Please stick to "
    "the format of Action: ..."
)
_ACTION_LINE = re.compile(r"Action.*?:")
_CALL = re.compile(r"(?<!\w)(\w+)\(")  # the lookbehind keeps long words linear; same calls
_SELECTORS = "get_selectors_by_html_elements"

# VAB's CSSInteractor methods and their parameters (besides self), for Python 3.9's
# TypeError messages (VAB's setup: python=3.9).
VAB_METHODS: dict[str, tuple[str, ...]] = {
    _SELECTORS: ("find_all_arguments",),
    "select_rule": ("selector",),
    "edit_rule": ("selector", "property_name", "value"),
    "insert_rule": ("rule_json",),
    "revert_last_edit": (),
    "finalize": (),
}


@dataclass(frozen=True)
class Invocation:
    """One call on the action line: its name and the text between its parentheses
    (``None`` where VAB's regex finds none, which VAB reports as an IndexError)."""

    name: str
    arg_text: str | None

    def __str__(self) -> str:
        return f"{self.name}({self.arg_text or ''})"


def cut(reply: str) -> str:
    """The part of the reply VAB reads: before "Observation:", stripped, with a newline
    right after "Action:" removed."""
    return reply.split("Observation:")[0].strip().replace("Action:\n", "Action:")


def finishes(reply: str) -> bool:
    """VAB ends the episode when the (cut) reply contains its phrase, before any action."""
    return FIXED_PHRASE in cut(reply)


def action_calls(reply: str, *, quirks: bool) -> list[Invocation] | None:
    """The calls of the first action line that has any, in order; ``None`` if no line does
    (VAB then answers :data:`NO_FUNCTION`)."""
    for line in cut(reply).split("\n"):
        line = line.strip()
        if not _ACTION_LINE.match(line):
            continue
        calls = _line_calls(line, quirks)
        if calls:
            return calls
    return None


def _line_calls(line: str, quirks: bool) -> list[Invocation]:
    calls: list[Invocation] = []
    covered = 0  # fixed reading: end of the last call's arguments
    for match in _CALL.finditer(line):
        name = match.group(1)
        if quirks:
            calls.append(Invocation(name, _vab_arg_text(line, name)))
            continue
        if match.start() < covered:
            continue  # rgba( inside edit_rule(...)'s arguments
        end = _closing_paren(line, match.end())
        if end is None:
            calls.append(Invocation(name, _vab_arg_text(line[match.start() :], name)))
            covered = len(line)
        else:
            calls.append(Invocation(name, line[match.end() : end]))
            covered = end + 1
    if "revert_last_edit" in line and all(c.name != "revert_last_edit" for c in calls):
        calls.append(Invocation("revert_last_edit", None))
    return calls


def _vab_arg_text(line: str, name: str) -> str | None:
    """VAB's regexes: the text up to the first ``)`` after ``name(`` (at least one
    character for get_selectors_by_html_elements)."""
    body = "(.+?)" if name == _SELECTORS else "(.*?)"
    found = re.findall(rf"{re.escape(name)}\({body}\)", line)
    return found[0] if found else None


def _closing_paren(text: str, start: int) -> int | None:
    """Index of the ``)`` closing the parenthesis opened just before ``start``; quoted
    text is skipped (a backslash escapes inside double quotes, as shlex and Python read)."""
    depth, quote, i = 1, "", start
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def split_arguments(arg_text: str) -> list[str]:
    """VAB's argument list: ``shlex.split`` (raises ``ValueError`` on an open quote), each
    argument without its trailing commas."""
    return [arg.rstrip(",") for arg in shlex.split(arg_text)]


def strip_quotes(text: str) -> str:
    """VAB's clean-up of each argument of ``edit_rule`` and ``select_rule``: whitespace, then
    every leading and trailing ``"``, then ``'``. Harmless for selectors and property names;
    for values it breaks ``"Open Sans", serif`` and ``"a b" "c d"`` (so the fixed reading
    keeps a value's quotes)."""
    return text.strip().strip('"').strip("'")


def arity_error(name: str, given: int) -> str | None:
    """Python 3.9's TypeError text for calling VAB's ``CSSInteractor.<name>`` with
    ``given`` positional arguments, or ``None`` if the count is right."""
    params = VAB_METHODS[name]
    if given > len(params):
        takes = len(params) + 1  # self
        plural = "argument" if takes == 1 else "arguments"
        return (
            f"{name}() takes {takes} positional {plural} but {given + 1} "
            f"{'was' if given + 1 == 1 else 'were'} given"
        )
    missing = [f"'{p}'" for p in params[given:]]
    if not missing:
        return None
    if len(missing) == 1:
        names = missing[0]
    elif len(missing) == 2:
        names = " and ".join(missing)
    else:
        names = ", ".join(missing[:-1]) + ", and " + missing[-1]
    plural = "argument" if len(missing) == 1 else "arguments"
    return f"{name}() missing {len(missing)} required positional {plural}: {names}"


def not_valid(name: str, arguments: list[str], error: object) -> str:
    """VAB's message for a call that raised."""
    return (
        f"{name}({', '.join(arguments)}) is not valid due to exception {error}. "
        "You may make a mistake and need to fix it."
    )


def quote(value: str) -> str:
    """``value`` quoted so that :func:`split_arguments` reads it back unchanged."""
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_call(name: str, args: list[object]) -> str:
    """A call's canonical text for VAB's reading: Python literals for the calls whose
    arguments are read as literals (insert_rule, get_selectors_by_html_elements), strings
    quoted for shlex for the others."""
    if name in ("insert_rule", _SELECTORS):
        return f"{name}({', '.join(repr(a) for a in args)})"
    return f"{name}({', '.join(quote(a) if isinstance(a, str) else repr(a) for a in args)})"
