"""An episode as the chat messages a model is shown: the one builder behind both the LMM
agent's requests (:class:`~vab_gym.agents.lmm.LMMAgent`) and the SFT exports
(:mod:`vab_gym.trajectories.export`), so a model trained on exported data sees what
``vab-gym bench`` shows it.

A :class:`Conversation` holds the system text and the turns (a view's text and images, and
the assistant message that answered it); :meth:`Conversation.messages` applies the env's
history policy (``prompts/<env>.yaml``); :func:`read_reply` turns a model's reply into the
env's action and the assistant message the history keeps (the agent and the chat view
:mod:`vab_gym.chat` read replies with it). Images are opaque here: the agent passes data URLs,
the exporter store paths; each lands in an ``image_url`` part as its ``url``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from vab_gym.agents.prompting import PromptTemplate, edit_reply
from vab_gym.core.actions import ActionError, ActionSet

POLICY: Any = object()  # sentinel: use the template's history policy for this setting


@dataclass
class Turn:
    """One turn: the view shown (text, images) and the model's reply to it."""

    text: str
    images: list[Any] = field(default_factory=list)
    reply: dict[str, Any] | None = None  # the assistant message kept in the history
    tool_call_id: str | None = None  # set when the reply is a tool call


def text_reply(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def tool_call_reply(
    call_id: str, name: str, arguments: str, content: str | None = None
) -> dict[str, Any]:
    """An assistant tool call as the chat-completions API returns it (arguments: JSON text)."""
    return {
        "role": "assistant",
        "content": content,
        "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
        ],
    }


@dataclass(frozen=True)
class Reply:
    """A model's reply, read: ``raw`` (the text, or the tool call as JSON), ``action`` (the
    text the env gets), ``message`` (the assistant message the history keeps) and
    ``tool_call_id`` (set for a tool call)."""

    raw: str
    action: str
    message: dict[str, Any]
    tool_call_id: str | None = None


def _call_text(name: str, arguments: str) -> str:
    """A tool call the action set rejected, written as call text for the env to answer."""
    try:
        args = json.loads(arguments or "{}")
    except json.JSONDecodeError:
        return f"{name}({arguments})"
    if not isinstance(args, dict):
        return f"{name}({arguments})"
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in args.items())})"


def read_reply(
    template: PromptTemplate,
    actions: ActionSet,
    mode: str,
    content: str,
    call: tuple[str, str, str] | None = None,
) -> Reply:
    """A reply as the LMM agent reads it. ``call``: the reply's (first) tool call as
    ``(id, name, arguments JSON text)``, read in ``mode="tools"``; otherwise the text,
    after VAB's harness edits (``reply_edits``), is both the action and the kept message.
    A reply the env cannot read is passed on as it is: the env answers it with its
    invalid-action feedback."""
    if mode == "tools" and call is not None:
        call_id, name, arguments = call
        try:
            action = actions.from_tool_call(name, arguments)
        except ActionError:
            action = _call_text(name, arguments)  # the env explains what is wrong
        return Reply(
            json.dumps({"name": name, "arguments": arguments}),
            action,
            tool_call_reply(call_id, name, arguments, content or None),
            call_id,
        )
    edited = edit_reply(template.reply_edits, content)
    return Reply(content, edited, text_reply(edited))


class Conversation:
    """The system text and the turns of one episode, and the messages a request carries.

    ``max_images`` and ``max_turns`` override the template's history policy (``POLICY``: the
    template's own; ``None``: no limit).
    """

    def __init__(
        self,
        template: PromptTemplate,
        system: str,
        *,
        max_images: int | None = POLICY,
        max_turns: int | None = POLICY,
    ) -> None:
        self.template = template
        self.system = system
        self.max_images = template.history.max_images if max_images is POLICY else max_images
        self.max_turns = template.history.max_turns if max_turns is POLICY else max_turns
        self.turns: list[Turn] = []

    def add(self, text: str, images: list[Any]) -> Turn:
        turn = Turn(text, list(images))
        self.turns.append(turn)
        return turn

    def head(self) -> list[dict[str, Any]]:
        """The messages before the first turn: the system text (VAB-CSS: as a user message
        followed by the agent's acknowledgement)."""
        template = self.template
        if template.system_role == "user":
            messages: list[dict[str, Any]] = [{"role": "user", "content": self.system}]
            if template.acknowledgement:
                messages.append({"role": "assistant", "content": template.acknowledgement})
            return messages
        return [{"role": "system", "content": self.system}]

    def messages(self) -> list[dict[str, Any]]:
        """The head, then the turns the history policy keeps (the newest is the current
        one; it ends the list with its reply when it has one)."""
        policy = self.template.history
        messages = self.head()
        count = len(self.turns)
        if not count:
            return messages
        kept = list(range(count - 1))  # past turns; the current one is always sent
        if self.max_turns is not None and len(kept) > self.max_turns:
            recent = kept[len(kept) - self.max_turns :] if self.max_turns > 0 else []
            kept = sorted(set(kept[: policy.pinned_turns]) | set(recent))
        kept.append(count - 1)
        budget = self.max_images
        with_images: set[int] = set()
        for index in reversed(kept):  # the newest first, whole turns; the current one always
            shown = len(self.turns[index].images)
            if budget is not None and shown > budget and index != count - 1:
                break
            with_images.add(index)
            budget = None if budget is None else max(0, budget - shown)
        previous: int | None = None
        for index in kept:
            turn = self.turns[index]
            text = turn.text
            if index != count - 1 and policy.past_user_text is not None:
                text = policy.past_user_text
            images = turn.images if index in with_images else []
            if turn.images and not images:
                text += policy.image_placeholder
            call = self.turns[previous] if previous is not None else None
            if call is not None and call.tool_call_id is None:
                call = None
            if call is not None and previous != index - 1:  # the call's result was dropped
                messages.append(
                    {"role": "tool", "tool_call_id": call.tool_call_id, "content": "Omitted."}
                )
                call = None
            messages.extend(self.observation(text, images, call))
            if turn.reply is not None:
                messages.append(turn.reply)
            previous = index
        return messages

    def observation(
        self, text: str, images: list[Any], after_call: Turn | None
    ) -> list[dict[str, Any]]:
        """A view as messages: after a tool call, the ``tool`` result and then the images in
        a user message (the API allows images only there); otherwise one user message."""
        template = self.template
        parts: list[dict[str, Any]] = []
        if images and template.image_caption:
            parts.append({"type": "text", "text": template.image_caption})
        for url in images:
            image_url: dict[str, Any] = {"url": url}
            if template.image_detail:
                image_url["detail"] = template.image_detail
            parts.append({"type": "image_url", "image_url": image_url})
        if after_call is not None:
            out: list[dict[str, Any]] = [
                {"role": "tool", "tool_call_id": after_call.tool_call_id, "content": text}
            ]
            if parts:
                out.append({"role": "user", "content": parts})
            return out
        if not parts:
            return [{"role": "user", "content": text}]
        return [{"role": "user", "content": [{"type": "text", "text": text}, *parts]}]
