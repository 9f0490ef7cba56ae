"""An LMM agent for any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, SGLang,
LiteLLM, a local server), speaking each env's prompt (:mod:`vab_gym.agents.prompting`).

``mode="text"``: the model writes its reply in VAB's format and the reply (after VAB's
harness edits) is the action text. ``mode="tools"``: the action set's tool schemas, one tool
call per turn; the result goes back as a ``tool`` message and the new screenshot in the user
message after it (the API allows images only in user messages). A reply the env cannot read
is passed on as it is: the env answers it with its invalid-action feedback.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import openai

from vab_gym.agents.conversation import POLICY, Conversation, read_reply
from vab_gym.agents.prompting import PromptTemplate, template_for, templates
from vab_gym.core.env import VabEnv, vab_env
from vab_gym.core.errors import VabError
from vab_gym.core.images import data_url

MODES = ("text", "tools")


class LMMError(VabError, RuntimeError):
    """The endpoint failed for good (retries used up, or an error retrying cannot fix);
    ``agent.last_step`` says what happened."""


@dataclass
class _Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    seconds: float = 0.0
    retries: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)


def _retryable(exc: Exception) -> bool:
    """Rate limits, server errors, timeouts and lost connections are worth another try."""
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    return isinstance(exc, openai.APIStatusError) and (
        exc.status_code in (408, 409, 429) or exc.status_code >= 500
    )


class LMMAgent:
    """An agent asking an OpenAI-compatible model for every action.

    ``prices``: US$ per million tokens, ``{"prompt": p, "completion": c}`` (cost 0.0 without).
    ``image_format`` (png | jpeg) and ``max_image_side`` override the env's defaults (VAB's
    PNGs at full resolution; AndroidLab's JPEG); ``max_images`` and ``max_turns`` override the
    env's history policy. ``params`` go into every request as they are (e.g. ``top_p``).

    After each :meth:`act`, :attr:`last_step` holds ``reply`` (the raw text, or the tool call
    as JSON), ``action`` (what the env got), ``prompt_tokens``, ``completion_tokens``,
    ``cost``, ``seconds``, ``retries`` and ``error`` (the last failed attempt's error);
    :attr:`episode` sums them over the episode.
    """

    def __init__(
        self,
        model: str,
        base_url: str,
        api_key: str | None = None,
        mode: str = "text",
        *,
        temperature: float = 0.0,
        max_tokens: int = 512,
        seed: int | None = None,
        timeout: float = 180.0,
        max_retries: int = 10,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        image_format: str | None = None,
        max_image_side: int | None = None,
        max_images: int | None = None,
        max_turns: int | None = None,
        tool_choice: str = "required",
        prices: dict[str, float] | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.model = model
        self.base_url = base_url
        self.mode = mode
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.seed = seed
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.image_format = image_format
        self.max_image_side = max_image_side
        self.max_images = max_images
        self.max_turns = max_turns
        self.tool_choice = tool_choice
        self.prices = dict(prices) if prices else None
        self.params = dict(params or {})
        # Local servers need no key, but the client insists on one.
        self._client = openai.OpenAI(
            base_url=base_url, api_key=api_key or "EMPTY", timeout=timeout, max_retries=0
        )
        self._env: VabEnv | None = None
        self._template: PromptTemplate | None = None
        self._conversation: Conversation | None = None
        self._calls = 0
        self.last_step: dict[str, Any] = {}
        self.episode = _Usage()

    def check(self, timeout: float = 20.0) -> None:
        """Fail early and clearly, before the first episode: :class:`LMMError` when the
        endpoint does not answer or refuses the key, ``ValueError`` naming the served models
        when the model is not among them (an endpoint without ``GET /models`` passes)."""
        client = self._client.with_options(timeout=min(timeout, self.timeout))
        try:
            served = [m.id for m in client.models.list()]
        except openai.NotFoundError:
            return
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise LMMError(
                f"{self.base_url} refused the key (HTTP {exc.status_code}); check --api-key-env"
            ) from exc
        except openai.OpenAIError as exc:
            raise LMMError(
                f"{self.base_url} does not answer: {type(exc).__name__}: {exc}; "
                "is the server running?"
            ) from exc
        if self.model not in served:
            raise ValueError(
                f"{self.base_url} does not serve model {self.model!r}; it serves {sorted(served)}"
            )

    # -- the Agent protocol ---------------------------------------------------------------
    def reset(self, env: gym.Env, obs: dict[str, Any], info: dict[str, Any]) -> None:
        self._env = vab_env(env)
        self._template = template_for(self._env.env_id)
        system = self._template.system_text(
            self._env.action_set, self.mode, str(obs.get("instruction", ""))
        )
        self._conversation = Conversation(
            self._template,
            system,
            max_images=POLICY if self.max_images is None else self.max_images,
            max_turns=POLICY if self.max_turns is None else self.max_turns,
        )
        self.last_step = {}
        self.episode = _Usage()

    def act(self, obs: dict[str, Any], info: dict[str, Any]) -> str:
        if self._env is None or self._template is None or self._conversation is None:
            raise RuntimeError("call reset() before act()")
        view = self._env.model_view()
        image_format = self.image_format or self._template.image_format
        self._conversation.add(
            view.text, [data_url(png, image_format, self.max_image_side) for png in view.images]
        )
        request: dict[str, Any] = {
            "model": self.model,
            "messages": self.messages(),
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            **self.params,
        }
        if self.seed is not None:
            request["seed"] = self.seed
        if self.mode == "tools":
            request.update(
                tools=self._env.action_set.tool_schemas("openai"),
                tool_choice=self.tool_choice,
                parallel_tool_calls=False,
            )
        response, usage = self._complete(request)
        reply, action = self._read(response)
        self.last_step = {
            "reply": reply,
            "action": action,
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "cost": usage.cost,
            "seconds": usage.seconds,
            "retries": usage.retries,
            "error": usage.errors[-1] if usage.errors else None,
        }
        return action

    # -- messages -------------------------------------------------------------------------
    def messages(self) -> list[dict[str, Any]]:
        """The request's messages: the system text, then the turns the history policy
        keeps (the newest is the current one, without a reply yet)."""
        assert self._conversation is not None
        return self._conversation.messages()

    # -- the request ----------------------------------------------------------------------
    def _complete(self, request: dict[str, Any]) -> tuple[Any, _Usage]:
        """The response, with retries and backoff on rate limits, 5xx and timeouts."""
        usage = _Usage()
        start = time.monotonic()
        try:
            for attempt in range(self.max_retries + 1):
                try:
                    response = self._client.chat.completions.create(**request)
                    break
                except openai.OpenAIError as exc:
                    usage.errors.append(f"{type(exc).__name__}: {exc}")
                    if not _retryable(exc) or attempt == self.max_retries:
                        raise LMMError(usage.errors[-1]) from exc
                    usage.retries += 1
                    time.sleep(min(self.max_backoff, self.backoff * 2**attempt))
        except LMMError:
            usage.seconds = time.monotonic() - start
            self._add(usage)
            self.last_step = {
                "reply": None,
                "action": None,
                "prompt_tokens": 0,
                "completion_tokens": 0,
                "cost": 0.0,
                "seconds": usage.seconds,
                "retries": usage.retries,
                "error": usage.errors[-1],
            }
            raise
        usage.seconds = time.monotonic() - start
        counts = getattr(response, "usage", None)
        usage.prompt_tokens = int(getattr(counts, "prompt_tokens", 0) or 0)
        usage.completion_tokens = int(getattr(counts, "completion_tokens", 0) or 0)
        if self.prices:
            usage.cost = (
                usage.prompt_tokens * self.prices.get("prompt", 0.0)
                + usage.completion_tokens * self.prices.get("completion", 0.0)
            ) / 1e6
        self._add(usage)
        return response, usage

    def _add(self, usage: _Usage) -> None:
        total = self.episode
        total.prompt_tokens += usage.prompt_tokens
        total.completion_tokens += usage.completion_tokens
        total.cost += usage.cost
        total.seconds += usage.seconds
        total.retries += usage.retries
        total.requests += 1
        total.errors.extend(usage.errors)

    def _read(self, response: Any) -> tuple[str, str]:
        """The raw reply and the action text; keeps the reply in the current turn."""
        assert self._template is not None and self._env is not None
        assert self._conversation is not None
        turn = self._conversation.turns[-1]
        message = response.choices[0].message if response.choices else None
        content = (message.content if message is not None else None) or ""
        calls = (message.tool_calls if message is not None else None) or []
        call = None
        if self.mode == "tools" and calls:
            first = calls[0]  # one tool call per turn; any others are dropped unanswered
            self._calls += 1
            call = (
                first.id or f"call_{self._calls}",
                first.function.name,
                first.function.arguments or "{}",
            )
        reply = read_reply(self._template, self._env.action_set, self.mode, content, call)
        turn.reply, turn.tool_call_id = reply.message, reply.tool_call_id
        return reply.raw, reply.action

    # -- the record -----------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        """What makes a run with this agent reproducible (the key is never recorded)."""
        return {
            "class": type(self).__name__,
            "model": self.model,
            "base_url": self.base_url,
            "mode": self.mode,
            "temperature": self.temperature,
            "seed": self.seed,
            "max_tokens": self.max_tokens,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "backoff": self.backoff,
            "max_backoff": self.max_backoff,
            "image_format": self.image_format,
            "max_image_side": self.max_image_side,
            "max_images": self.max_images,
            "max_turns": self.max_turns,
            "tool_choice": self.tool_choice,
            "prices": self.prices,
            "params": self.params,
            "prompts": {env_id: t.sha256 for env_id, t in templates().items()},
        }
