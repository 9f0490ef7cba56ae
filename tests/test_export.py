"""vab-gym export: a small real store (solver, LMM and recovery episodes played on real envs)
exported to every format, each checked the way its trainer reads it; the prompts are the
LMM agent's own; injected steps are never trained on; every env's reply format reads back."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from typing import Any

import datasets
import gymnasium as gym
import numpy as np
import pytest
from PIL import Image

import vab_gym  # noqa: F401  (registers the envs)
from tests.fake_openai import FakeOpenAI
from tests.params import env_ids
from vab_gym.agents import LMMAgent, make_solver, run_episode
from vab_gym.agents.prompting import edit_reply, template_for
from vab_gym.bench.jobs import episode_document
from vab_gym.bench.store import EpisodeStore, ImageRecorder, image_hash, image_path
from vab_gym.cli import main
from vab_gym.core.actions import ActionSet
from vab_gym.trajectories import Trajectories
from vab_gym.trajectories.export import _tool_call, action_set_for
from vab_gym.trajectories.recovery import Mistake, RecoveryAgent

MC_TASK = "mc-test-sugar"  # the solver: execute(... sugar_cane ...), craft('sugar')
CSS_TASK = "css-test-0000"  # the solver: select_rule, edit_rule, done()
MC_THOUGHT = "1. Sugar comes from sugar cane."
WRONG = "look_up('stick')"  # the injected mistake: valid, harmless, not the plan


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB")).tobytes()


def record(
    store: EpisodeStore,
    env: gym.Env,
    agent: Any,
    episode_id: str,
    strategy: str,
    views: bool,
    task_id: str = MC_TASK,
) -> dict[str, Any]:
    """Play one episode and write it as the suite's writers do (episode_document), with
    each step's model view (issue 13's ``view``) when ``views``."""
    recorder = ImageRecorder()
    recorder.start()
    shown: list[tuple[str, list[bytes]]] = []

    def on_step(step, _action, obs, _reward, _info):
        recorder.add(step, obs)
        view = env.unwrapped.model_view()
        shown.append((view.text, list(view.images)))

    result = run_episode(env, agent, task_id=task_id, seed=0, on_step=on_step)
    refs, blobs = recorder.finish()
    recorder.close()
    describe = getattr(agent, "describe", None)
    kind = {"lmm": {"kind": "lmm"}, "recovery": {"kind": "recovery"}}.get(
        strategy, {"kind": "solver"}
    )
    episode = episode_document(
        env,
        result,
        episode_id=episode_id,
        split="test",
        strategy=strategy,
        agent={**kind, **(describe() if describe else {})},
        metrics={},
        refs=refs,
    )
    if views:
        records = [episode["reset"], *episode["steps"]]
        for target, (text, pngs) in zip(records, shown, strict=True):
            paths = []
            for png in pngs:
                with Image.open(io.BytesIO(png)) as image:
                    digest = image_hash(np.asarray(image.convert("RGB")))
                blobs[digest] = png
                paths.append(image_path(digest))
            target["view"] = {"text": text, "images": paths}
    store.write(episode, blobs)
    return episode


class Solver:
    """The env's solver, with a rationale for every step."""

    def __init__(self, env: gym.Env) -> None:
        self.solver = make_solver(env)
        self.last_step: dict[str, Any] = {}

    def reset(self, env, obs, info):
        self.solver.reset(env, obs, info)

    def act(self, obs, info):
        action = self.solver.act(obs, info)
        self.last_step = {"thought": f"{MC_THOUGHT} Next: {action}."}
        return action


@pytest.fixture(scope="module")
def made(tmp_path_factory, minecraft, css):
    """The store: Minecraft solver (views), Minecraft LMM (views; the requests kept),
    Minecraft recovery (an injected step), a Minecraft failure, a CSS solver episode
    (no views: prompts from the text observation)."""
    store = EpisodeStore(tmp_path_factory.mktemp("store"))
    record(store, minecraft, Solver(minecraft), "mc.solver", "solver", True)
    with FakeOpenAI() as fake:
        agent = LMMAgent("fake-model", fake.url, backoff=0.01)
        plan = make_solver(minecraft)
        obs, info = minecraft.reset(seed=0, options={"task_id": MC_TASK})
        plan.reset(minecraft, obs, info)
        actions = [plan.act(obs, info)]
        obs, *_, info = minecraft.step(actions[0])
        actions.append(plan.act(obs, info))
        for action in actions:  # the reply as a model writes it, to be cut by VAB's edits
            fake.push(
                f"OBSERVATION: cane.\nTHOUGHT: {MC_THOUGHT}\nACTION: {action}\n"
                "Feedback on the Action: invented"
            )
        lmm = record(store, minecraft, agent, "mc.lmm", "lmm", True)
        requests = list(fake.requests)

    def propose(env, obs, info, rng):
        return Mistake(action=WRONG, thought="Sticks might help.", kind="wrong_item")

    recovery = RecoveryAgent(Solver(minecraft), propose, np.random.default_rng(0), at=1)
    record(store, minecraft, recovery, "mc.recovery", "recovery", True)
    limit, minecraft.unwrapped.max_steps = minecraft.unwrapped.max_steps, 1
    try:  # a real failure: out of steps after one
        failed = record(store, minecraft, Solver(minecraft), "mc.failed", "solver", True)
    finally:
        minecraft.unwrapped.max_steps = limit
    record(store, css, Solver(css), "css.solver", "solver", False, CSS_TASK)
    assert lmm["success"] and not failed["success"]
    return store, requests


def run_export(store: EpisodeStore, out: Path, fmt: str, *flags: str) -> Path:
    """The CLI's export; the test store's episodes are test-split, so ``--split test``."""
    split = [] if "--split" in flags else ["--split", "test"]
    assert (
        main(["export", str(store.root), "--format", fmt, "--out", str(out), *split, *flags]) == 0
    )
    return out


@pytest.mark.slow
def test_the_cli_exports_train_episodes_unless_told_otherwise(made, tmp_path):
    store, _ = made
    out = run_export(store, tmp_path / "default", "openai", "--split", "train")
    assert json.loads((out / "manifest.json").read_text())["episodes"] == 0
    assert (
        main(["export", str(store.root), "--format", "openai", "--out", str(tmp_path / "implicit")])
        == 0
    )
    implicit = json.loads((tmp_path / "implicit" / "manifest.json").read_text())
    assert implicit["episodes"] == 0  # the store holds only test-split episodes
    every = run_export(store, tmp_path / "all", "openai", "--split", "all")
    assert json.loads((every / "manifest.json").read_text())["episodes"] == len(list(store))


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


# -- the reading API ----------------------------------------------------------------------
def test_reading_api_filters_and_reads_a_dataset(made):
    store, _ = made
    data = Trajectories(store.root)
    assert sorted(e["id"] for e in data) == [
        "css.solver",
        "mc.failed",
        "mc.lmm",
        "mc.recovery",
        "mc.solver",
    ]
    assert [e["id"] for e in data.episodes(env="VAB-CSS-v0")] == ["css.solver"]
    assert [e["id"] for e in data.episodes(success=False)] == ["mc.failed"]
    assert [e["id"] for e in data.episodes(strategy="lmm", model="fake-model")] == ["mc.lmm"]
    assert [e["id"] for e in data.episodes(task=CSS_TASK, split="test")] == ["css.solver"]
    assert data.load("VAB-Minecraft-v0", "mc.lmm")["strategy"] == "lmm"
    table = data.to_dataset(env="VAB-CSS-v0")
    assert table["action"] == [s["action"] for s in data.load("VAB-CSS-v0", "css.solver")["steps"]]
    assert table["action"][-1] == "done()" and len(table) == 3
    assert table[0]["image"].size == (768, 1024)  # CSS's 1024x768 (HxW) observation, as PIL
    recovery = data.to_dataset(strategy="recovery")
    assert recovery["injected"][0] is True and recovery["action"][0] == WRONG


# -- one source of prompts ------------------------------------------------------------------
def _with_pixels(messages: list[dict[str, Any]], store: EpisodeStore | None = None):
    """Messages with each image replaced by its pixels' digest (data URL or store path)."""
    out = json.loads(json.dumps(messages))
    for message in out:
        message.pop("weight", None)
        for part in message["content"] if isinstance(message.get("content"), list) else []:
            if part["type"] == "image_url":
                url = part["image_url"]["url"]
                data = (
                    base64.b64decode(url.split(",", 1)[1])
                    if url.startswith("data:")
                    else (store.root / url).read_bytes()
                )
                part["image_url"]["url"] = image_hash(np.frombuffer(pixels(data), np.uint8))
    return out


def test_per_step_prompts_are_the_lmm_agents_requests(made, tmp_path):
    """The OpenAI export of the LMM episode: each sample without its target is the request
    LMMAgent sent for that step, image pixels included; the target is the reply as the
    agent kept it (VAB's edits cut the invented feedback)."""
    store, requests = made
    out = run_export(store, tmp_path / "openai", "openai", "--strategy", "lmm")
    rows = lines(out / "train.jsonl")
    assert len(rows) == len(requests) == 2
    for row, request in zip(rows, requests, strict=True):
        assert _with_pixels(row["messages"][:-1]) == _with_pixels(request["messages"])
        target = row["messages"][-1]
        assert target["weight"] == 1
        assert target["content"].startswith(f"OBSERVATION: cane.\nTHOUGHT: {MC_THOUGHT}\n")
        assert "Feedback on the Action" not in target["content"]
    assert rows[1]["messages"][-3]["content"] == rows[0]["messages"][-1]["content"]  # history
    # VAB's container.py: the past turn keeps its text + "Omitted.\n", not its image
    past = rows[1]["messages"][1]
    assert isinstance(past["content"], str) and past["content"].endswith("Vision Input: Omitted.\n")
    assert past["content"].startswith("Your task is to get a sugar in your inventory.")
    assert all(m["weight"] == 0 for m in rows[1]["messages"][:-1] if m["role"] == "assistant")
    meta = lines(out / "meta.jsonl")
    assert [m["source"] for m in meta] == ["view", "view"]
    assert [m["target"] for m in meta] == ["reply", "reply"]


def test_css_head_is_what_the_agent_sends(made, css, tmp_path):
    """VAB-CSS: the instructions as a user message, then the agent's consent, exactly as an
    LMMAgent reset on the same task has them; no views: prompts from the observations."""
    store, _ = made
    out = run_export(store, tmp_path / "openai", "openai", "--env", "VAB-CSS-v0")
    rows = lines(out / "train.jsonl")
    obs, info = css.reset(seed=0, options={"task_id": CSS_TASK})
    agent = LMMAgent("fake-model", "http://127.0.0.1:9/v1")
    agent.reset(css, obs, info)
    head = agent.messages()
    assert [m["role"] for m in head] == ["user", "assistant"]
    assert head[1]["content"] == "I've understood your instruction, start please."
    for row in rows:
        assert [{k: m[k] for k in ("role", "content")} for m in row["messages"][:2]] == head
    assert {m["source"] for m in lines(out / "meta.jsonl")} == {"observation"}
    # the solver's done() as VAB's finishing phrase
    assert rows[-1]["messages"][-1]["content"].endswith("\n I have fixed the css style")


# -- formats --------------------------------------------------------------------------------
def check_llamafactory(out: Path) -> list[dict[str, Any]]:
    """LLaMA-Factory's rules (data/README.md, SharegptDatasetConverter): the registered
    columns exist, contents are strings, <image> tokens == images, roles alternate
    (user/observation odd, assistant/function_call even, after an optional system), an
    even number of them, and every image resolves under media_dir (= dataset_dir)."""
    info = json.loads((out / "dataset_info.json").read_text())["vab_sft"]
    assert info["formatting"] == "sharegpt"
    rows = datasets.load_dataset("json", data_files=str(out / info["file_name"]))["train"]
    assert set(info["columns"].values()) <= set(rows.column_names)
    tags = info["tags"]
    odd = (tags["user_tag"], tags["observation_tag"])
    even = (tags["assistant_tag"], tags["function_tag"])
    for row in rows:
        messages = row[info["columns"]["messages"]]
        images = row[info["columns"]["images"]]
        assert all(isinstance(m[tags["content_tag"]], str) for m in messages)
        tokens = sum(m[tags["content_tag"]].count("<image>") for m in messages)
        assert tokens == len(images)
        if messages[0][tags["role_tag"]] == tags["system_tag"]:
            messages = messages[1:]
        roles = [m[tags["role_tag"]] for m in messages]
        assert all(role in (odd, even)[i % 2] for i, role in enumerate(roles)), roles
        assert len(roles) % 2 == 0
        assert all((out / path).is_file() for path in images)
    return list(rows)


def test_llamafactory_export_follows_its_rules(made, tmp_path):
    store, _ = made
    rows = check_llamafactory(run_export(store, tmp_path / "lf", "llamafactory"))
    # one per trained step: solver 2, LMM 2, recovery 3 less the injected one, failed 1, CSS 3
    assert len(rows) == 10
    tools = check_llamafactory(
        run_export(store, tmp_path / "lft", "llamafactory", "--mode", "tools", "--per", "episode")
    )
    assert all(json.loads(r["tools"])[0]["name"] for r in tools)


def test_trl_and_hf_exports_load_with_their_images(made, tmp_path):
    store, _ = made
    for fmt, flags, path in (
        ("trl", (), "train.parquet"),
        ("hf", ("--per", "episode"), "data/*.parquet"),
        ("trl", ("--mode", "tools"), "train.parquet"),
    ):
        out = run_export(store, tmp_path / f"{fmt}{len(flags)}", fmt, *flags)
        rows = datasets.load_dataset("parquet", data_files=str(out / path))["train"]
        metas = lines(out / "meta.jsonl")
        assert len(metas) == len(rows) == (5 if fmt == "hf" else 10)
        for row, meta in zip(rows, metas, strict=True):
            parts = [p for m in row["prompt"] + row["completion"] for p in m["content"]]
            assert sum(p["type"] == "image" for p in parts) == len(row["images"])
            assert all(isinstance(image, Image.Image) for image in row["images"])
            assert row["completion"][0]["role"] == "assistant"
            if "tools" in flags:
                call = row["completion"][0]["tool_calls"][0]["function"]
                assert isinstance(call["arguments"], dict) and json.loads(row["tools"])
                # the call's own arguments only (no other action's keys), so it reads back
                action = action_set_for(meta["env_id"]).from_tool_call(
                    call["name"], call["arguments"]
                )
                episode = Trajectories(store.root).load(meta["env_id"], meta["episode"])
                step = episode["steps"][meta["steps"][0] - 1]
                assert reading_plain(meta["env_id"], action) == reading_plain(
                    meta["env_id"], step["action"]
                )
        if fmt == "hf":  # the samples' metadata as columns, one row per episode here
            assert sorted(rows["episode"]) == [
                "css.solver",
                "mc.failed",
                "mc.lmm",
                "mc.recovery",
                "mc.solver",
            ]


def test_tool_calls_name_only_the_arguments_given():
    """A tool call carries the arguments the action gives, not the parameters' defaults
    (so a model trained on it does not learn to write nulls)."""
    css = action_set_for("VAB-CSS-v0")
    assert _tool_call(css, {"action": "get_selectors_by_html_elements('div')"}) == (
        "get_selectors_by_html_elements",
        {"name": "div"},
    )
    assert _tool_call(css, {"action": "edit_rule('.a', 'display', 'flex')"}) == (
        "edit_rule",
        {"selector": ".a", "property": "display", "value": "flex"},
    )
    # VAB's own syntax through the env's preparsers; an unreadable action is no call
    webarena = action_set_for("VAB-WebArena-Lite-v0")
    assert _tool_call(webarena, {"action": "type [3] [shoes] [0]"}) == (
        "type",
        {"id": 3, "text": "shoes", "press_enter": False},
    )
    assert _tool_call(webarena, {"action": "click [7]"}) == ("click", {"id": 7})
    assert _tool_call(webarena, {"action": "dance()"}) is None


def reading_plain(env_id: str, action: str) -> str:
    """An action read by the env's declared actions, as a plain call."""
    return str(ActionSet.parse(action_set_for(env_id), action))


def test_openai_images_only_in_user_messages(made, tmp_path):
    store, _ = made
    out = run_export(store, tmp_path / "oa", "openai", "--per", "episode", "--mode", "tools")
    for row in lines(out / "train.jsonl"):
        assert row["tools"] and row["parallel_tool_calls"] is False
        for message in row["messages"]:
            if message["role"] != "user":
                assert "image_url" not in json.dumps(message)
        urls = [
            p["image_url"]["url"]
            for m in row["messages"]
            if m["role"] == "user" and isinstance(m["content"], list)
            for p in m["content"]
            if p["type"] == "image_url"
        ]
        assert urls and all(u.startswith("data:image/png;base64,") for u in urls)
        calls = [m for m in row["messages"] if m.get("tool_calls")]
        assert all(isinstance(m["tool_calls"][0]["function"]["arguments"], str) for m in calls)


# -- what is trained ----------------------------------------------------------------------
def _assistant_texts(messages: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(m.get("content")) + json.dumps(m.get("tool_calls")) for m in messages]


def test_injected_steps_are_never_targets(made, tmp_path):
    store, _ = made
    episode = Trajectories(store.root).load("VAB-Minecraft-v0", "mc.recovery")
    assert episode["steps"][0]["injected"] is True and episode["steps"][0]["action"] == WRONG
    flags = ("--strategy", "recovery")
    # per step: two samples (steps 2 and 3); the mistake is in their history, never a target
    oa = lines(run_export(store, tmp_path / "oa", "openai", *flags) / "train.jsonl")
    assert len(oa) == len(episode["steps"]) - 1
    for row in oa:
        assert WRONG not in json.dumps(row["messages"][-1])
        assert all(m["weight"] == 0 for m in row["messages"][:-1] if m["role"] == "assistant")
    assert WRONG in json.dumps(oa[0]["messages"][:-1])
    # per episode, OpenAI: one sample, the mistake weighted 0
    [row] = lines(
        run_export(store, tmp_path / "oae", "openai", "--per", "episode", *flags) / "train.jsonl"
    )
    weights = {
        WRONG in json.dumps(m): m["weight"] for m in row["messages"] if m["role"] == "assistant"
    }
    assert weights == {True: 0, False: 1}
    # per episode, TRL: the mistake is in the prompt, never in the completion
    out = run_export(store, tmp_path / "trl", "trl", "--per", "episode", *flags)
    [trl] = datasets.load_dataset("parquet", data_files=str(out / "train.parquet"))["train"]
    assert WRONG in json.dumps(trl["prompt"]) and WRONG not in json.dumps(trl["completion"])
    # per episode, LLaMA-Factory (every assistant turn trained): cut after the mistake
    rows = check_llamafactory(
        run_export(store, tmp_path / "lf", "llamafactory", "--per", "episode", *flags)
    )
    assert rows and all(
        WRONG not in m["content"] for r in rows for m in r["messages"] if m["role"] == "assistant"
    )
    assert [
        m["content"].split("\nACTION: ")[-1]
        for m in rows[0]["messages"]
        if m["role"] == "assistant"
    ] == [s["action"] for s in episode["steps"][1:]]


def test_success_only_drops_failures(made, tmp_path):
    store, _ = made
    everything = lines(
        run_export(store, tmp_path / "all", "openai", "--env", "VAB-Minecraft-v0") / "meta.jsonl"
    )
    kept = lines(
        run_export(store, tmp_path / "ok", "openai", "--env", "VAB-Minecraft-v0", "--success-only")
        / "meta.jsonl"
    )
    assert {m["episode"] for m in everything} == {"mc.solver", "mc.lmm", "mc.recovery", "mc.failed"}
    assert {m["episode"] for m in kept} == {"mc.solver", "mc.lmm", "mc.recovery"}
    assert all(m["success"] for m in kept)


# -- every env's reply format reads back as the action ------------------------------------
# Each env's reply, as its prompt asks for it (VAB css_agent/task.py's example and phrase;
# minecraft/omnigibson prompt.py's output sections; VisualWebArena's CoT phrase and ```;
# AndroidLab's SYSTEM_PROMPT_ANDROID_MLLM_DIRECT: the action part only).
REPLIES = {
    "VAB-CSS-v0": (
        "select_rule('.nav')",
        "Thought: The menu is off.\n Action: select_rule('.nav')",
    ),
    "VAB-Minecraft-v0": (
        "craft('stick', 4)",
        "THOUGHT: The menu is off.\nACTION: craft('stick', 4)",
    ),
    "VAB-OmniGibson-v0": ("grasp(2.apple)", "THOUGHT: The menu is off.\nACTION: grasp(2.apple)"),
    "VAB-WebArena-Lite-v0": (
        "click [12]",
        "The menu is off. In summary, the next action I will perform is ```click [12]```",
    ),
    "VAB-Mobile-v0": ("tap(5)", "Action: tap(5)"),
}


@pytest.mark.parametrize("env_id", sorted(REPLIES))
def test_reply_formats_are_the_envs_prompts(env_id):
    action, reply = REPLIES[env_id]
    assert template_for(env_id).render_reply(action, "The menu is off.") == reply
    if env_id == "VAB-CSS-v0":
        assert template_for(env_id).render_reply("done()", "It matches.") == (
            "Thought: It matches.\n I have fixed the css style"
        )


def reading(env: gym.Env, text: str) -> str:
    """What the env's own parser makes of a reply (VAB-CSS: its finishing phrase and a
    done() call both finish)."""
    call = env.unwrapped.action_set.parse(text)
    calls = getattr(call, "calls", None)
    if calls is not None:
        names = [(c.name, (c.arg_text or "").strip()) for c in calls]
        return "done()" if names == [("done", "")] else repr(names)
    return "done()" if call.name == "done" and not call.args else str(call)


@pytest.mark.parametrize(
    "env_id",
    env_ids(
        [
            "VAB-CSS-v0",
            "VAB-Minecraft-v0",
            "VAB-OmniGibson-v0",
            "VAB-WebArena-Lite-v0",
            "VAB-Mobile-v0",
        ],
        slow={"VAB-WebArena-Lite-v0"},
    ),
)
def test_rendered_replies_and_tool_calls_read_back_as_the_solvers_actions(env_id, request):
    """The first solver steps of a test task: the rendered reply (after the env's reply
    edits) and the exported tool call both read as the action, and the env takes the reply
    without an action error."""
    template, actions = template_for(env_id), action_set_for(env_id)
    shared = {"VAB-CSS-v0": "css", "VAB-Minecraft-v0": "minecraft"}.get(env_id)
    env = request.getfixturevalue(shared) if shared else gym.make(env_id)
    try:
        obs, info = env.reset(seed=0)
        solver = make_solver(env)
        solver.reset(env, obs, info)
        for _ in range(3):
            action = solver.act(obs, info)
            reply = edit_reply(
                template.reply_edits, template.render_reply(action, "First, the plan.\nThen act.")
            )
            assert reading(env, reply) == reading(env, action), (reply, action)
            name, arguments = _tool_call(actions, {"action": action})
            assert reading(env, actions.from_tool_call(name, json.dumps(arguments))) == reading(
                env, action
            )
            obs, _, terminated, truncated, info = env.step(reply)
            assert info["action_error"] is None
            if terminated or truncated:
                assert info["success"] is True
                break
    finally:
        if not shared:
            env.close()
    assert re.search(r"\{(thought|action)\}", template.render_reply("x()", "y")) is None


def test_llamafactory_text_holds_no_literal_media_placeholders():
    """LLaMA-Factory counts every <image>, <video> and <audio> in a message as media: a
    page's HTML that holds such tags must not break its image count."""
    from vab_gym.trajectories.export import _lf_text

    html = "<video src='a.mp4'></video><audio></audio><image> and <img>"
    text = _lf_text([{"type": "text", "text": html}, {"type": "image_url", "image_url": {}}])
    assert text.count("<image>") == 1 and text.endswith("\n<image>")
    assert "<video>" not in _lf_text("<video>") and "<audio>" not in _lf_text("<audio>")
    assert "<img>" in text  # other tags are left as they are
