"""Each env's LMM prompt as data (``prompts/<env>.yaml``): the system text with the env's
action documentation, how a turn's view becomes a message, VAB's history policy and the edits
VAB's harness makes to replies. The LMM agent, exports and chat views all read these files."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from vab_gym.core.actions import ActionSet

_PLACEHOLDER = re.compile(r"\{(actions|output|instruction)\}")


@dataclass(frozen=True)
class HistoryPolicy:
    """What of past turns a request carries.

    ``max_images``: only the newest this many images are sent (``None``: all); older turns keep
    their text with ``image_placeholder`` appended. ``max_turns``: past turns kept besides the
    current one (``None``: all; 0: a fresh prompt every turn), the first ``pinned_turns``
    always kept. ``past_user_text``: replaces a past turn's text (AndroidLab's "** XML **").
    """

    max_images: int | None = None
    max_turns: int | None = None
    image_placeholder: str = ""
    pinned_turns: int = 0
    past_user_text: str | None = None


@dataclass(frozen=True)
class ReplyFormat:
    """How a thought and an action are written in the env's text-mode reply (the file's
    ``reply`` key): ``thought`` (with ``{thought}``) before ``action`` (with ``{action}``);
    no ``thought`` key: the format has no place for one. ``phrases``: actions written as a
    phrase of their own (VAB-CSS's "I have fixed the css style" for ``done()``)."""

    action: str = "{action}"
    thought: str | None = None
    phrases: dict[str, str] = field(default_factory=dict)

    def render(self, action: str, thought: str | None = None) -> str:
        name = action.split("(", 1)[0].strip()
        text = self.phrases.get(name) or self.action.replace("{action}", action)
        if thought and self.thought:
            text = self.thought.replace("{thought}", thought.strip()) + text
        return text


@dataclass(frozen=True)
class PromptTemplate:
    """One env's prompt file, read."""

    env_id: str
    system: str
    output: dict[str, str]
    history: HistoryPolicy
    reply_edits: str = "none"
    reply: ReplyFormat = ReplyFormat()
    system_role: str = "system"
    acknowledgement: str | None = None
    image_caption: str | None = None
    image_format: str = "png"
    image_detail: str | None = None
    sha256: str = ""
    path: str = ""

    def system_text(self, actions: ActionSet, mode: str, instruction: str) -> str:
        """The system text with the action documentation, the mode's output section and
        (where the template asks for it) the instruction filled in."""
        values = {
            "actions": actions.prompt(),
            "output": self.output[mode],
            "instruction": instruction,
        }
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.system).strip()

    def render_reply(self, action: str, thought: str | None = None) -> str:
        """A thought and an action as a text-mode reply in the env's format (the target an
        export trains on when no model reply was recorded)."""
        return self.reply.render(action, thought)


def _files() -> dict[str, Any]:
    return {
        f.name: f
        for f in resources.files(__package__).joinpath("prompts").iterdir()
        if f.name.endswith(".yaml")
    }


@cache
def templates() -> dict[str, PromptTemplate]:
    """Every env's prompt template, by env id."""
    found: dict[str, PromptTemplate] = {}
    for name, file in sorted(_files().items()):
        raw = file.read_bytes()
        data = yaml.safe_load(raw)
        found[data["env"]] = PromptTemplate(
            env_id=data["env"],
            system=data["system"],
            output=data["output"],
            history=HistoryPolicy(**data.get("history", {})),
            reply_edits=data.get("reply_edits", "none"),
            reply=ReplyFormat(**data.get("reply", {})),
            system_role=data.get("system_role", "system"),
            acknowledgement=data.get("acknowledgement"),
            image_caption=data.get("image_caption"),
            image_format=data.get("image_format", "png"),
            image_detail=data.get("image_detail"),
            sha256=hashlib.sha256(raw).hexdigest(),
            path=f"vab_gym/agents/prompts/{name}",
        )
    return found


def template_for(env_id: str) -> PromptTemplate:
    try:
        return templates()[env_id]
    except KeyError:
        raise ValueError(f"no LMM prompt for {env_id!r}; have {sorted(templates())}") from None


# -- VAB's harness edits of a reply (what is sent to the env and kept in the history) ------
_MINECRAFT_SPELLINGS = (
    ("Action:", "ACTION:"),
    ("Observation:", "OBSERVATION:"),
    ("Thought:", "THOUGHT:"),
    ("action:", "ACTION:"),
    ("observation:", "OBSERVATION:"),
    ("thought:", "THOUGHT:"),
)
_END = "<|end_of_text|>"


def _first_section(text: str, word: str) -> str:
    """Everything before the second occurrence of ``word``."""
    return word.join(text.split(word, 2)[:2]) if text.count(word) >= 2 else text


def _cut_thought(text: str) -> str:
    """Minecraft's THOUGHT kept to its first 5 lines (blank ones dropped), and up to the
    first line starting "2. " (VAB's loop, as written)."""
    if "THOUGHT:" not in text or "ACTION:" not in text:
        return text
    thought = text.split("THOUGHT:")[1].split("ACTION:")[0]
    if not thought:  # VAB's split(thought) would raise on an empty separator
        return text
    before, after = text.split(thought)[0], text.split(thought)[-1]
    kept = ""
    for line in thought.split("\n")[:5]:
        if line.strip():
            kept += line + "\n"
            if line.startswith("2. "):
                break
    return before + kept + after


def edit_reply(kind: str, reply: str) -> str:
    """The reply as VAB's harness passes it on. ``omnigibson``: omnigibson/container.py
    ``Container.execute`` (cut at "Action Feedback:", first ACTION and OBSERVATION sections,
    cut at ``<|end_of_text|>``); ``minecraft``: minecraft/container.py ``Container.execute``
    (cut at "Feedback on the Action: ", "Action:"/"Thought:"/"Observation:" spellings made
    upper case, first sections, THOUGHT cut to 5 lines); ``none``: unchanged."""
    if kind == "none":
        return reply
    if kind == "omnigibson":
        reply = reply.split("Action Feedback:")[0]
    elif kind == "minecraft":
        reply = reply.split("Feedback on the Action: ")[0]
        for old, new in _MINECRAFT_SPELLINGS:
            reply = reply.replace(old, new)
    else:
        raise ValueError(f"unknown reply edits {kind!r}")
    reply = _first_section(_first_section(reply, "ACTION"), "OBSERVATION")
    if kind == "minecraft":
        reply = _cut_thought(reply)
    return reply.split("\n" + _END)[0].split(_END)[0]
