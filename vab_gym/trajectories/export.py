"""SFT exports of an episode store: LLaMA-Factory, TRL, OpenAI fine-tuning and HF parquet
(``vab-gym export``; docs/trajectories.md "Reading and exporting").

Every sample's messages come from :class:`~vab_gym.agents.conversation.Conversation` with the
env's prompt template, the builder :class:`~vab_gym.agents.lmm.LMMAgent` sends requests with:
a model trained on them sees what ``vab-gym bench`` shows it. The prompt of step ``i`` is
built from the view before it (``reset.view``, then ``steps[i-2].view``) when the store has
views, else from the step's text observation and screenshot (``meta.source`` says which).
Its target is the model's recorded reply (LMM episodes, as the agent keeps it after VAB's
reply edits) or the env's reply format filled with the step's thought and action
(``reply`` in ``prompts/<env>.yaml``); in tools mode, the tool call of the action.
Injected steps (recovery episodes) and invalid actions are never trained on: they stay in
the history as what happened.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym
from gymnasium.envs.registration import load_env_creator

from vab_gym.agents.conversation import POLICY, Conversation, Turn, text_reply, tool_call_reply
from vab_gym.agents.prompting import PromptTemplate, edit_reply, template_for
from vab_gym.core.actions import ActionError, ActionSet
from vab_gym.core.images import data_url
from vab_gym.trajectories import Trajectories

FORMATS = ("llamafactory", "trl", "openai", "hf")
IMAGE_TOKEN = "<image>"  # LLaMA-Factory's placeholder (data/README.md, mllm_demo.json)
LF_PLACEHOLDERS = (IMAGE_TOKEN, "<video>", "<audio>")  # all counted by its mm_plugin
DATASET_NAME = "vab_sft"


@dataclass(frozen=True)
class ExportOptions:
    """``per``: ``step`` (one sample per trained step, the history as the agent sends it)
    or ``episode`` (one multi-turn sample per episode, split where a format cannot mask a
    turn). ``images``: ``last`` (only the newest image), ``all``, or a number of images;
    ``None``: ``last`` per step, ``all`` per episode."""

    format: str
    per: str = "step"
    images: str | None = None
    success_only: bool = False
    mode: str = "text"
    filters: dict[str, Any] = field(default_factory=dict)

    def image_budget(self) -> int | None:
        images = self.images or ("last" if self.per == "step" else "all")
        if images == "last":
            return 1
        if images == "all":
            return None
        if not images.isdigit():
            raise ValueError(f"--images wants last, all or a number, not {images!r}")
        return int(images)


@dataclass
class Sample:
    """One training sample in OpenAI chat shape; images are store paths in ``image_url``
    parts. ``trained[i]`` says whether message ``i`` (an assistant message) is a target."""

    messages: list[dict[str, Any]]
    trained: list[bool]
    tools: list[dict[str, Any]] | None
    meta: dict[str, Any]
    cuts: list[int] = field(default_factory=list)  # untrained step replies (per episode)

    def segments(self) -> list[tuple[int, int]]:
        """Message ranges ``[start, end)`` between the untrained step replies, each with a
        trained turn: what a format that trains every assistant turn can keep."""
        bounds = [-1, *self.cuts, len(self.messages)]
        return [(a + 1, b) for a, b in itertools.pairwise(bounds) if any(self.trained[a + 1 : b])]


# -- from an episode to its turns --------------------------------------------------------
def action_set_for(env_id: str) -> ActionSet:
    """The env's declared actions (its class attribute: no env is built)."""
    import vab_gym  # noqa: F401  (registers the envs)

    return load_env_creator(gym.spec(env_id).entry_point).action_set


def _views(episode: dict[str, Any]) -> tuple[list[tuple[str, list[str]]], str]:
    """The view each step was decided on, and where it came from (``view`` | ``observation``)."""
    steps = episode["steps"]
    befores = [episode["reset"], *steps[:-1]]
    if all(before.get("view") for before in befores):
        return [(b["view"]["text"], list(b["view"].get("images", []))) for b in befores], "view"
    views = []
    for index, before in enumerate(befores):
        images = dict(before.get("images") or {})
        screen = images.pop("image", None)
        shown = [*images.values()] if index == 0 else []  # reset extras (CSS's target) first
        views.append((before.get("text", ""), [*shown, *([screen] if screen else [])]))
    return views, "observation"


def _is_lmm(episode: dict[str, Any]) -> bool:
    agent = episode.get("agent") or {}
    return agent.get("kind") == "lmm" or agent.get("class") == "LMMAgent"


def _tool_call(actions: ActionSet, step: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The step's action as a tool call (name, arguments), or ``None`` if it is no call."""
    recorded = step.get("tool_call")
    if isinstance(recorded, dict) and "name" in recorded:
        arguments = recorded.get("arguments") or {}
        return recorded["name"], json.loads(arguments) if isinstance(arguments, str) else arguments
    try:  # the env's syntaxes (its preparsers), read into a plain call (CSS reads replies)
        call = ActionSet.parse(actions, step.get("action") or "")
    except ActionError:
        return None
    spec = actions.specs[call.name]
    defaults = {p.name: p.default for p in spec.params if not p.required}
    return call.name, {k: v for k, v in call.args.items() if k not in defaults or defaults[k] != v}


def _reply(
    template: PromptTemplate,
    actions: ActionSet,
    episode: dict[str, Any],
    step: dict[str, Any],
    mode: str,
) -> tuple[dict[str, Any], str, str | None]:
    """The assistant message of a step, what it is (``reply`` | ``rendered`` | ``tool_call``)
    and, for a tool call, its id."""
    thought = step.get("thought")
    if mode == "tools":
        call = _tool_call(actions, step)
        if call is not None:
            call_id = f"call_{step.get('step')}"
            message = tool_call_reply(call_id, call[0], json.dumps(call[1]), thought or None)
            return message, "tool_call", call_id
        return text_reply(step.get("action") or ""), "rendered", None
    reply = step.get("reply")
    if reply and _is_lmm(episode) and (episode.get("agent") or {}).get("mode", "text") == "text":
        return text_reply(edit_reply(template.reply_edits, reply)), "reply", None
    return text_reply(template.render_reply(step.get("action") or "", thought)), "rendered", None


def _trainable(step: dict[str, Any]) -> bool:
    return not step.get("injected") and not step.get("action_error")


def episode_turns(
    episode: dict[str, Any],
    mode: str = "text",
) -> tuple[PromptTemplate, str, list[Turn], list[str], str]:
    """An episode's template, system text, turns (the view before each step and the step's
    assistant message), each target's kind, and the prompts' source."""
    template = template_for(episode["env_id"])
    actions = action_set_for(episode["env_id"])
    system = template.system_text(actions, mode, str(episode.get("instruction", "")))
    views, source = _views(episode)
    turns, kinds = [], []
    for (text, images), step in zip(views, episode["steps"], strict=True):
        message, kind, call_id = _reply(template, actions, episode, step, mode)
        turns.append(Turn(text, images, message, call_id))
        kinds.append(kind)
    return template, system, turns, kinds, source


def samples(episode: dict[str, Any], options: ExportOptions) -> list[Sample]:
    """The training samples of one episode."""
    template, system, turns, kinds, source = episode_turns(episode, options.mode)
    steps = episode["steps"]
    tools = (
        action_set_for(episode["env_id"]).tool_schemas("openai")
        if options.mode == "tools"
        else None
    )
    base = {
        "episode": episode["id"],
        "env_id": episode["env_id"],
        "task_id": episode["task_id"],
        "strategy": episode.get("strategy"),
        "success": bool(episode.get("success")),
        "source": source,
    }
    budget = options.image_budget()
    out: list[Sample] = []
    if options.per == "step":
        for index, step in enumerate(steps):
            if not _trainable(step):
                continue
            conversation = Conversation(template, system, max_images=budget, max_turns=POLICY)
            conversation.turns = [*turns[:index], Turn(turns[index].text, turns[index].images)]
            messages = [*conversation.messages(), turns[index].reply]
            trained = [i == len(messages) - 1 for i in range(len(messages))]
            out.append(
                Sample(
                    messages,
                    trained,
                    tools,
                    {**base, "steps": [step.get("step")], "target": kinds[index]},
                )
            )
        return out
    if options.per != "episode":
        raise ValueError(f"--per wants step or episode, not {options.per!r}")
    conversation = Conversation(template, system, max_images=budget, max_turns=None)
    conversation.turns = turns
    messages = conversation.messages()
    reply_at = {id(turn.reply): index for index, turn in enumerate(turns)}
    step_of = {i: reply_at[id(m)] for i, m in enumerate(messages) if id(m) in reply_at}
    trained = [i in step_of and _trainable(steps[step_of[i]]) for i in range(len(messages))]
    cuts = [i for i, index in step_of.items() if not _trainable(steps[index])]
    if any(trained):
        out.append(
            Sample(
                messages,
                trained,
                tools,
                {
                    **base,
                    "steps": [steps[step_of[i]].get("step") for i, t in enumerate(trained) if t],
                    "target": sorted({kinds[step_of[i]] for i, t in enumerate(trained) if t}),
                },
                cuts=sorted(cuts),
            )
        )
    return out


# -- formats -------------------------------------------------------------------------------
def _images_of(messages: list[dict[str, Any]]) -> list[str]:
    return [
        part["image_url"]["url"]
        for m in messages
        if isinstance(m.get("content"), list)
        for part in m["content"]
        if part.get("type") == "image_url"
    ]


def _lf_literal(text: str) -> str:
    """Text with LLaMA-Factory's media placeholders broken up: it counts every literal
    ``<image>``, ``<video>`` and ``<audio>`` (a page's HTML may hold them) as media."""
    for token in LF_PLACEHOLDERS:
        text = text.replace(token, token[:-1] + " >")
    return text


def _lf_text(content: Any) -> str:
    if isinstance(content, str):
        return _lf_literal(content)
    pieces = [
        IMAGE_TOKEN if part["type"] == "image_url" else _lf_literal(part["text"])
        for part in content
    ]
    return "\n".join(pieces)


def llamafactory_rows(sample: Sample, head: int) -> list[dict[str, Any]]:
    """ShareGPT ``messages`` + ``images`` rows (LLaMA-Factory data/README.md): string
    contents with one ``<image>`` per image; tool calls as ``function_call``, results (and
    the screenshot after them) as one ``observation``. LLaMA-Factory trains every assistant
    turn (``mask_history`` trains only the last), so a per-episode sample is cut after each
    untrained turn; the part after it restarts from the system text."""
    rows = []
    for start, end in sample.segments():
        messages = (
            sample.messages[:end]
            if start == 0
            else sample.messages[:head] + sample.messages[start:end]
        )
        while messages[-1]["role"] != "assistant":
            messages = messages[:-1]
        converted: list[dict[str, str]] = []
        for message in messages:
            role, content = message["role"], message.get("content")
            if role == "assistant" and message.get("tool_calls"):
                function = message["tool_calls"][0]["function"]
                converted.append(
                    {
                        "role": "function_call",
                        "content": json.dumps(
                            {
                                "name": function["name"],
                                "arguments": json.loads(function["arguments"]),
                            }
                        ),
                    }
                )
            elif role == "tool":
                converted.append({"role": "observation", "content": _lf_text(content)})
            elif role == "user" and converted and converted[-1]["role"] == "observation":
                converted[-1]["content"] += "\n" + _lf_text(content)  # keep roles alternating
            else:
                converted.append({"role": role, "content": _lf_text(content)})
        row: dict[str, Any] = {"messages": converted, "images": _images_of(messages)}
        if sample.tools is not None:
            row["tools"] = json.dumps([tool["function"] for tool in sample.tools])
        rows.append(row)
    return rows


def _trl_message(message: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A message in TRL's vision shape: content parts ``{"type": "image"}`` /
    ``{"type": "text"}``; tool calls with dict arguments; tool results named. Every message
    has every key (``None`` where it does not apply), so all rows share one schema."""
    content = message.get("content")
    if isinstance(content, list):
        parts = [
            {"type": "image", "text": None}
            if part["type"] == "image_url"
            else {"type": "text", "text": part["text"]}
            for part in content
        ]
    else:
        parts = [{"type": "text", "text": content}] if content else []
    calls = [
        {
            "type": "function",
            "function": {
                "name": call["function"]["name"],
                "arguments": json.loads(call["function"]["arguments"]),
            },
        }
        for call in message.get("tool_calls") or []
    ]
    return {
        "role": message["role"],
        "content": parts,
        "tool_calls": calls or None,
        "name": names.get(message.get("tool_call_id", "")) if message["role"] == "tool" else None,
    }


def trl_rows(sample: Sample) -> list[dict[str, Any]]:
    """Conversational prompt-completion rows with an ``images`` column (TRL
    docs/source/dataset_formats.md; SFTTrainer trains the completion only). A per-episode
    sample becomes one row per run of trained turns, its prompt all that came before."""
    rows = []
    for start, end in sample.segments():
        first = next(i for i in range(start, end) if sample.trained[i])
        last = max(i for i in range(start, end) if sample.trained[i])
        prompt, completion = sample.messages[:first], sample.messages[first : last + 1]
        names = {
            call["id"]: call["function"]["name"]
            for m in sample.messages
            for call in m.get("tool_calls") or []
        }
        row: dict[str, Any] = {
            "prompt": [_trl_message(m, names) for m in prompt],
            "completion": [_trl_message(m, names) for m in completion],
            "images": _images_of(prompt + completion),
        }
        if sample.tools is not None:
            row["tools"] = json.dumps(sample.tools)
        rows.append(row)
    return rows


def openai_row(sample: Sample, root: Path, image_format: str) -> dict[str, Any]:
    """OpenAI chat fine-tuning: images as data URLs (user messages only, as the agent sends
    them); assistant messages not trained carry ``"weight": 0``."""
    messages = []
    for index, message in enumerate(sample.messages):
        message = json.loads(json.dumps(message))
        if isinstance(message.get("content"), list):
            for part in message["content"]:
                if part["type"] == "image_url":
                    png = (root / part["image_url"]["url"]).read_bytes()
                    part["image_url"]["url"] = data_url(png, image_format)
        if message["role"] == "assistant":
            message["weight"] = 1 if sample.trained[index] else 0
        messages.append(message)
    row: dict[str, Any] = {"messages": messages}
    if sample.tools is not None:
        row.update(tools=sample.tools, parallel_tool_calls=False)
    return row


# -- writing -------------------------------------------------------------------------------
def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "w") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _copy_images(root: Path, out: Path, paths: set[str]) -> None:
    """The store's images under OUT at the same relative paths (hard links where possible)."""
    for relative in sorted(paths):
        target = out / relative
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(root / relative, target)
        except OSError:
            shutil.copyfile(root / relative, target)


def _parquet(rows: list[dict[str, Any]], root: Path, path: Path) -> Any:
    """Rows as a ``datasets.Dataset`` with ``images`` as ``List(Image())`` (bytes embedded)
    and tool-call arguments as ``Json()`` (TRL docs/source/dataset_formats.md), written to
    ``path`` as parquet."""
    import datasets

    sequence = getattr(datasets, "List", None) or datasets.Sequence  # List: datasets >= 4
    text = datasets.Value("string")
    # Json (datasets >= 4.7) keeps each call's arguments a dict of its own keys and types
    json_type = datasets.Json() if hasattr(datasets, "Json") else text
    message = {
        "role": text,
        "content": sequence({"type": text, "text": text}),
        "tool_calls": sequence(json_type),
        "name": text,
    }
    features = {
        "prompt": sequence(message),
        "completion": sequence(message),
        "images": sequence(datasets.Image()),
    }
    for row in rows:
        row["images"] = [
            {"bytes": (root / p).read_bytes(), "path": Path(p).name} for p in row["images"]
        ]
        if json_type is text:
            for m in row["prompt"] + row["completion"]:
                m["tool_calls"] = [json.dumps(c) for c in m["tool_calls"] or []] or None
    for key in rows[0] if rows else ():
        if key not in features:
            features[key] = datasets.Value("bool") if key == "success" else text
    dataset = datasets.Dataset.from_list(rows, features=datasets.Features(features))
    path.parent.mkdir(parents=True, exist_ok=True)
    dataset.to_parquet(str(path))
    return dataset


def export(
    store: str | os.PathLike[str],
    out: str | os.PathLike[str],
    options: ExportOptions,
    push_to_hub: str | None = None,
) -> dict[str, Any]:
    """Write the export to ``out``; returns its manifest (also ``out/manifest.json``)."""
    if options.format not in FORMATS:
        raise ValueError(f"--format wants one of {FORMATS}, not {options.format!r}")
    if options.mode not in ("text", "tools"):
        raise ValueError(f"--mode wants text or tools, not {options.mode!r}")
    data = Trajectories(store)
    root, out = data.store.root, Path(out)
    out.mkdir(parents=True, exist_ok=True)
    filters = dict(options.filters)
    if options.success_only:
        filters["success"] = True
    rows: list[dict[str, Any]] = []
    metas: list[dict[str, Any]] = []
    episodes = 0
    for episode in data.episodes(**filters):
        episodes += 1
        head = len(Conversation(template_for(episode["env_id"]), "").head())
        image_format = template_for(episode["env_id"]).image_format
        for sample in samples(episode, options):
            if options.format == "llamafactory":
                made = llamafactory_rows(sample, head)
            elif options.format in ("trl", "hf"):
                made = trl_rows(sample)
            else:
                made = [openai_row(sample, root, image_format)]
            rows.extend(made)
            metas.extend([sample.meta] * len(made))
    manifest: dict[str, Any] = {
        "format": options.format,
        "per": options.per,
        "mode": options.mode,
        "images": options.images or ("last" if options.per == "step" else "all"),
        "success_only": options.success_only,
        "filters": options.filters,
        "store": str(root),
        "episodes": episodes,
        "samples": len(rows),
        "prompts": "vab_gym/agents/prompts (LMMAgent's templates)",
    }
    if options.format == "llamafactory":
        _write_jsonl(out / f"{DATASET_NAME}.jsonl", rows)
        _copy_images(root, out, {p for row in rows for p in row["images"]})
        columns = {"messages": "messages", "images": "images"}
        if options.mode == "tools":
            columns["tools"] = "tools"
        info = {
            DATASET_NAME: {
                "file_name": f"{DATASET_NAME}.jsonl",
                "formatting": "sharegpt",
                "columns": columns,
                "tags": {
                    "role_tag": "role",
                    "content_tag": "content",
                    "user_tag": "user",
                    "assistant_tag": "assistant",
                    "system_tag": "system",
                    "observation_tag": "observation",
                    "function_tag": "function_call",
                },
            }
        }
        (out / "dataset_info.json").write_text(json.dumps(info, indent=2))
        # per-step samples carry their history; only the last turn is the target
        manifest["train_with"] = {
            "dataset_dir": str(out),
            "dataset": DATASET_NAME,
            "mask_history": options.per == "step",
        }
    elif options.format == "trl":
        _parquet(rows, root, out / "train.parquet")
        manifest["train_with"] = {"max_length": None, "completion_only_loss": True}
    elif options.format == "hf":
        for row, meta in zip(rows, metas, strict=True):
            row.update(
                {
                    key: json.dumps(value) if isinstance(value, (list, dict)) else value
                    for key, value in meta.items()
                }
            )
        dataset = _parquet(rows, root, out / "data" / "train-00000-of-00001.parquet")
        if push_to_hub:  # needs a token (huggingface-cli login); not exercised by the tests
            dataset.push_to_hub(push_to_hub)
            manifest["pushed_to"] = push_to_hub
    else:
        _write_jsonl(out / "train.jsonl", rows)
    _write_jsonl(out / "meta.jsonl", metas)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest
