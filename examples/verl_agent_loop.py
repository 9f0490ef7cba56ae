"""A verl agent loop that plays a vab-gym env through the chat view (``ChatEnv``).

NOT RUN HERE: no GPU run of this agent loop was made (the machine it was written on has no
GPU, and verl is not installed there). What was run is the vab-gym side it calls:
``tests/test_chat.py`` drives :func:`verl_turn`, :func:`dataset_rows` and
:func:`play_turns` (the loop's env half, with a scripted model) on a real env, without verl.

How it fits verl (read in volcengine/verl at b178a3c, January 2026:
``verl/experimental/agent_loop/agent_loop.py`` ``AgentLoopBase``, ``AgentLoopOutput``,
``register`` and ``AsyncLLMServerManager.generate``; ``tool_agent_loop.py``, whose
tool turns with images this loop's env turns follow; ``docs/advance/agent_loop.rst``):

- an agent loop is an ``AgentLoopBase`` subclass registered by name (``@register``); a
  dataset row picks it with its ``agent_name`` column, and ``run(sampling_params, **row)``
  returns one ``AgentLoopOutput``: ``prompt_ids``, ``response_ids`` (the model's tokens
  and the env's, one sequence), ``response_mask`` (1 for the model's), ``multi_modal_data``
  and, here, ``reward_score`` (the episode's return: the env's judge);
- generation is token in, token out (``server_manager.generate``); the env's turns are
  tokenized with ``apply_chat_template(..., remove_system_prompt=True)`` and masked out, as
  ``ToolAgentLoop`` does for tool results.

The model writes text replies in the env's VAB format (``ChatEnv`` in ``mode="text"``,
the LMM agent's default); ``images="pil"`` gives the processor PIL images. As with every
token-sequence trainer, the transcript only grows: VAB's history policy (past images
dropped, WebArena-Lite's fresh prompt every turn) is not applied; docs/llm-rl.md says more.

Data: ``python examples/verl_agent_loop.py --env VAB-Minecraft-v0 --out data/vab`` writes
``train.parquet``; train with verl's PPO/GRPO trainer and
``actor_rollout_ref.rollout.mode=async``, ``actor_rollout_ref.rollout.agent.agent_loop_config_path``
pointing at a config that names this module's ``VabChatAgentLoop`` (or import this module
in the worker so ``@register`` runs).
"""

from __future__ import annotations

import argparse
import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any
from uuid import uuid4

import gymnasium as gym
from gymnasium.envs.registration import load_env_creator

import vab_gym  # noqa: F401  (registers the envs)
from vab_gym.chat import ChatEnv

AGENT_NAME = "vab_chat"


def verl_turn(messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Any]]:
    """Chat-view messages (``images="pil"``) as verl tokenizes them: each image part a
    ``{"type": "image"}`` placeholder for the chat template, the images in order beside
    (``apply_chat_template(messages, images=...)``)."""
    out, images = [], []
    for message in messages:
        content = message["content"]
        if isinstance(content, list):
            parts = []
            for part in content:
                if part.get("type") == "image":
                    images.append(part["image"])
                    parts.append({"type": "image"})
                else:
                    parts.append(part)
            message = {**message, "content": parts}
        out.append(message)
    return out, images


def play_turns(
    chat: ChatEnv,
    task_id: str | None,
    seed: int | None,
) -> Iterator[tuple[list[dict[str, Any]], bool]]:
    """The env half of the loop, as a generator: yields ``(messages, done)``: first the
    whole first request, then after each reply sent in (``.send(text)``) the new turn, with
    ``done`` once the episode ended (the final feedback is not sent to the model);
    ``chat.episode_return`` is the reward."""
    options = {"task_id": task_id} if task_id else None
    messages, _ = chat.reset(seed=seed, options=options)
    reply = yield messages, False
    while True:
        turn, _, terminated, truncated, _ = chat.step(reply)
        reply = yield turn, terminated or truncated


class ChatPool:
    """Chat views kept per env id and split, reused across samples: an env (a browser, a
    world) starts once per worker, not once per rollout; one sample holds a view at a time."""

    def __init__(self, factory: Callable[[str, str], ChatEnv] | None = None) -> None:
        self._factory = factory or (
            lambda env_id, split: ChatEnv(env_id, images="pil", split=split)
        )
        self._free: dict[tuple[str, str], list[ChatEnv]] = {}
        self._lock = threading.Lock()

    def take(self, env_id: str, split: str) -> ChatEnv:
        with self._lock:
            free = self._free.setdefault((env_id, split), [])
            if free:
                return free.pop()
        return self._factory(env_id, split)

    def give(self, env_id: str, split: str, chat: ChatEnv) -> None:
        with self._lock:
            self._free.setdefault((env_id, split), []).append(chat)


def dataset_rows(env_id: str, split: str = "train", seeds: int = 1) -> list[dict[str, Any]]:
    """verl dataset rows (``RLHFDataset``: a ``prompt`` column of messages): the agent loop
    builds the real prompt from the env, so ``prompt`` is only the instruction (for
    verl's length filter and logs); ``extra_info`` names the episode."""
    tasks = load_env_creator(gym.spec(env_id).entry_point).default_tasks(split)
    return [
        {
            "data_source": env_id,
            "agent_name": AGENT_NAME,
            "prompt": [{"role": "user", "content": tasks[task_id].instruction}],
            "reward_model": {"style": "env", "ground_truth": ""},
            "extra_info": {"env_id": env_id, "split": split, "task_id": task_id, "seed": seed},
        }
        for task_id in tasks.ids
        for seed in range(seeds)
    ]


try:  # verl is not installed where this was written: the helpers above import without it
    from verl.experimental.agent_loop.agent_loop import (
        AgentLoopBase,
        AgentLoopOutput,
        register,
    )
except ImportError:  # pragma: no cover - depends on the machine
    AgentLoopBase = None

if AgentLoopBase is not None:  # pragma: no cover - needs verl, an inference server, a GPU
    POOL = ChatPool()

    @register(AGENT_NAME)
    class VabChatAgentLoop(AgentLoopBase):
        """One episode per sample: the env's turns in, the model's replies out."""

        async def run(self, sampling_params: dict[str, Any], **kwargs: Any) -> AgentLoopOutput:
            extra = kwargs["extra_info"]
            loop = asyncio.get_running_loop()
            response_length = self.config.actor_rollout_ref.rollout.response_length
            where = (extra["env_id"], extra["split"])
            chat = await loop.run_in_executor(None, POOL.take, *where)
            try:
                turns = play_turns(chat, extra.get("task_id"), extra.get("seed"))
                messages, done = await loop.run_in_executor(None, next, turns)
                messages, images = verl_turn(messages)
                prompt_ids = await self.apply_chat_template(messages, images=images or None)
                response_ids: list[int] = []
                mask: list[int] = []
                logprobs: list[float] = []
                request_id, turns_played = uuid4().hex, 0
                while not done and len(mask) < response_length:
                    output = await self.server_manager.generate(
                        request_id=request_id,
                        prompt_ids=prompt_ids + response_ids,
                        sampling_params=sampling_params,
                        image_data=images or None,
                    )
                    response_ids += output.token_ids
                    mask += [1] * len(output.token_ids)
                    logprobs += output.log_probs or [0.0] * len(output.token_ids)
                    text = self.tokenizer.decode(output.token_ids, skip_special_tokens=True)
                    turn, done = await loop.run_in_executor(None, turns.send, text)
                    turns_played += 1
                    if done:
                        break
                    turn, new_images = verl_turn(turn)
                    ids = await self.apply_chat_template(
                        turn, images=new_images or None, remove_system_prompt=True
                    )
                    images += new_images
                    response_ids += ids
                    mask += [0] * len(ids)
                    logprobs += [0.0] * len(ids)
                return AgentLoopOutput(
                    prompt_ids=prompt_ids,
                    response_ids=response_ids[:response_length],
                    response_mask=mask[:response_length],
                    response_logprobs=logprobs[:response_length],
                    multi_modal_data={"images": images} if images else {},
                    reward_score=chat.episode_return,
                    num_turns=2 * turns_played + 1,
                    metrics={},
                    extra_fields={"task_id": extra.get("task_id")},
                )
            finally:
                POOL.give(*where, chat)


def main() -> None:  # pragma: no cover - writes the data verl trains on
    parser = argparse.ArgumentParser(description="verl dataset rows for the vab_chat loop")
    parser.add_argument("--env", default="VAB-Minecraft-v0")
    parser.add_argument("--split", default="train")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--out", default="data/vab")
    args = parser.parse_args()

    import os

    import datasets

    os.makedirs(args.out, exist_ok=True)
    rows = dataset_rows(args.env, args.split, args.seeds)
    datasets.Dataset.from_list(rows).to_parquet(os.path.join(args.out, "train.parquet"))
    print(f"{len(rows)} rows -> {args.out}/train.parquet")


if __name__ == "__main__":
    main()
