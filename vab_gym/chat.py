"""Any env as a multi-turn conversation, for LLM RL trainers (TRL, verl, your own loop).

:class:`ChatEnv` speaks chat messages instead of observations: ``reset`` gives the first
request (the system text and the first user turn with its image), ``step(reply)`` reads the
model's reply, plays it and gives the next user turn with the reward and the env's ``info``.
Everything is the LMM agent's own (:class:`~vab_gym.agents.lmm.LMMAgent`): the prompt
(``prompts/<env>.yaml`` through :class:`~vab_gym.agents.conversation.Conversation`), the
reply reading (:func:`~vab_gym.agents.conversation.read_reply`: VAB's harness edits, tool
calls) and the history policy (:meth:`ChatEnv.messages` is the request the agent would send
now), so a policy trained here sees what ``vab-gym bench`` shows it.

Messages are OpenAI-style dicts with content parts and no tokens, so any tokenizer, chat
template or trainer can take them. Images are data URLs in ``image_url`` parts (what the
agent sends) or, with ``images="pil"``, PIL images in ``{"type": "image", "image": ...}``
parts (the shape Hugging Face chat templates, TRL and verl read).
"""

from __future__ import annotations

import json
from typing import Any

import gymnasium as gym
from PIL import Image

from vab_gym.agents.conversation import POLICY, Conversation, Turn, read_reply
from vab_gym.agents.prompting import PromptTemplate, template_for
from vab_gym.core.actions import ActionError
from vab_gym.core.images import data_url, image_from_data_url

MODES = ("text", "tools")
IMAGE_KINDS = ("url", "pil")

Message = dict[str, Any]


class ChatEnv:
    """An env as a conversation. ``env``: an env or an env id (made with ``make_kwargs``
    and closed by :meth:`close`). ``mode``: ``text`` (VAB's reply formats) or ``tools``
    (one tool call per turn, :attr:`tools` are the schemas). ``images``: ``url`` or ``pil``.
    ``image_format`` (png | jpeg), ``max_image_side``, ``max_images`` and ``max_turns``
    are the LMM agent's options of the same names (``None``: the env's prompt file).

    ``step`` returns ``(turn, reward, terminated, truncated, info)``: ``turn`` is the new
    user turn as messages (a ``tool`` result and a user message with the screenshot after a
    tool call), the same messages that end :meth:`messages`; appended after the model's
    reply it grows one transcript for trainers that keep every turn. ``info`` is the env's,
    plus ``action`` (the text the env got), ``parsed_action`` (the call its parser read, or
    ``None``) and ``reply`` (the assistant message the history keeps). After the last step
    ``turn`` is the env's final feedback; no request follows it. :attr:`observation` is the
    env's latest observation (for a solver, or a policy that also reads arrays),
    :attr:`episode_return` the rewards summed since the reset.
    """

    def __init__(
        self,
        env: gym.Env | str,
        *,
        mode: str = "text",
        images: str = "url",
        image_format: str | None = None,
        max_image_side: int | None = None,
        max_images: int | None = None,
        max_turns: int | None = None,
        **make_kwargs: Any,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        if images not in IMAGE_KINDS:
            raise ValueError(f"images must be one of {IMAGE_KINDS}, not {images!r}")
        if make_kwargs and not isinstance(env, str):
            raise ValueError("make_kwargs are for an env id; this env is already made")
        self._owns_env = isinstance(env, str)
        self.env: gym.Env = gym.make(env, **make_kwargs) if isinstance(env, str) else env
        self.mode = mode
        self.images = images
        self.template: PromptTemplate = template_for(self.env.unwrapped.env_id)
        self.image_format = image_format or self.template.image_format
        self.max_image_side = max_image_side
        self.max_images = max_images
        self.max_turns = max_turns
        self._conversation: Conversation | None = None
        self._decoded: dict[str, Image.Image] = {}  # data URL -> image (images="pil")
        self._done = True
        self._calls = 0
        self.observation: dict[str, Any] | None = None  # the env's latest observation
        self.episode_return = 0.0  # the rewards since reset (sparse: 1.0 on a judged success)

    # -- the conversation -----------------------------------------------------------------
    @property
    def done(self) -> bool:
        """Whether the episode has ended (or never began): ``step`` wants a ``reset``."""
        return self._done

    @property
    def tools(self) -> list[dict[str, Any]] | None:
        """The action set's tool schemas (OpenAI style) in ``mode="tools"``, else ``None``."""
        if self.mode != "tools":
            return None
        return self.env.unwrapped.action_set.tool_schemas("openai")

    def head(self, instruction: str) -> list[Message]:
        """The messages before the first turn for a task with this instruction (the system
        text; VAB-CSS: a user message and the agent's acknowledgement), without a reset: a
        trainer's dataset row can carry them."""
        actions = self.env.unwrapped.action_set
        system = self.template.system_text(actions, self.mode, instruction)
        return Conversation(self.template, system).head()

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[list[Message], dict[str, Any]]:
        """Reset the env; the first request's messages and the env's ``info``."""
        obs, info = self.env.reset(seed=seed, options=options)
        self.observation = obs
        actions = self.env.unwrapped.action_set
        system = self.template.system_text(actions, self.mode, str(obs.get("instruction", "")))
        self._conversation = Conversation(
            self.template,
            system,
            max_images=POLICY if self.max_images is None else self.max_images,
            max_turns=POLICY if self.max_turns is None else self.max_turns,
        )
        self._decoded = {}
        self._calls = 0
        self._done = False
        self.episode_return = 0.0
        self._view()
        return self.messages(), info

    def step(self, reply: str | Message) -> tuple[list[Message], float, bool, bool, dict[str, Any]]:
        """Play the model's reply: its text, or an assistant message (``content`` and, in
        tools mode, ``tool_calls`` as the chat-completions API returns them; the first call
        is played, as the agent does). Garbage never raises: the env answers it with its
        invalid-action feedback in the next turn."""
        if self._conversation is None or self._done:
            raise gym.error.ResetNeeded("call reset() before step() (the episode has ended)")
        content, call = self._split(reply)
        base = self.env.unwrapped
        read = read_reply(self.template, base.action_set, self.mode, content, call)
        turn = self._conversation.turns[-1]
        turn.reply, turn.tool_call_id = read.message, read.tool_call_id
        self.observation, reward, terminated, truncated, info = self.env.step(read.action)
        self.episode_return += float(reward)
        info = {
            **info,
            "action": read.action,
            "parsed_action": _parsed(base, read.action),
            "reply": read.message,
        }
        if terminated or truncated:
            self._done = True
            view = base.model_view()
            urls = self._urls(view.images)
            last = turn if turn.tool_call_id is not None else None
            return (
                self._shown(self._conversation.observation(view.text, urls, last)),
                float(reward),
                terminated,
                truncated,
                info,
            )
        new = self._view()
        after_call = turn if turn.tool_call_id is not None else None
        return (
            self._shown(self._conversation.observation(new.text, new.images, after_call)),
            float(reward),
            terminated,
            truncated,
            info,
        )

    def messages(self) -> list[Message]:
        """The request the LMM agent would send now: the head and the turns its history
        policy keeps, the newest last (before any reply to it)."""
        if self._conversation is None:
            raise gym.error.ResetNeeded("call reset() before messages()")
        return self._shown(self._conversation.messages())

    def close(self) -> None:
        """Close the env if this view made it (idempotent)."""
        if self._owns_env:
            self.env.close()

    def __enter__(self) -> ChatEnv:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers --------------------------------------------------------------------------
    def _view(self) -> Turn:
        """The env's current view (VAB's text and images) as the conversation's new turn."""
        assert self._conversation is not None
        view = self.env.unwrapped.model_view()
        return self._conversation.add(view.text, self._urls(view.images))

    def _urls(self, pngs: tuple[bytes, ...]) -> list[str]:
        return [data_url(png, self.image_format, self.max_image_side) for png in pngs]

    def _split(self, reply: str | Message) -> tuple[str, tuple[str, str, str] | None]:
        """The reply's text and its first tool call ``(id, name, arguments JSON)``."""
        if isinstance(reply, str):
            return reply, None
        if not isinstance(reply, dict):
            raise TypeError(
                "a reply is the model's text or an assistant message (a dict), "
                f"not {type(reply).__name__}"
            )
        content = reply.get("content")
        if isinstance(content, list):  # content parts: their text, in order
            content = "".join(
                str(part.get("text") or "")
                for part in content
                if isinstance(part, dict) and part.get("type") == "text"
            )
        text = content if isinstance(content, str) else ""
        calls = reply.get("tool_calls") or []
        if self.mode != "tools" or not calls or not isinstance(calls, list):
            return text, None
        function = (calls[0] or {}).get("function") or {}
        arguments = function.get("arguments") or "{}"
        if not isinstance(arguments, str):  # a trainer's parser may give a dict
            arguments = json.dumps(arguments)
        self._calls += 1
        call_id = calls[0].get("id") or f"call_{self._calls}"
        return text, (str(call_id), str(function.get("name") or ""), arguments)

    def _shown(self, messages: list[Message]) -> list[Message]:
        """Messages with their images in this view's form (``images="pil"``: decoded)."""
        if self.images == "url":
            return messages
        return [_with_pil(m, self._decode) for m in messages]

    def _decode(self, url: str) -> Image.Image:
        image = self._decoded.get(url)
        if image is None:
            image = self._decoded[url] = image_from_data_url(url)
        return image


def _with_pil(message: Message, decode: Any) -> Message:
    content = message.get("content")
    if not isinstance(content, list):
        return message
    parts = [
        {"type": "image", "image": decode(part["image_url"]["url"])}
        if part.get("type") == "image_url"
        else part
        for part in content
    ]
    return {**message, "content": parts}


def _parsed(env: Any, action: str) -> str | None:
    """The call the env's parser reads in ``action`` (its canonical text), or ``None``."""
    try:
        return str(env.action_set.parse(action))
    except ActionError:
        return None
