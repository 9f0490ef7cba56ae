"""The LMM agent against a local OpenAI-compatible server (tests/fake_openai.py), and the
random and replay agents. Expected strings come from VAB's and AndroidLab's code (cited)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import socket
from importlib import resources
from typing import Any

import gymnasium as gym
import jsonschema
import numpy as np
import pytest
from PIL import Image

import vab_gym  # noqa: F401  (registers the envs)
from tests.fake_openai import FakeOpenAI
from vab_gym.agents import LMMAgent, LMMError, RandomAgent, ReplayAgent, make_solver, run_episode
from vab_gym.agents.prompting import edit_reply, template_for, templates
from vab_gym.core.actions import ActionSet
from vab_gym.core.env import ModelView
from vab_gym.core.images import png_bytes
from vab_gym.envs.css.actions import CSS_ACTIONS
from vab_gym.envs.minecraft.actions import MINECRAFT_ACTIONS
from vab_gym.envs.mobile.actions import MOBILE_ACTIONS
from vab_gym.envs.omnigibson.actions import OMNIGIBSON_ACTIONS
from vab_gym.envs.webarena.actions import WEBARENA_ACTIONS

MC_TASK = "mc-test-sugar"  # two solver steps: execute(...) for sugar_cane, craft('sugar')
CSS_TASK = "css-test-0000"


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def fake(server):
    server.script.clear()
    server.requests.clear()
    server.headers.clear()
    return server


def agent_for(fake: FakeOpenAI, mode: str = "text", **options: Any) -> LMMAgent:
    return LMMAgent("fake-model", fake.url, mode=mode, backoff=0.01, **options)


def tool_call(env: gym.Env, action: str) -> dict[str, Any]:
    """The solver's action as the tool call a model would make."""
    call = ActionSet(*env.unwrapped.action_set).parse(action)  # the declaration only
    return {"tool_calls": [(call.name, dict(call.args))]}


def play(env: gym.Env, agent: LMMAgent, fake: FakeOpenAI, reply, task_id: str):
    """One episode in which the model's replies carry the program solver's actions."""
    solver = make_solver(env)
    obs, info = env.reset(seed=0, options={"task_id": task_id})
    solver.reset(env, obs, info)
    agent.reset(env, obs, info)
    while True:
        fake.push(reply(env, solver.act(obs, info)))
        obs, _, terminated, truncated, info = env.step(agent.act(obs, info))
        if terminated or truncated:
            return info


def minecraft_reply(env: gym.Env, action: str) -> str:
    return f"OBSERVATION: grass and trees.\nTHOUGHT: 1. I need sugar.\nACTION: {action}"


def css_reply(env: gym.Env, action: str) -> str:
    if action == "done()":  # VAB's finishing phrase (css_agent/task.py)
        return "Thought: the page now matches the target.\nI have fixed the css style"
    return f"Thought: this rule breaks the layout.\n Action: {action}"


def user_images(message: dict[str, Any]) -> list[str]:
    content = message["content"]
    if isinstance(content, str):
        return []
    return [p["image_url"]["url"] for p in content if p["type"] == "image_url"]


def user_text(message: dict[str, Any]) -> str:
    content = message["content"]
    return content if isinstance(content, str) else content[0]["text"]


# -- the solver through the model reaches success ---------------------------------------------
def test_minecraft_replies_in_vab_format_reach_success(fake, minecraft):
    info = play(minecraft, agent_for(fake), fake, minecraft_reply, MC_TASK)
    assert info["success"] is True
    assert len(fake.requests) == 2


def test_minecraft_tool_calls_reach_success(fake, minecraft):
    info = play(minecraft, agent_for(fake, "tools"), fake, tool_call, MC_TASK)
    assert info["success"] is True
    first, second = fake.requests
    assert first["tools"] == MINECRAFT_ACTIONS.tool_schemas("openai")
    assert first["tool_choice"] == "required" and first["parallel_tool_calls"] is False
    # the call, its result as a tool message, then the new screenshot in a user message
    call, result, screenshot = second["messages"][-3:]
    assert call["role"] == "assistant" and call["tool_calls"][0]["function"]["name"] == "execute"
    assert result == {
        "role": "tool",
        "tool_call_id": call["tool_calls"][0]["id"],
        "content": result["content"],
    }
    assert "Feedback on the Action: " in result["content"]
    assert screenshot["role"] == "user" and len(user_images(screenshot)) == 1


@pytest.fixture(scope="module")
def css_run(server, css):
    """One VAB-format episode of the CSS solver (select_rule, edit_rule, the finishing
    phrase): its final info, the requests made and the two images shown at reset."""
    server.script.clear()
    server.requests.clear()
    shown = []

    def reply(env, action):
        if not shown:
            shown.extend([env.unwrapped.target_png(), env.unwrapped.screenshot_png()])
        return css_reply(env, action)

    info = play(css, agent_for(server), server, reply, CSS_TASK)
    return info, list(server.requests), shown


def test_css_replies_in_vab_format_reach_success(css_run):
    info, requests, _ = css_run
    assert info["success"] is True and len(requests) == 3


@pytest.mark.slow
def test_css_tool_calls_reach_success(fake, css):
    info = play(css, agent_for(fake, "tools"), fake, tool_call, CSS_TASK)
    assert info["success"] is True


# -- what the model is shown ------------------------------------------------------------------
def test_system_prompt_documents_the_action_set(fake, minecraft):
    agent = agent_for(fake)
    obs, info = minecraft.reset(seed=0, options={"task_id": MC_TASK})
    agent.reset(minecraft, obs, info)
    fake.push("ACTION: look_up('sugar')")
    agent.act(obs, info)
    system = fake.requests[0]["messages"][0]
    assert system["role"] == "system"
    assert MINECRAFT_ACTIONS.prompt() in system["content"]
    assert "{actions}" not in system["content"] and "{output}" not in system["content"]


def test_minecraft_history_omits_past_images(fake, minecraft):
    """container.py: the previous user turn becomes its text + "Omitted.\\n", no image."""

    def run(**options):
        fake.requests.clear()
        agent = agent_for(fake, **options)
        obs, info = minecraft.reset(seed=0, options={"task_id": MC_TASK})
        agent.reset(minecraft, obs, info)
        for item in ("stick", "sugar", "paper"):
            fake.push(f"THOUGHT: check.\nACTION: look_up('{item}')")
            obs, *_, info = minecraft.step(agent.act(obs, info))
        return [m for m in fake.requests[-1]["messages"] if m["role"] == "user"]

    users = run()
    assert [len(user_images(m)) for m in users] == [0, 0, 1]
    assert all(user_text(m).endswith("Vision Input: Omitted.\n") for m in users[:2])
    assert user_text(users[0]).startswith("Your task is to get a sugar in your inventory.")
    assert [len(user_images(m)) for m in run(max_images=2)] == [0, 1, 1]
    assert [len(user_images(m)) for m in run(max_turns=1)] == [0, 1]


def test_css_images_arrive_as_data_urls_and_all_are_kept(css_run):
    _, requests, shown = css_run
    first, last = requests[0]["messages"], requests[-1]["messages"]
    # CSSAgent.start_sample: the instructions as a user message, then the agent's consent
    assert first[0]["role"] == "user" and "You are a CSS agent" in first[0]["content"]
    assert first[1] == {
        "role": "assistant",
        "content": "I've understood your instruction, start please.",
    }
    urls = user_images(first[2])
    assert all(u.startswith("data:image/png;base64,") for u in urls)
    assert [base64.b64decode(u.split(",", 1)[1]) for u in urls] == shown
    for message in last:
        if message["role"] != "user":
            assert "image_url" not in json.dumps(message)
    # VAB keeps every image: target and page at reset, none after select_rule (it answers
    # in text), the new screenshot after edit_rule
    users = [m for m in last if m["role"] == "user"][1:]
    assert [len(user_images(m)) for m in users] == [2, 0, 1]


class StubEnv(gym.Env):
    """An env of a given id whose model view is scripted (no browser needed)."""

    def __init__(self, env_id: str, action_set: ActionSet) -> None:
        self.env_id, self.action_set, self.turn = env_id, action_set, 0
        self.png = png_bytes(np.full((8, 6, 3), 200, np.uint8))

    def model_view(self) -> ModelView:
        return ModelView(
            f"turn {self.turn}", (self.png,) * (2 if self.double_first and self.turn == 0 else 1)
        )

    double_first = False  # CSS-like: two images on the first turn


def stub_turns(fake: FakeOpenAI, env: StubEnv, turns: int, **options: Any) -> list[dict]:
    agent = agent_for(fake, **options)
    agent.reset(env, {"instruction": "Open the clock."}, {})
    for turn in range(turns):
        env.turn = turn
        fake.push("Action: back()")
        agent.act({}, {})
    return fake.requests[-1]["messages"]


def test_webarena_sends_a_fresh_prompt_every_turn(fake):
    """MultimodalCoTPromptConstructor: system intro + one user turn, the screenshot after
    "IMAGES: (1) current page screenshot"; only the previous action carries over."""
    messages = stub_turns(fake, StubEnv("VAB-WebArena-Lite-v0", WEBARENA_ACTIONS), 3)
    assert [m["role"] for m in messages] == ["system", "user"]
    content = messages[1]["content"]
    assert content[0] == {"type": "text", "text": "turn 2"}
    assert content[1] == {"type": "text", "text": "IMAGES: (1) current page screenshot"}
    assert content[2]["image_url"]["url"].startswith("data:image/png;base64,")
    assert "In summary, the next action I will perform is" in messages[0]["content"]


def test_mobile_history_keeps_placeholders_and_sends_jpeg(fake):
    """AndroidLab: system prompt + "\\n\\nTask Instruction: ...", past turns "** XML **"
    and the replies (json_recoder.py update_after), the screenshot as JPEG (model.py)."""
    messages = stub_turns(fake, StubEnv("VAB-Mobile-v0", MOBILE_ACTIONS), 3)
    assert messages[0]["content"].endswith("\n\nTask Instruction: Open the clock.")
    assert [(m["role"], m["content"]) for m in messages[1:5]] == [
        ("user", "** XML **"),
        ("assistant", "Action: back()"),
        ("user", "** XML **"),
        ("assistant", "Action: back()"),
    ]
    urls = user_images(messages[5])
    assert len(urls) == 1 and urls[0].startswith("data:image/jpeg;base64,")
    assert base64.b64decode(urls[0].split(",", 1)[1])[:2] == b"\xff\xd8"  # a JPEG file


def test_image_budget_counts_whole_turns_and_always_sends_the_current_one(fake):
    env = StubEnv("VAB-OmniGibson-v0", OMNIGIBSON_ACTIONS)
    env.double_first = True

    def counts(turns: int, max_images: int) -> list[int]:
        messages = stub_turns(fake, env, turns, max_images=max_images)
        return [len(user_images(m)) for m in messages if m["role"] == "user"]

    assert counts(1, 1) == [2]  # the current turn's images, whatever the budget
    assert counts(3, 2) == [0, 1, 1]  # the first turn's two images no longer fit
    assert counts(3, 4) == [2, 1, 1]
    assert counts(2, 0) == [0, 1]


def test_image_size_cap_scales_the_longer_side(fake):
    env = StubEnv("VAB-WebArena-Lite-v0", WEBARENA_ACTIONS)
    env.png = png_bytes(np.zeros((300, 1200, 3), np.uint8))
    messages = stub_turns(fake, env, 1, max_image_side=400)
    url = user_images(messages[1])[0]
    image = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert image.size == (400, 100)


# -- VAB's reply edits ------------------------------------------------------------------------
def test_minecraft_reply_edits_follow_vab_container():
    reply = (
        "Observation: a forest.\nThought: 1. a\n2. b\n3. c\nAction: craft('stick')\n"
        "Action: craft('sugar')"
    )
    # "Action:"/"Thought:" upper-cased, text from the second ACTION on dropped, the THOUGHT
    # lines kept up to the one starting "2. "
    assert edit_reply("minecraft", reply) == (
        "OBSERVATION: a forest.\nTHOUGHT: 1. a\n2. b\nACTION: craft('stick')\n"
    )
    long = "THOUGHT:\nl1\nl2\nl3\nl4\nl5\nl6\nACTION: equip('x')"
    # VAB's 5 lines count the empty one after "THOUGHT:", and its rejoining drops the newline
    assert edit_reply("minecraft", long) == "THOUGHT:l1\nl2\nl3\nl4\nACTION: equip('x')"
    assert edit_reply("minecraft", "ACTION: equip('x')<|end_of_text|>junk") == "ACTION: equip('x')"


def test_omnigibson_reply_edits_follow_vab_container():
    reply = "OBSERVATION: o\nTHOUGHT: t\nACTION: grasp('1.apple')\nAction Feedback: fake"
    assert (
        edit_reply("omnigibson", reply) == "OBSERVATION: o\nTHOUGHT: t\nACTION: grasp('1.apple')\n"
    )
    two = "ACTION: turn_left()\nACTION: turn_right()"
    assert edit_reply("omnigibson", two) == "ACTION: turn_left()\n"
    assert edit_reply("omnigibson", "Action: turn_left()") == "Action: turn_left()"  # no case fix


# -- tool schemas -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "actions",
    [CSS_ACTIONS, MINECRAFT_ACTIONS, MOBILE_ACTIONS, OMNIGIBSON_ACTIONS, WEBARENA_ACTIONS],
)
def test_tool_schemas_are_valid_json_schema(actions):
    for tool in actions.tool_schemas("openai"):
        schema = tool["function"]["parameters"]
        jsonschema.Draft202012Validator.check_schema(schema)
        spec = actions.specs[tool["function"]["name"]]
        jsonschema.validate({p.name: p.type() for p in spec.params}, schema)
        if spec.params:  # a wrongly typed argument is refused
            first = spec.params[0]
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate({first.name: "x" if first.type is list else []}, schema)


# -- robustness -------------------------------------------------------------------------------
def test_garbage_and_huge_replies_become_feedback(fake, minecraft):
    agent = agent_for(fake)
    obs, info = minecraft.reset(seed=0, options={"task_id": MC_TASK})
    agent.reset(minecraft, obs, info)
    for reply in ("I am not sure what to do here.", "craft(" * 50_000):
        fake.push(reply)
        obs, _, terminated, _, info = minecraft.step(agent.act(obs, info))
        assert info["action_error"] and not terminated
        assert agent.last_step["reply"] == reply
    # the env's feedback on the garbage is what the model sees next
    fake.push("ACTION: look_up('sugar')")
    agent.act(obs, info)
    assert obs["text"].split("\n")[0] in user_text(fake.requests[-1]["messages"][-1])


def test_unknown_tool_and_bad_arguments_become_feedback(fake, minecraft):
    agent = agent_for(fake, "tools")
    obs, info = minecraft.reset(seed=0, options={"task_id": MC_TASK})
    agent.reset(minecraft, obs, info)
    fake.push(
        {"tool_calls": [("fly", {"height": 3})]},
        {"tool_calls": [("craft", "{oops")]},
        {"tool_calls": [("craft", {"item": 5})]},
    )
    for expected in ("fly(height=3)", "craft({oops)", "craft(item=5)"):
        action = agent.act(obs, info)
        assert action == expected
        obs, *_, info = minecraft.step(action)
        assert info["action_error"]


def test_rate_limit_then_success_is_retried(fake, minecraft):
    agent = agent_for(fake)
    obs, info = minecraft.reset(seed=0, options={"task_id": MC_TASK})
    agent.reset(minecraft, obs, info)
    fake.push({"status": 429}, {"status": 503}, "ACTION: look_up('sugar')")
    assert agent.act(obs, info) == "ACTION: look_up('sugar')"
    assert len(fake.requests) == 3
    assert agent.last_step["retries"] == 2
    assert agent.last_step["error"].startswith("InternalServerError")


def test_slow_reply_times_out_and_is_retried(fake, minecraft):
    agent = agent_for(fake, timeout=0.5)
    obs, info = minecraft.reset(seed=0, options={"task_id": MC_TASK})
    agent.reset(minecraft, obs, info)
    fake.push({"delay": 2.0, "content": "ACTION: look_up('stick')"}, "ACTION: look_up('sugar')")
    assert agent.act(obs, info) == "ACTION: look_up('sugar')"
    assert agent.last_step["retries"] == 1
    assert agent.last_step["error"].startswith("APITimeoutError")


def test_retries_used_up_raise_with_the_error_recorded(fake, minecraft):
    agent = agent_for(fake, max_retries=2)
    obs, info = minecraft.reset(seed=0, options={"task_id": MC_TASK})
    agent.reset(minecraft, obs, info)
    fake.push({"status": 500}, {"status": 500}, {"status": 500}, "never asked")
    with pytest.raises(LMMError):
        agent.act(obs, info)
    assert len(fake.requests) == 3
    assert agent.last_step["retries"] == 2 and "InternalServerError" in agent.last_step["error"]


def test_tokens_and_cost_per_step_and_episode(fake, minecraft):
    agent = agent_for(fake, prices={"prompt": 2.5, "completion": 10.0})
    obs, info = minecraft.reset(seed=0, options={"task_id": MC_TASK})
    agent.reset(minecraft, obs, info)
    fake.push(
        "ACTION: look_up('stick')",
        {
            "content": "ACTION: look_up('sugar')",
            "usage": {"prompt_tokens": 2000, "completion_tokens": 50, "total_tokens": 2050},
        },
    )
    agent.act(obs, info)
    # 1000 prompt tokens at $2.5/M + 100 completion tokens at $10/M
    assert agent.last_step["cost"] == pytest.approx(0.0035)
    assert (agent.last_step["prompt_tokens"], agent.last_step["completion_tokens"]) == (1000, 100)
    agent.act(obs, info)
    assert agent.last_step["cost"] == pytest.approx(0.0055)
    assert agent.episode.prompt_tokens == 3000 and agent.episode.cost == pytest.approx(0.009)


def test_describe_records_parameters_and_prompt_hashes(fake):
    agent = LMMAgent(
        "m", fake.url, api_key="sk-secret", temperature=0.3, seed=7, params={"top_p": 0.9}
    )
    record = agent.describe()
    assert (
        record["class"],
        record["model"],
        record["mode"],
        record["temperature"],
        record["seed"],
        record["params"],
    ) == ("LMMAgent", "m", "text", 0.3, 7, {"top_p": 0.9})
    folder = resources.files("vab_gym.agents").joinpath("prompts")
    assert record["prompts"] == {
        template_for(env_id).env_id: hashlib.sha256(
            folder.joinpath(f"{name}.yaml").read_bytes()
        ).hexdigest()
        for env_id, name in (
            ("VAB-CSS-v0", "css"),
            ("VAB-Minecraft-v0", "minecraft"),
            ("VAB-Mobile-v0", "mobile"),
            ("VAB-OmniGibson-v0", "omnigibson"),
            ("VAB-WebArena-Lite-v0", "webarena"),
        )
    }
    assert "sk-secret" not in json.dumps(record)
    assert set(templates()) == set(record["prompts"])


def test_api_key_is_sent_as_bearer_and_seed_when_given(fake, minecraft):
    agent = LMMAgent("fake-model", fake.url, api_key="sk-test", seed=3, backoff=0.01)
    obs, info = minecraft.reset(seed=0, options={"task_id": MC_TASK})
    agent.reset(minecraft, obs, info)
    fake.push("ACTION: look_up('sugar')")
    agent.act(obs, info)
    assert fake.headers[0]["authorization"] == "Bearer sk-test"
    assert fake.requests[0]["seed"] == 3 and fake.requests[0]["temperature"] == 0.0


def test_check_names_an_unknown_model_and_a_dead_endpoint(fake):
    LMMAgent("fake-model", fake.url).check()
    with pytest.raises(
        ValueError, match=r"does not serve model 'gpt-9'; it serves \['fake-model'\]"
    ):
        LMMAgent("gpt-9", fake.url).check()
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{unused.getsockname()[1]}/v1"
    with pytest.raises(LMMError, match="does not answer"):
        LMMAgent("fake-model", dead, timeout=2).check()


# -- random and replay ------------------------------------------------------------------------
def test_random_agent_draws_grounded_actions_reproducibly(minecraft):
    def draws(seed: int) -> list[str]:
        agent = RandomAgent(seed)
        obs, info = minecraft.reset(seed=0, options={"task_id": MC_TASK})
        agent.reset(minecraft, obs, info)
        actions = []
        for _ in range(3):
            action = agent.act(obs, info)
            assert action in minecraft.unwrapped.valid_actions()
            actions.append(action)
            obs, *_, info = minecraft.step(action)
        return actions

    assert draws(1) == draws(1)


def test_random_agent_falls_back_to_the_action_set():
    env = StubEnv("VAB-WebArena-Lite-v0", WEBARENA_ACTIONS)
    env.valid_actions = lambda: (_ for _ in ()).throw(NotImplementedError)
    agent = RandomAgent(0)
    agent.reset(env, {"instruction": "buy red shoes"}, {})
    names = {WEBARENA_ACTIONS.parse(agent.act({}, {})).name for _ in range(200)}
    assert names == set(WEBARENA_ACTIONS.specs)


def test_replay_agent_reproduces_a_solver_episode(minecraft):
    first = run_episode(minecraft, make_solver(minecraft), task_id=MC_TASK, seed=0)
    again = run_episode(minecraft, ReplayAgent.from_result(first), task_id=MC_TASK, seed=0)
    assert first.success and again.success
    assert [s.text for s in again.steps] == [s.text for s in first.steps]
    replay = ReplayAgent([])
    with pytest.raises(RuntimeError, match="exhausted"):
        replay.act({}, {})
