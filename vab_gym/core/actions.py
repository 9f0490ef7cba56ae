"""Action sets: each env declares its actions once; parser, prompt text and tool schemas follow.

An action is a Python-style call written as text, e.g. ``edit_rule(".nav", "display", "flex")``.
It is parsed with :mod:`ast` and only literal arguments are accepted: agent text is never
evaluated.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

REQUIRED: Any = object()  # sentinel: the parameter has no default

# The JSON-schema name of each Python literal type a parameter may take.
_JSON_TYPES: dict[type, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    dict: "object",
    list: "array",
}

MAX_ACTION_CHARS = 20_000


class ActionError(ValueError):
    """An action the env cannot carry out; its message is shown to the agent."""


@dataclass(frozen=True)
class Param:
    """One typed parameter of an action."""

    name: str
    type: type
    description: str
    default: Any = REQUIRED

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def check(self, action: str, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise :class:`ActionError`."""
        if value is None and self.default is None:
            return None
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, self.type) and not (self.type is int and isinstance(value, bool)):
            return value
        raise ActionError(
            f"{action}: argument '{self.name}' must be {_JSON_TYPES[self.type]}, "
            f"got {type(value).__name__} {_short(repr(value))}"
        )


@dataclass(frozen=True)
class ActionSpec:
    """An action's name, one-line description and parameters."""

    name: str
    description: str
    params: tuple[Param, ...] = ()

    def signature(self) -> str:
        parts = []
        for p in self.params:
            default = "" if p.required else f"={p.default!r}"
            parts.append(f"{p.name}: {p.type.__name__}{default}")
        return f"{self.name}({', '.join(parts)})"


@dataclass(frozen=True)
class ActionCall:
    """A parsed action: its name and its arguments by parameter name (defaults filled in)."""

    name: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return format_call(self.name, list(self.args.values()))


def format_call(name: str, values: Iterable[Any]) -> str:
    """The canonical text of a call: ``name(arg1, arg2)`` with Python literal syntax."""
    return f"{name}({', '.join(repr(v) for v in values)})"


# An "Action:" line as LMMs write it: "ACTION:", "Action 1:", "**Action**:", "- Action:".
_ACTION_LINE = re.compile(
    r"^[ \t>*#-]*action(?:[ \t]*\d+)?[ \t*]*:[ \t*]*(.*)$", re.IGNORECASE | re.MULTILINE
)
_FENCE = re.compile(r"```[ \t]*(?:[A-Za-z][\w+-]*[ \t]*\n)?(.*?)```", re.DOTALL)


def strip_code(text: str) -> str:
    """``text`` without the code markup LMMs wrap calls in: a ```` ```python ... ``` ````
    fence (its first block), or backticks around the whole text."""
    fence = _FENCE.search(text)
    if fence:
        return fence.group(1).strip()
    text = text.strip()
    while len(text) >= 2 and text[0] == text[-1] == "`":
        text = text[1:-1].strip()
    return text


def action_line(text: str) -> str:
    """The call in an LMM reply: what follows the first ``Action:`` line (or, when that line
    is empty, the code block or line after it), without code markup; else the whole text
    without code markup."""
    match = _ACTION_LINE.search(text)
    if not match:
        return strip_code(text)
    rest = match.group(1).strip()
    if rest and not rest.startswith("```"):
        return strip_code(rest)
    after = text[match.start(1) :].strip()
    if after.startswith("```"):
        return strip_code(after)
    return strip_code(next((line for line in after.splitlines() if line.strip()), ""))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ActionSet:
    """The actions of one env, declared once.

    ``preparsers`` turn accepted alternative syntaxes (VAB's own phrases) into canonical
    call text before parsing; each returns ``None`` when the text is not in its syntax.
    """

    def __init__(
        self, *specs: ActionSpec, preparsers: Iterable[Callable[[str], str | None]] = ()
    ) -> None:
        self.specs: dict[str, ActionSpec] = {s.name: s for s in specs}
        self.preparsers = tuple(preparsers)

    def __contains__(self, name: str) -> bool:
        return name in self.specs

    def __iter__(self):
        return iter(self.specs.values())

    # -- parsing ---------------------------------------------------------------------------
    def parse(self, text: Any) -> ActionCall:
        """Parse one action; raise :class:`ActionError` with a message fit for the agent."""
        if not isinstance(text, str):
            raise ActionError(f"An action must be a string, got {type(text).__name__}.")
        text = text.strip()
        if not text:
            raise ActionError("Empty action. " + self.hint())
        if len(text) > MAX_ACTION_CHARS:
            raise ActionError(
                f"Action too long ({len(text)} characters, limit {MAX_ACTION_CHARS})."
            )
        for preparse in self.preparsers:  # VAB's own phrases, checked on the whole reply
            canonical = preparse(text)
            if canonical is not None:
                text = canonical
                break
        else:
            text = action_line(text)
        try:
            tree = ast.parse(text, mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            raise ActionError(
                f"Cannot parse {_short(text)!r}: {exc.__class__.__name__}. " + self.hint()
            ) from None
        node = tree.body
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            raise ActionError(f"{_short(text)!r} is not an action call. " + self.hint())
        name = node.func.id
        if name not in self.specs:
            raise ActionError(f"Unknown action '{_short(name)}'. " + self.hint())
        try:
            positional = [ast.literal_eval(a) for a in node.args]
            keywords = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
            raise ActionError(
                f"{name}: arguments must be literals (strings, numbers, lists, dicts, "
                "True/False/None)."
            ) from None
        if None in keywords:  # a **kwargs expansion
            raise ActionError(f"{name}: '**' arguments are not allowed.")
        return self.bind(name, positional, {str(k): v for k, v in keywords.items()})

    def bind(
        self, name: str, positional: Sequence[Any] = (), keywords: Mapping[str, Any] | None = None
    ) -> ActionCall:
        """Check arguments against the declaration and fill in defaults."""
        spec = self.specs.get(name)
        if spec is None:
            raise ActionError(f"Unknown action '{_short(str(name))}'. " + self.hint())
        keywords = dict(keywords or {})
        if len(positional) > len(spec.params):
            raise ActionError(
                f"{name} takes {len(spec.params)} argument(s), got {len(positional)}. "
                f"Usage: {spec.signature()}"
            )
        values: dict[str, Any] = {}
        for param, value in zip(spec.params, positional, strict=False):
            values[param.name] = value
        for key, value in keywords.items():
            if key not in {p.name for p in spec.params}:
                raise ActionError(
                    f"{name}: unknown argument '{_short(key)}'. Usage: {spec.signature()}"
                )
            if key in values:
                raise ActionError(f"{name}: argument '{key}' given twice.")
            values[key] = value
        args: dict[str, Any] = {}
        for param in spec.params:
            if param.name in values:
                args[param.name] = param.check(name, values[param.name])
            elif param.required:
                raise ActionError(
                    f"{name}: missing argument '{param.name}'. Usage: {spec.signature()}"
                )
            else:
                args[param.name] = param.default
        return ActionCall(name, args)

    def hint(self) -> str:
        return "Valid actions: " + ", ".join(s.signature() for s in self.specs.values()) + "."

    # -- derived views ---------------------------------------------------------------------
    def prompt(self) -> str:
        """Action documentation for an LMM prompt: one entry per action."""
        lines = []
        for spec in self.specs.values():
            lines.append(f"- {spec.signature()}: {spec.description}")
            lines.extend(f"    {p.name}: {p.description}" for p in spec.params)
        return "\n".join(lines)

    def tool_schemas(self, style: str = "openai") -> list[dict[str, Any]]:
        """Function-calling schemas, ``style`` ``"openai"`` or ``"anthropic"``."""
        tools = []
        for spec in self.specs.values():
            parameters = {
                "type": "object",
                "properties": {
                    p.name: {"type": _JSON_TYPES[p.type], "description": p.description}
                    for p in spec.params
                },
                "required": [p.name for p in spec.params if p.required],
            }
            if style == "openai":
                tools.append(
                    {
                        "type": "function",
                        "function": {
                            "name": spec.name,
                            "description": spec.description,
                            "parameters": parameters,
                        },
                    }
                )
            elif style == "anthropic":
                tools.append(
                    {"name": spec.name, "description": spec.description, "input_schema": parameters}
                )
            else:
                raise ValueError(f"unknown tool schema style {style!r}")
        return tools

    def from_tool_call(self, name: str, arguments: str | Mapping[str, Any]) -> str:
        """Canonical action text for a function call returned by an LMM API."""
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments or "{}")
            except json.JSONDecodeError as exc:
                raise ActionError(f"{name}: tool arguments are not JSON ({exc}).") from None
        if not isinstance(arguments, Mapping):
            raise ActionError(f"{name}: tool arguments must be a JSON object.")
        return str(self.bind(name, [], arguments))
