"""GRPO on a vab-gym env with TRL's multi-turn environment hook (``environment_factory``).

NOT RUN HERE: no GPU run of this script was made (the machine it was written on has no
GPU, and TRL is not installed there). What was run is the vab-gym side it calls:
``tests/test_chat.py`` drives :func:`environment_class` (its tool methods, ``reset`` and
``get_reward``) and :func:`dataset_rows` on a real env, without TRL.

How it fits TRL (read in huggingface/trl at f2cd577, July 2026: ``trl/trainer/grpo_trainer.py``
``GRPOTrainer.__init__`` docstring and ``_generate_and_score_completions`` / ``_tool_call_loop``,
``docs/source/grpo_trainer.md`` "Environments", ``docs/source/openenv.md`` "How
environment_factory works", ``examples/scripts/openenv/carla_vlm.py``):

- ``environment_factory`` is a no-argument callable; the trainer makes one instance per
  rollout, calls ``reset(**row)`` with the dataset row's columns and appends what it returns
  (a string or content blocks) to the prompt's last user message;
- every public method but ``reset``/``get_reward`` is a tool (schema from its type hints and
  Google-style docstring); its return value, content blocks with
  ``{"type": "image", "image": PIL.Image}``, becomes the ``tool`` message; an exception's
  text goes back to the model as the tool's error;
- ``get_reward()`` is the rollout's reward; the rollout ends when the model answers without
  a tool call (or at ``max_tool_calling_iterations``).

So the env runs in the chat view's ``mode="tools"`` (the LMM agent's tools mode: the same
system text and tool schemas, one action per call) with ``images="pil"``. The dataset row's
``prompt`` carries the system text (``ChatEnv.head``) and an empty user message that the
first view fills. What differs from ``vab-gym bench``: TRL keeps every past turn whole (its
transcript only grows), where VAB's history policy drops past images (Minecraft,
OmniGibson, Mobile, WebArena-Lite) or past turns (WebArena-Lite); and TRL puts the
screenshot inside the tool message, where the chat-completions API needs a user message
after it. docs/llm-rl.md says more.

    python examples/trl_grpo_chat.py --env VAB-Minecraft-v0 --model Qwen/Qwen3-VL-2B-Instruct
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Callable
from typing import Any, Optional

import vab_gym  # noqa: F401  (registers the envs)
from vab_gym.chat import ChatEnv
from vab_gym.core.actions import ActionSpec
from vab_gym.trajectories.export import action_set_for

_RESERVED = ("reset", "get_reward")  # TRL's lifecycle methods, never tools


def tool_result(turn: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A chat-view turn (``images="pil"``) as one tool result in TRL's content blocks: the
    env's text, then the screenshot (and any caption) that the chat view sends after it."""
    blocks: list[dict[str, Any]] = []
    for message in turn:
        content = message["content"]
        if isinstance(content, str):
            blocks.append({"type": "text", "text": content})
        else:
            blocks.extend(content)
    return blocks


def _annotation(param: Any) -> Any:
    """The parameter's type; ``Optional`` (a ``typing.Union``, which older transformers'
    ``get_json_schema`` reads, unlike ``X | None``) where its default is ``None``."""
    if param.required or param.default is not None:
        return param.type
    return Optional[param.type]  # noqa: UP045


def tool_method(spec: ActionSpec) -> Callable[..., list[dict[str, Any]]]:
    """One action as a method TRL exposes as a tool: its name, typed parameters (defaults
    kept) and a Google-style docstring from the action set's declaration."""

    def act(self: Any, **arguments: Any) -> list[dict[str, Any]]:
        return self._act(spec.name, arguments)

    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [
        inspect.Parameter(
            p.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=_annotation(p),
            **({} if p.required else {"default": p.default}),
        )
        for p in spec.params
    ]
    act.__name__ = act.__qualname__ = spec.name
    act.__signature__ = inspect.Signature(params, return_annotation=list)  # type: ignore[attr-defined]
    act.__annotations__ = {**{p.name: _annotation(p) for p in spec.params}, "return": list}
    lines = [spec.description, ""]
    if spec.params:
        lines += ["Args:", *(f"    {p.name}: {p.description}" for p in spec.params), ""]
    lines += ["Returns:", "    The env's feedback and the new screenshot."]
    act.__doc__ = "\n".join(lines)
    return act


def environment_class(env_id: str, **chat_kwargs: Any) -> type:
    """A TRL environment class for ``env_id``: ``reset(task_id=..., seed=...)`` starts the
    row's task and returns the first view, one tool method per action plays it, and
    ``get_reward`` is the episode's return. ``chat_kwargs`` go to each instance's
    :class:`ChatEnv` (``split=...`` and the env's other options). One env per instance
    (TRL reuses instances across rollouts, so an env starts once)."""

    class VabEnvironment:
        def __init__(self) -> None:
            self._chat = ChatEnv(env_id, mode="tools", images="pil", **chat_kwargs)

        def reset(
            self, task_id: str | None = None, seed: int | None = None, **_row: Any
        ) -> list[dict[str, Any]]:
            options = {"task_id": task_id} if task_id else None
            messages, _ = self._chat.reset(seed=seed, options=options)
            return messages[-1]["content"]  # the first view; the head is in the row

        def get_reward(self) -> float:
            return self._chat.episode_return

        def _act(self, name: str, arguments: dict[str, Any]) -> list[dict[str, Any]]:
            if self._chat.done:
                raise ValueError("The episode has ended; answer without a tool call.")
            call = {
                "id": f"call_{name}",
                "type": "function",
                "function": {"name": name, "arguments": arguments},
            }
            turn, *_ = self._chat.step({"role": "assistant", "content": None, "tool_calls": [call]})
            return tool_result(turn)

    for spec in action_set_for(env_id):
        if spec.name in _RESERVED or spec.name.startswith("_"):
            raise ValueError(f"{env_id}: action {spec.name!r} would shadow TRL's {spec.name}")
        setattr(VabEnvironment, spec.name, tool_method(spec))
    VabEnvironment.__name__ = VabEnvironment.__qualname__ = "".join(
        part.capitalize() for part in env_id.replace("-", "_").split("_")
    )
    return VabEnvironment


def dataset_rows(chat: ChatEnv, seeds: int = 1) -> list[dict[str, Any]]:
    """One row per task of the chat view's env (its split) and seed: ``prompt`` (the head
    with the task's instruction, and an empty user message ``reset`` fills), ``task_id``
    and ``seed`` (passed to ``reset``)."""
    tasks = chat.env.unwrapped.tasks
    rows = []
    for task_id in tasks.ids:
        head = chat.head(tasks[task_id].instruction)
        for seed in range(seeds):
            rows.append(
                {
                    "prompt": [*head, {"role": "user", "content": ""}],
                    "task_id": task_id,
                    "seed": seed,
                }
            )
    return rows


def main() -> None:  # pragma: no cover - needs TRL, transformers>=5.2 and a GPU
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="VAB-Minecraft-v0")
    parser.add_argument("--model", default="Qwen/Qwen3-VL-2B-Instruct")
    parser.add_argument("--split", default="train")
    parser.add_argument("--max-steps", type=int, default=100)
    parser.add_argument("--num-generations", type=int, default=4)
    args = parser.parse_args()

    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    with ChatEnv(args.env, mode="tools", split=args.split) as chat:
        rows = dataset_rows(chat)
    trainer = GRPOTrainer(
        model=args.model,
        train_dataset=Dataset.from_list(rows),
        environment_factory=environment_class(args.env, split=args.split),
        args=GRPOConfig(
            max_steps=args.max_steps,
            num_generations=args.num_generations,
            per_device_train_batch_size=args.num_generations,
            max_completion_length=4096,  # the whole episode: every turn and every view
            max_tool_calling_iterations=30,
            chat_template_kwargs={"enable_thinking": False},
            log_completions=True,
        ),
    )
    trainer.train()


if __name__ == "__main__":
    main()
