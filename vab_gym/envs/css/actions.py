"""VAB-CSS's actions (VAB src/server/tasks/css_agent), declared once, and VAB's reading of a
reply (:mod:`vab_gym.envs.css.reply`).

The declaration gives the prompt text, tool schemas and grounding; replies are read as
VAB's ``task.py:start_sample`` reads them: an ``Action...:`` line, every call on it, shlex
arguments. A reply that is one bare call (the suite's canonical syntax, e.g.
``select_rule('.nav')``) is read as if it followed ``Action: ``, where VAB would answer "No
executable function found!". VAB's ``get_selectors_by_html_elements`` ``eval``s a
BeautifulSoup ``find_all`` argument string; here the same string is read as literals only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from vab_gym.core.actions import ActionCall, ActionError, ActionSet, ActionSpec, Param
from vab_gym.envs.css import reply
from vab_gym.envs.css.reply import FIXED_PHRASE, Invocation


@cache
def vab_instructions() -> str:
    """VAB's prompt, verbatim (task.py: INSTRUCTIONS, the "Thought and Action" one in use)."""
    text = resources.files(__package__).joinpath("vab_prompt.yaml").read_text("utf-8")
    return yaml.safe_load(text)["instructions"]


_BARE_CALL = re.compile(r"\w+\(")


@dataclass(frozen=True)
class Reply(ActionCall):
    """A reply read VAB's way: the calls of its action line, to run in order."""

    calls: tuple[Invocation, ...] = ()

    def __str__(self) -> str:
        return "; ".join(str(call) for call in self.calls)


@dataclass(frozen=True)
class CssCall(ActionCall):
    """A call built from its declaration (tool calls, grounding, the solver), written so
    that VAB's reading gives back these arguments."""

    def __str__(self) -> str:
        if self.name == "get_selectors_by_html_elements":
            given = [f"{k}={v!r}" for k, v in self.args.items() if v is not None]
            return f"{self.name}({', '.join(given) or 'name=None'})"
        return reply.format_call(self.name, list(self.args.values()))


class CssActionSet(ActionSet):
    """The CSS actions, with VAB's reading of replies. ``quirks`` reads arguments with
    VAB's regexes (:mod:`~vab_gym.envs.css.reply`); ``hints`` adds the list of actions to
    VAB's "No executable function found!"."""

    def __init__(self, *specs: ActionSpec, quirks: bool = False, hints: bool = False) -> None:
        super().__init__(*specs)
        self.quirks = quirks
        self.hints = hints

    def configured(self, *, quirks: bool, hints: bool) -> CssActionSet:
        return CssActionSet(*self.specs.values(), quirks=quirks, hints=hints)

    def parse(self, text: Any) -> ActionCall:
        """``done`` for VAB's phrase, else a :class:`Reply`; VAB's message if no call."""
        if not isinstance(text, str):
            raise ActionError(f"An action must be a string, got {type(text).__name__}.")
        if reply.finishes(text):
            return ActionCall("done")
        calls = reply.action_calls(text, quirks=self.quirks)
        bare = text.strip()
        if (
            calls is None
            and "\n" not in bare
            and (_BARE_CALL.match(bare) or bare == "revert_last_edit")
        ):
            calls = reply.action_calls(f"Action: {bare}", quirks=self.quirks)
        if calls is None:
            raise ActionError(reply.NO_FUNCTION + (f" {self.hint()}" if self.hints else ""))
        return Reply("reply", {}, tuple(calls))

    def bind(
        self, name: str, positional: list[Any] = (), keywords: Mapping[str, Any] | None = None
    ) -> CssCall:
        call = super().bind(name, positional, keywords)
        return CssCall(call.name, call.args)


def canonical(name: str, *args: Any) -> str:
    """The text of a call (positional arguments) that VAB's reading reads back."""
    return str(CSS_ACTIONS.bind(name, list(args)))


CSS_ACTIONS = CssActionSet(
    ActionSpec(
        "get_selectors_by_html_elements",
        "Find HTML elements (as BeautifulSoup's find_all does) and list the stylesheet's "
        "selectors that match them.",
        (
            Param(
                "name",
                str,
                "tag name, e.g. 'div'; or VAB's find_all argument string, "
                "e.g. \"'a', class_='nav'\"",
                None,
            ),
            Param("attrs", dict, "attributes the elements must have, e.g. {'id': 'main'}", None),
            Param("string", str, "text the elements must contain exactly", None),
            Param("class_", str, "a CSS class the elements must have", None),
            Param("id", str, "the id the element must have", None),
        ),
    ),
    ActionSpec(
        "select_rule",
        "Show the properties of the CSS rule with exactly this selector.",
        (Param("selector", str, "the rule's selector, e.g. '.nav-links a'"),),
    ),
    ActionSpec(
        "edit_rule",
        "Set one property of a rule (added if absent; an empty value removes it); returns "
        "the new screenshot. Most layout issues come from categorical properties: "
        "display, float, position, flex...",
        (
            Param("selector", str, "the rule's selector"),
            Param("property", str, "the CSS property, e.g. 'display'"),
            Param("value", str, "the new value, e.g. 'flex'"),
        ),
    ),
    ActionSpec(
        "insert_rule",
        "Add a new rule at the end of the stylesheet; returns the new screenshot (VAB's "
        "never runs: with vab_quirks=True it only reports success).",
        (
            Param("selector", str, "the new rule's selector"),
            Param("properties", dict, "property -> value, e.g. {'display': 'flex'}"),
        ),
    ),
    ActionSpec("revert_last_edit", "Undo the last edit or insertion (repeatable)."),
    ActionSpec(
        "done",
        f'Finish: the page matches the target (VAB\'s "{FIXED_PHRASE}" is accepted too).',
    ),
)
