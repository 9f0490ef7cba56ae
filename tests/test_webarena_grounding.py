"""VAB-WebArena-Lite's grounding (``valid_actions``): what it lists for a page, that each
listed call parses and runs, that the harmless ones leave the shop's database alone, that
it holds the solver's next actions, and that GroundedActions works over it."""

import random
from collections import defaultdict

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from tests.test_webarena_env import _dump
from vab_gym.agents.base import make_solver
from vab_gym.core.tasks import Task, TaskSet
from vab_gym.envs.webarena import grounding
from vab_gym.envs.webarena.env import WebArenaEnv
from vab_gym.envs.webarena.grounding import PageState, grounded_calls, instruction_strings
from vab_gym.envs.webarena.sites import from_alias
from vab_gym.envs.webarena.som import Mark
from vab_gym.wrappers import GroundedActions


def control(
    id_: int, tag: str, text: str = "", *, y: float = 50, shown: bool = True, typeable: bool = False
) -> Mark:
    return Mark(id_, tag, text, (10, y - 10, 100, 20), (60, y), True, shown, "", typeable)


def static(text: str) -> Mark:
    return Mark(-1, "StaticText", text, (0, 0, 100, 20), (50, 10), False)


PAGE = [
    static("Welcome, Emma Lopez!"),
    control(1, "A", "My Account"),
    static("My Account"),  # a link's own text: navigation, not an answer
    control(2, "INPUT", typeable=True),  # the search box
    control(3, "INPUT"),  # a checkbox: clicked, never typed into
    control(4, "BUTTON", "Search"),
    control(5, "A", "tiny", shown=False),  # VAB numbers it but does not show it
    control(6, "A", "below the fold", y=900),  # its centre is out of the viewport
    static("Purely Vanilla Body Butter, 6.7 oz"),
    static("$26.99"),
    static("3.7 out of 5"),
    static("SKU: B0RW1WWMNR"),
    static("Designed by Purely Labs for everyday use, this body butter is rich."),
]


def test_instruction_strings_quoted_then_names_then_numbers():
    assert instruction_strings(
        'Write a 2-star review of Pixelwave Puzzle Quest with the summary "Model sing" '
        "and the text \u201cGood game.\u201d"
    ) == ["Model sing", "Good game.", "Pixelwave Puzzle Quest", "2"]
    assert instruction_strings(
        "In the admin panel, change the price of Workwise Gray L-Shaped Office Chair to $625.99."
    ) == ["Workwise Gray L-Shaped Office Chair", "625.99"]
    assert instruction_strings(
        "I moved: change the city of my default shipping address to Staceyshire."
    ) == ["Staceyshire"]
    assert instruction_strings("Cancel order #000000151 in the admin panel.") == ["000000151"]
    assert instruction_strings("What is the status of my most recent order?") == []


def test_calls_for_a_page_by_kind_in_order():
    calls = grounded_calls(
        PAGE,
        'Search for "butter" by Purely',
        PageState(scroll_up=False, scroll_down=True, back=False, forward=True),
        tabs=2,
        active=1,
        homes=["http://shop", "http://shop/admin"],
    )
    # clicks and hovers of the shown controls in view, in document order
    assert [c for c in calls if c.startswith("click")] == [
        "click(1)",
        "click(2)",
        "click(3)",
        "click(4)",
    ]
    assert [c for c in calls if c.startswith("hover")] == [
        "hover(1)",
        "hover(2)",
        "hover(3)",
        "hover(4)",
    ]
    typed = [c for c in calls if c.startswith(("type", "clear"))]
    # the instruction's quoted string, its name, then two short texts of the page
    assert typed == [
        "type(2, 'butter', True)",
        "type(2, 'butter', False)",
        "type(2, 'Purely', True)",
        "type(2, 'Purely', False)",
        "type(2, 'Welcome, Emma Lopez!', True)",
        "type(2, 'Welcome, Emma Lopez!', False)",
        "type(2, 'Purely Vanilla Body Butter, 6.7 oz', True)",
        "type(2, 'Purely Vanilla Body Butter, 6.7 oz', False)",
        "clear(2)",
    ]
    stops = [c for c in calls if c.startswith("stop")]
    assert stops[:3] == ["stop('')", "stop('N/A')", "stop('$26.99')"]
    for answer in ("3.7 out of 5", "3.7", "B0RW1WWMNR", "Purely Labs", "6.7"):
        assert f"stop({answer!r})" in stops
    assert "stop('My Account')" not in stops and "stop('5')" in stops
    assert "scroll('down')" in calls and "scroll('up')" not in calls
    assert "go_back()" not in calls and "go_forward()" in calls
    assert [c for c in calls if c.startswith(("goto", "new_tab", "tab_focus", "close_tab"))] == [
        "goto('http://shop')",
        "goto('http://shop/admin')",
        "new_tab()",
        "tab_focus(0)",
        "close_tab()",
    ]
    kinds = list(dict.fromkeys(c.split("(")[0] for c in calls))
    assert kinds == [
        "click",
        "type",
        "clear",
        "scroll",
        "stop",
        "go_forward",
        "goto",
        "new_tab",
        "tab_focus",
        "close_tab",
        "hover",
    ]


def test_one_tab_and_a_crowded_page_stay_within_the_bound():
    one = grounded_calls(PAGE, "", PageState(), tabs=1, active=0, homes=[])
    assert "close_tab()" not in one and not any(c.startswith("tab_focus") for c in one)
    assert {"scroll('up')", "scroll('down')", "go_back()", "go_forward()"} <= set(one)
    crowded = [control(i, "INPUT", typeable=True, y=10 + i % 600) for i in range(1, 301)]
    crowded += [static(f"Item {i} costs ${i}.99") for i in range(300)]
    calls = grounded_calls(
        crowded,
        '"a" "b" "c" "d" "e" "f" "g" "h"',
        PageState(),
        tabs=grounding.MAX_TABS,
        active=0,
        homes=["http://shop"],
    )
    assert len(calls) == grounding.MAX_CALLS == 256 and len(set(calls)) == len(calls)
    assert sum(c.startswith("click") for c in calls) == grounding.MAX_CLICKS
    assert sum(c.startswith("type") for c in calls) == 2 * 6 * 8  # texts x fields x Enter
    assert sum(c.startswith("stop") for c in calls) == 2 + grounding.MAX_ANSWERS
    assert "new_tab()" not in calls and "close_tab()" in calls
    assert calls[-1].startswith("hover")  # hovers fill what room is left


# -- on the local shop --------------------------------------------------------------------


def guest_task(task_id: str, start: str) -> Task:
    """A task without a log-in (resets are quicker), judged on the product's price."""
    return Task(
        task_id,
        "VAB-WebArena-Lite-v0",
        "test",
        "What is the price of Purely Vanilla Body Butter, 6.7 oz?",
        {"sites": ["shopping"], "start_url": start, "require_login": False},
        {
            "eval_types": ["string_match"],
            "reference_answers": {"must_include": ["$26.99"]},
            "reference_url": "",
            "program_html": [],
            "string_note": "",
        },
    )


SHIPPED = ("post_review", "change_address_city")


@pytest.fixture(scope="module")
def env():
    shipped = WebArenaEnv.default_tasks("test")
    solved = [next(t for t in shipped if t.metadata["prototype"] == p) for p in SHIPPED]
    env = WebArenaEnv(
        tasks=TaskSet([guest_task("home", "__SHOPPING__"), *solved]), image_size=(90, 160)
    )
    yield env
    env.close()


def task_of(env, prototype):
    return next(t for t in env.tasks if t.metadata.get("prototype") == prototype)


def reach(env, task_id, steps):
    """Reset to the task, then take the steps; the grounding there."""
    env.reset(options={"task_id": task_id})
    for step in steps:
        _, _, _, _, info = env.step(step)
        assert info["action_error"] is None
    return env.valid_actions()


def assert_parsed_as_listed(env, calls):
    for call in calls:
        assert str(env.action_set.parse(from_alias(call, env.urls))) == call


# Calls that only read the shop: their requests are GETs, or nothing reaches the server.
READ_ONLY = (
    "hover",
    "scroll",
    "stop",
    "go_back",
    "go_forward",
    "goto",
    "new_tab",
    "tab_focus",
    "close_tab",
)
# (task, steps to the state, the kinds of call tried there, in this order: those that leave
# the page as it is first, so fewer resets are needed; a stop ends the episode, so last)
STATES = [
    (
        "home",
        ["goto [http://onestopmarket.com/review/product/list/id/126/]", "scroll [down]"],
        ("type", "clear", "hover", "click", "scroll", "go_back", "stop"),
    ),
    ("home", [], ("click", "goto", "new_tab")),
    ("home", ["new_tab"], ("tab_focus", "close_tab")),
]


@pytest.mark.slow
def test_listed_calls_parse_run_without_error_and_reads_change_no_data(env):
    """For a sample of states (the review form scrolled to its fields, the home page, two
    tabs), every listed call parses to itself; one call of each kind, sampled, runs on the
    state it was listed for without an action error (the state is rebuilt by a reset
    unless its URL and its list are still those it had), and calls that only read (links,
    hovers, scrolls, stops, navigation, tabs) leave every table of the shop as it was."""
    rng = random.Random(0)
    ran = defaultdict(int)
    for task_id, steps, kinds in STATES:
        listed = reach(env, task_id, steps)
        url = env.session.page.url
        assert_parsed_as_listed(env, listed)
        for kind in kinds:
            if env._done or env.session.page.url != url or env.valid_actions() != listed:
                assert reach(env, task_id, steps) == listed  # the same state, the same list
            call = rng.choice([c for c in listed if c.startswith(kind + "(")])
            link = (
                kind == "click"
                and next(m for m in env.session.marks if m.id == int(call[6:-1])).tag == "A"
            )
            before = _dump(env._shop)
            _, _, _, _, info = env.step(call)
            assert info["action_error"] is None, (steps, call)
            if kind in READ_ONLY or link:
                assert _dump(env._shop) == before, (steps, call)
                ran["read-only"] += 1
            ran[kind] += 1
    assert ran["read-only"] >= 9


def solver_steps(env, task):
    """Play the solver; each step's action in canonical form, and whether it was listed."""
    agent = make_solver(env)
    obs, info = env.reset(options={"task_id": task.id})
    agent.reset(env, obs, info)
    steps = []
    while True:
        call = str(env.action_set.parse(agent.act(obs, info)))
        listed = env.valid_actions()
        assert_parsed_as_listed(env, listed)
        steps.append((call, call in listed))
        obs, _, terminated, truncated, info = env.step(call)
        assert info["action_error"] is None
        if terminated or truncated:
            return steps, info["success"]


@pytest.mark.slow
def test_grounding_holds_the_solver_s_actions_but_its_jumps_by_url(env):
    """The solver's clicks, typing, clears, scrolls and stops are listed; its goto to a deep
    URL (a review form's or an address's page) is not: grounding lists only the sites' home
    pages, so it reaches such a page by clicks and search."""
    for prototype in SHIPPED:
        steps, success = solver_steps(env, task_of(env, prototype))
        assert success
        unlisted = [call for call, listed in steps if not listed]
        assert len(unlisted) == 1 and unlisted[0].startswith("goto("), (prototype, steps)
        kinds = {call.split("(")[0] for call, listed in steps if listed}
        assert (
            kinds
            == {
                "post_review": {"click", "type", "scroll", "stop"},
                "change_address_city": {"clear", "type", "stop"},
            }[prototype]
        )


def test_grounded_calls_alone_answer_a_product_question(env):
    """Without a goto: type the product's name (from the instruction) into the search box
    with Enter, click the result, stop with the price read from the page."""
    env.reset(options={"task_id": "home"})
    box = next(m for m in env.session.marks if m.typeable)
    search = f"type({box.id}, 'Purely Vanilla Body Butter', True)"
    assert search in env.valid_actions()
    env.step(search)
    result = next(
        m
        for m in env.session.marks
        if m.tag == "A" and m.text == "Purely Vanilla Body Butter, 6.7 oz"
    )
    assert f"click({result.id})" in env.valid_actions()
    env.step(f"click({result.id})")
    assert "stop('$26.99')" in env.valid_actions()
    _, reward, terminated, _, info = env.step("stop('$26.99')")
    assert terminated and reward == 1.0 and info["success"]


@pytest.mark.slow
def test_grounded_actions_check_env_and_masked_random_steps(env, monkeypatch):
    monkeypatch.setattr(env, "task_id", "home")  # every reset plays the quick guest task
    wrapped = GroundedActions(env)
    check_env(wrapped, skip_render_check=True, skip_close_check=True)
    rng = np.random.default_rng(0)
    obs, info = wrapped.reset(seed=0)
    for _ in range(6):
        live = np.flatnonzero(info["action_mask"])
        assert len(live) == len(info["action_texts"]) <= 256
        assert np.array_equal(wrapped.action_masks(), info["action_mask"])
        obs, _, terminated, truncated, info = wrapped.step(int(rng.choice(live)))
        assert env.observation_space.contains(obs)
        assert info["action_error"] is None, info["action_text"]
        if terminated or truncated:
            obs, info = wrapped.reset()
