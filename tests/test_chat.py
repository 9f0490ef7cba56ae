"""The chat view (vab_gym.chat.ChatEnv) on all five envs: the solver's actions written as
replies in each env's format reach a judged success; garbage replies end in a clean
failure with VAB's feedback; every request equals the one the LMM agent sends (its real
requests, caught by a local fake OpenAI server); images as PIL images are the env's view."""

from __future__ import annotations

import base64
import importlib.util
import inspect
import io
import json
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pytest
from gymnasium.error import ResetNeeded
from PIL import Image

import vab_gym  # noqa: F401  (registers the envs)
from tests.fake_openai import FakeOpenAI
from tests.params import env_ids
from vab_gym.agents import LMMAgent, make_solver, run_episode
from vab_gym.chat import ChatEnv

# The cheapest test task of each env (fewest solver steps) and its image format
# (prompts/<env>.yaml: AndroidLab sends JPEG, VAB PNG).
TASKS = {
    "VAB-CSS-v0": "css-test-0043",
    "VAB-Minecraft-v0": "mc-test-sugar",
    "VAB-OmniGibson-v0": "og-test-cook_squash-Rs_int",
    "VAB-Mobile-v0": "pimusic_12",
    "VAB-WebArena-Lite-v0": "wal-local-test-160",
}
IMAGE_FORMATS = {"VAB-Mobile-v0": "jpeg"}
# The head before the first turn: VAB-CSS sends its instructions as a user message and the
# agent's acknowledgement (css_agent/task.py); the others a system message.
HEAD_ROLES = {"VAB-CSS-v0": ["user", "assistant"]}
FIRST_IMAGES = {"VAB-CSS-v0": 2}  # VAB-CSS's first turn: the target and the page
# What each env's harness shows after an unreadable reply, in VAB's words. AndroidLab's SoM
# turn is "** XML **" and the screenshot whatever happened: no feedback (docs/llm-rl.md).
FEEDBACK = {
    "VAB-CSS-v0": "No executable function found! Need to recheck the action.",
    "VAB-Minecraft-v0": "can not be executed.",
    "VAB-OmniGibson-v0": "Action Feedback: The last action is",
    "VAB-WebArena-Lite-v0": "However, the format was incorrect.",
    "VAB-Mobile-v0": "** XML **\n",
}
GARBAGE_IMAGES = {"VAB-CSS-v0": 0}  # VAB-CSS answers an unreadable reply in words only
# VAB-WebArena-Lite keeps VAB's early stop on by default (run.py, in its words).
EARLY_STOPS = {"VAB-WebArena-Lite-v0": (3, "Failed to parse actions for 3 times")}
GARBAGE = [
    "",
    "x" * 200_000,  # beyond the parser's limit
    "\u202e\U0001f643\x00\ud800 ACTION: \u2603(",  # bidi override, emoji, NUL, lone surrogate
    "Hello! How can I help you today?",  # not a reply at all
]


@pytest.fixture(scope="module")
def chats():
    """One ChatEnv per env for the module (each browser or simulator starts once)."""
    made: dict[str, ChatEnv] = {}

    def get(env_id: str) -> ChatEnv:
        if env_id not in made:
            made[env_id] = ChatEnv(env_id)
        return made[env_id]

    yield get
    for chat in made.values():
        chat.close()


def text_of(message: dict[str, Any]) -> str:
    content = message["content"]
    return content if isinstance(content, str) else content[0]["text"]


def images_of(messages: list[dict[str, Any]]) -> list[Any]:
    return [
        part
        for m in messages
        if isinstance(m["content"], list)
        for part in m["content"]
        if part["type"] in ("image_url", "image")
    ]


def solver_replies(chat: ChatEnv, info: dict[str, Any]):
    """The solver's next action as a reply in the env's format (as export renders it)."""
    solver = make_solver(chat.env)
    solver.reset(chat.env, chat.observation, info)
    while True:
        action = solver.act(chat.observation, info)
        info = yield chat.template.render_reply(action, "Step by step, this comes next.")


@pytest.mark.parametrize(
    "env_id", env_ids(sorted(TASKS), slow={"VAB-Mobile-v0", "VAB-WebArena-Lite-v0"})
)
def test_solver_replies_reach_a_judged_success(env_id, chats):
    chat = chats(env_id)
    messages, info = chat.reset(seed=0, options={"task_id": TASKS[env_id]})
    assert [m["role"] for m in messages] == [*HEAD_ROLES.get(env_id, ["system"]), "user"]
    images = images_of(messages)
    assert len(images) == FIRST_IMAGES.get(env_id, 1)
    assert all(
        image["image_url"]["url"].startswith(
            f"data:image/{IMAGE_FORMATS.get(env_id, 'png')};base64,"
        )
        for image in images
    )
    replies = solver_replies(chat, info)
    reply = next(replies)
    for _ in range(chat.env.unwrapped.max_steps):
        turn, reward, terminated, truncated, info = chat.step(reply)
        assert info["action_error"] is None, (reply, info["action_error"])
        assert info["parsed_action"] is not None and info["action"]
        if terminated or truncated:
            break
        assert reward == 0.0 and chat.messages()[-len(turn) :] == turn
        assert [m["role"] for m in turn] == ["user"] and len(images_of(turn)) == 1
        reply = replies.send(info)
    assert terminated and not truncated
    assert reward == 1.0 and info["success"] is True and info["judge"]["success"] is True
    with pytest.raises(ResetNeeded):
        chat.step(reply)


@pytest.mark.parametrize("env_id", sorted(TASKS))
def test_garbage_replies_end_in_a_clean_failure(env_id, chats):
    """Each garbage reply is refused with the env's feedback, the episode ends at the step
    limit (VAB-WebArena-Lite: at VAB's early stop) with reward 0, judged a failure."""
    chat = chats(env_id)
    base = chat.env.unwrapped
    limit, stop = base.max_steps, base.early_stop
    base.max_steps = len(GARBAGE)
    if env_id not in EARLY_STOPS:
        base.early_stop = None
    last, reason = EARLY_STOPS.get(env_id, (len(GARBAGE), None))
    try:
        chat.reset(seed=0, options={"task_id": TASKS[env_id]})
        for index, garbage in enumerate(GARBAGE[:last], 1):
            turn, reward, terminated, truncated, info = chat.step(garbage)
            assert info["action_error"], garbage[:20]
            assert info["parsed_action"] is None and info["step"] == index
            assert reward == 0.0 and not terminated
            assert FEEDBACK[env_id] in text_of(turn[-1])
            assert len(images_of(turn)) == GARBAGE_IMAGES.get(env_id, 1)
            assert truncated == (index == last)
        assert info["success"] is False and info.get("early_stop") == reason
        with pytest.raises(ResetNeeded):
            chat.step("")
    finally:
        base.max_steps, base.early_stop = limit, stop


def play_chat(chat: ChatEnv, task_id: str, tools: bool) -> tuple[list[Any], list[Any]]:
    """The solver's episode through the chat view: every request and the replies sent."""
    messages, info = chat.reset(seed=0, options={"task_id": task_id})
    requests, replies = [messages], []
    solver = make_solver(chat.env)
    solver.reset(chat.env, chat.observation, info)
    while True:
        action = solver.act(chat.observation, info)
        if tools:
            call = chat.env.unwrapped.action_set.parse(action)
            reply: Any = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": f"call_{len(requests)}_0",
                        "type": "function",
                        "function": {"name": call.name, "arguments": json.dumps(dict(call.args))},
                    }
                ],
            }
            replies.append({"tool_calls": [(call.name, dict(call.args))]})
        else:
            reply = chat.template.render_reply(action, "The plan says so.")
            if chat.template.reply_edits == "minecraft":  # what VAB's harness cuts off
                reply += "\nFeedback on the Action: invented"
            replies.append(reply)
        _, _, terminated, truncated, info = chat.step(reply)
        if terminated or truncated:
            assert info["success"] is True
            return requests, replies
        requests.append(chat.messages())


@pytest.mark.parametrize(
    ("env_id", "mode", "options"),
    [
        ("VAB-Minecraft-v0", "text", {}),  # one image kept, VAB's reply edits
        ("VAB-Minecraft-v0", "text", {"max_images": 2}),  # the agent's override of the policy
        ("VAB-Minecraft-v0", "tools", {}),  # tool results and the screenshot after them
        pytest.param("VAB-Mobile-v0", "text", {}, marks=pytest.mark.slow),  # JPEG, the newest only
        pytest.param(  # a fresh prompt every turn
            "VAB-WebArena-Lite-v0", "text", {}, marks=pytest.mark.slow
        ),
    ],
)
def test_every_request_is_the_lmm_agents(env_id, mode, options, chats):
    """The same episode played by LMMAgent against a fake OpenAI server answering with the
    same replies: each request it sent equals the chat view's messages at that turn."""
    chat = ChatEnv(chats(env_id).env, mode=mode, **options)
    requests, replies = play_chat(chat, TASKS[env_id], mode == "tools")
    assert len(requests) >= 2
    with FakeOpenAI(replies) as fake:
        agent = LMMAgent("fake-model", fake.url, mode=mode, backoff=0.01, **options)
        assert run_episode(chat.env, agent, task_id=TASKS[env_id], seed=0).success
    assert len(fake.requests) == len(requests)
    for sent, ours in zip(fake.requests, requests, strict=True):
        assert sent["messages"] == json.loads(json.dumps(ours))
        assert sent.get("tools") == chat.tools
    if env_id == "VAB-Minecraft-v0" and mode == "text":
        kept = [m["content"] for m in requests[-1] if m["role"] == "assistant"]
        assert kept and all("invented" not in text for text in kept)  # VAB's edit, kept
        # VAB keeps the newest image only; the override keeps two
        assert len(images_of(requests[-1])) == options.get("max_images", 1)


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"))


def test_pil_images_are_the_views_images(chats):
    """``images="pil"``: the same messages with each image decoded, pixel for pixel what the
    env's view holds (PNG: lossless) and what the data URL holds."""
    env = chats("VAB-Minecraft-v0").env
    as_url, as_pil = ChatEnv(env), ChatEnv(env, images="pil")
    url_messages, _ = as_url.reset(seed=0, options={"task_id": TASKS["VAB-Minecraft-v0"]})
    pil_messages, _ = as_pil.reset(seed=0, options={"task_id": TASKS["VAB-Minecraft-v0"]})
    (png,) = env.unwrapped.model_view().images
    (url_part,), (pil_part,) = images_of(url_messages), images_of(pil_messages)
    assert set(pil_part) == {"type", "image"} and isinstance(pil_part["image"], Image.Image)
    expected = pixels(Image.open(io.BytesIO(png)))
    assert np.array_equal(pixels(pil_part["image"]), expected)
    payload = url_part["image_url"]["url"].split(",", 1)[1]
    assert np.array_equal(pixels(Image.open(io.BytesIO(base64.b64decode(payload)))), expected)
    assert text_of(pil_messages[-1]) == text_of(url_messages[-1])
    assert [m["role"] for m in pil_messages] == [m["role"] for m in url_messages]


def test_bad_use_is_refused_clearly(chats):
    env = chats("VAB-Minecraft-v0").env
    with pytest.raises(ValueError, match="mode must be one of"):
        ChatEnv(env, mode="speech")
    with pytest.raises(ValueError, match="images must be one of"):
        ChatEnv(env, images="ascii")
    with pytest.raises(ValueError, match="make_kwargs are for an env id"):
        ChatEnv(env, max_steps=3)
    fresh = ChatEnv(env)
    with pytest.raises(ResetNeeded):
        fresh.step("craft('sugar')")
    with pytest.raises(ResetNeeded):
        fresh.messages()
    fresh.reset(seed=0, options={"task_id": TASKS["VAB-Minecraft-v0"]})
    with pytest.raises(TypeError, match="a reply is the model's text"):
        fresh.step(42)
    assert fresh.tools is None
    fresh.close()
    fresh.close()  # a view of someone else's env leaves it open, however often closed
    assert fresh.step("craft('sugar')")[4]["step"] == 1


# -- the trainer examples' vab-gym side (TRL and verl are not installed here) -----------------
def example(name: str) -> Any:
    """An example script as a module (examples/ is no package); its trainer imports are
    inside main() or guarded, so it imports without TRL or verl."""
    path = Path(__file__).parent.parent / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"examples_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def solver_calls(chat: ChatEnv, info: dict[str, Any]):
    """The solver's actions as (tool name, arguments), reading the chat view's observation."""
    solver = make_solver(chat.env)
    solver.reset(chat.env, chat.observation, info)
    while True:
        call = chat.env.unwrapped.action_set.parse(solver.act(chat.observation, info))
        info = yield call.name, dict(call.args)


def test_trl_environment_plays_an_episode_through_its_tools():
    """TRL's environment contract (no-argument class; reset(**row) returns the first view;
    one typed, documented method per action returning content blocks; get_reward): the
    solver's calls through the tool methods reach the judge's 1.0."""
    trl = example("trl_grpo_chat")
    environment = trl.environment_class("VAB-Minecraft-v0")()
    try:
        chat = environment._chat
        public = {
            n for n, m in inspect.getmembers(environment, inspect.ismethod) if not n.startswith("_")
        }
        assert public == {
            "reset",
            "get_reward",
            "craft",
            "smelt",
            "equip",
            "teleport_to_spawn",
            "look_up",
            "execute",
        }
        craft = inspect.signature(environment.craft)
        assert [(p.name, p.annotation, p.default) for p in craft.parameters.values()] == [
            ("item", str, inspect.Parameter.empty),
            ("num", int, 1),
        ]
        assert "Args:\n    item: " in environment.craft.__doc__
        assert inspect.signature(environment.execute).parameters["num"].annotation == Optional[int]  # noqa: UP045

        rows = trl.dataset_rows(chat)
        row = next(r for r in rows if r["task_id"] == TASKS["VAB-Minecraft-v0"])
        assert row["prompt"][0]["role"] == "system" and row["prompt"][-1] == {
            "role": "user",
            "content": "",
        }
        assert "by calling exactly one of the tools" in row["prompt"][0]["content"]
        first = environment.reset(**row)
        assert [part["type"] for part in first] == ["text", "image"]
        assert isinstance(first[1]["image"], Image.Image)
        assert row["prompt"][:-1] == chat.messages()[:-1]  # the row's head is the request's

        calls = solver_calls(chat, {})
        name, arguments = next(calls)
        for _ in range(10):
            blocks = getattr(environment, name)(**arguments)
            assert blocks[0]["type"] == "text" and blocks[-1]["type"] == "image"
            if chat.done:
                break
            name, arguments = calls.send({})
        assert environment.get_reward() == 1.0
        with pytest.raises(ValueError, match="The episode has ended"):
            environment.craft(item="sugar")
    finally:
        chat.close()


def test_trl_tool_result_keeps_the_turns_text_and_images():
    trl = example("trl_grpo_chat")
    image = Image.new("RGB", (2, 2))
    turn = [
        {"role": "tool", "tool_call_id": "c", "content": "Crafted."},
        {
            "role": "user",
            "content": [{"type": "text", "text": "IMAGES:"}, {"type": "image", "image": image}],
        },
    ]
    assert trl.tool_result(turn) == [
        {"type": "text", "text": "Crafted."},
        {"type": "text", "text": "IMAGES:"},
        {"type": "image", "image": image},
    ]


def test_verl_turns_tokenize_as_verl_reads_them(chats):
    """verl's side: placeholders where the images were, the images beside them in order;
    the env half of the loop plays the solver's replies to the judge's 1.0; rows name the
    loop and the episode; the pool reuses a view."""
    verl = example("verl_agent_loop")
    chat = ChatEnv(chats("VAB-CSS-v0").env, images="pil")
    turns = verl.play_turns(chat, TASKS["VAB-CSS-v0"], 0)
    messages, done = next(turns)
    placeheld, images = verl.verl_turn(messages)
    parts = [p for m in placeheld if isinstance(m["content"], list) for p in m["content"]]
    assert [p for p in parts if p["type"] == "image"] == [{"type": "image"}] * 2
    assert len(images) == 2 and all(isinstance(i, Image.Image) for i in images)
    assert [p["image"] for p in images_of(messages)] == images
    assert [m["role"] for m in placeheld] == [m["role"] for m in messages]
    replies = solver_replies(chat, {})
    reply = next(replies)
    for _ in range(chat.env.unwrapped.max_steps):
        turn, done = turns.send(reply)
        if done:
            break
        assert len(images_of(turn)) == 1
        reply = replies.send({})
    assert done and chat.episode_return == 1.0

    rows = verl.dataset_rows("VAB-CSS-v0", "test")
    row = next(r for r in rows if r["extra_info"]["task_id"] == TASKS["VAB-CSS-v0"])
    assert row["agent_name"] == "vab_chat" and row["extra_info"]["seed"] == 0
    assert row["extra_info"]["split"] == "test" and row["data_source"] == "VAB-CSS-v0"
    assert row["prompt"][0]["role"] == "user"

    pool = verl.ChatPool(lambda env_id, split: ChatEnv(chats(env_id).env))
    first = pool.take("VAB-CSS-v0", "test")
    pool.give("VAB-CSS-v0", "test", first)
    assert pool.take("VAB-CSS-v0", "train") is not first
    assert pool.take("VAB-CSS-v0", "test") is first
    assert pool.take("VAB-CSS-v0", "test") is not first
